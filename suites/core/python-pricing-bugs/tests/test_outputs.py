import hashlib
import subprocess
import sys

import pytest

sys.path.insert(0, '/app/pricing')
from pricing.discounts import apply_discount, bulk_price, parse_coupon  # noqa: E402

TESTS_SHA = '15edff1a00bc65c06625d8fb302504d46100abcb2802cd5ff3f274e98799a32d'


def test_shipped_tests_unchanged():
    with open('/app/pricing/tests/test_discounts.py', 'rb') as f:
        assert hashlib.sha256(f.read()).hexdigest() == TESTS_SHA


def test_shipped_tests_pass():
    r = subprocess.run([sys.executable, '-m', 'unittest', '-v'], cwd='/app/pricing', capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert 'Ran 4 tests' in r.stderr


@pytest.mark.parametrize('price,percent,expected', [(0.125, 0, 0.13), (1.005, 0, 1.01), (19.99, 10, 17.99),
                                                     (0.01, 50, 0.01), (33.33, 33, 22.33), (100, 100, 0.0),
                                                     (4.35, 10, 3.92), (1.15, 0, 1.15), (8.345, 0, 8.35)])
def test_apply_discount(price, percent, expected):
    assert apply_discount(price, percent) == expected


@pytest.mark.parametrize('code,expected', [('SAVE15', 15), ('save05', 5), ('  Save99\t', 99), ('SAVE100', None),
                                           ('XSAVE10', None), ('SAVE10X', None), ('', None), ('SAVE 10', None)])
def test_parse_coupon(code, expected):
    assert parse_coupon(code) == expected


@pytest.mark.parametrize('qty,unit,expected', [(1, 2.5, 2.5), (9, 1.11, 9.99), (10, 1.11, 10.55), (99, 1.0, 94.05),
                                               (100, 1.0, 90.0), (101, 0.5, 45.45), (150, 0.07, 9.45)])
def test_bulk_price(qty, unit, expected):
    assert bulk_price(qty, unit) == expected
