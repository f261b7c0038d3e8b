"""Price helpers for the shop. Prices are in euros; results are rounded to cents, halves up."""
import re


def apply_discount(price, percent):
    """Price after a percentage discount, rounded to cents (half up)."""
    return round(price * (1 - percent / 100), 2)


def parse_coupon(code):
    """'SAVE15' -> 15. Codes are case-insensitive and may have surrounding spaces. Invalid -> None."""
    m = re.fullmatch(r'SAVE(\d{1,2})', code)
    return int(m.group(1)) if m else None


def bulk_price(quantity, unit_price):
    """Total for a quantity: 5% off from 10 units, 10% off from 100 units."""
    if quantity > 100:
        return apply_discount(quantity * unit_price, 10)
    if quantity >= 10:
        return apply_discount(quantity * unit_price, 5)
    return apply_discount(quantity * unit_price, 0)
