import unittest

from pricing.discounts import apply_discount, bulk_price, parse_coupon


class DiscountTest(unittest.TestCase):
    def test_plain(self):
        self.assertEqual(apply_discount(100, 15), 85.0)

    def test_half_cent_rounds_up(self):
        self.assertEqual(apply_discount(2.675, 0), 2.68)
        self.assertEqual(apply_discount(10.05, 50), 5.03)

    def test_coupon(self):
        self.assertEqual(parse_coupon('SAVE15'), 15)
        self.assertEqual(parse_coupon(' save5 '), 5)
        self.assertIsNone(parse_coupon('SAVE'))
        self.assertIsNone(parse_coupon('FREE10'))

    def test_bulk_tiers(self):
        self.assertEqual(bulk_price(9, 1.0), 9.0)
        self.assertEqual(bulk_price(10, 1.0), 9.5)
        self.assertEqual(bulk_price(100, 1.0), 90.0)


if __name__ == '__main__':
    unittest.main()
