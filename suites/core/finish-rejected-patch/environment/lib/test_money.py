import unittest

from money import split, to_cents


class MoneyTest(unittest.TestCase):
    def test_to_cents(self):
        self.assertEqual(to_cents(0.29), 29)
        self.assertEqual(to_cents(1.005), 101)

    def test_split_keeps_total(self):
        self.assertEqual(split(100, 3), [34, 33, 33])
        self.assertEqual(sum(split(1001, 7)), 1001)

    def test_split_rejects_zero_parts(self):
        with self.assertRaises(ValueError):
            split(10, 0)


if __name__ == '__main__':
    unittest.main()
