#!/bin/bash
# Reference solution: decimal arithmetic with ROUND_HALF_UP (floats cannot hold 2.675), a
# case-insensitive trimmed coupon match, and the 100-unit tier starting at 100.
# tack-step: go to the package and run the tests
# tack-artifact: /app/pricing/pricing/discounts.py
# tack-env
cd /app/pricing
python3 -m unittest
# tack-step: rewrite the module
cat > pricing/discounts.py <<'PY'
"""Price helpers for the shop. Prices are in euros; results are rounded to cents, halves up."""
import re
from decimal import ROUND_HALF_UP, Decimal


def _cents(value):
    return float(value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))


def apply_discount(price, percent):
    """Price after a percentage discount, rounded to cents (half up)."""
    return _cents(Decimal(str(price)) * (100 - Decimal(str(percent))) / 100)


def parse_coupon(code):
    """'SAVE15' -> 15. Codes are case-insensitive and may have surrounding spaces. Invalid -> None."""
    m = re.fullmatch(r'SAVE(\d{1,2})', code.strip(), re.IGNORECASE)
    return int(m.group(1)) if m else None


def bulk_price(quantity, unit_price):
    """Total for a quantity: 5% off from 10 units, 10% off from 100 units."""
    total = Decimal(quantity) * Decimal(str(unit_price))
    if quantity >= 100:
        percent = 10
    elif quantity >= 10:
        percent = 5
    else:
        percent = 0
    return _cents(total * (100 - percent) / 100)
PY
# tack-step: run the tests again
python3 -m unittest -v
# tack-check: cd /app/pricing && python3 -m unittest 2>&1 | tail -n 1 | grep -qx OK && python3 -c "from pricing.discounts import apply_discount as a; assert a(0.125, 0) == 0.13 and a(1.005, 0) == 1.01"
