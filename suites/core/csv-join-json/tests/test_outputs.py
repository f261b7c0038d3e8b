import json

import pytest

with open('/tests/expected.json') as f:
    EXPECTED = json.load(f)


@pytest.fixture(scope='module')
def result():
    with open('/app/customer_totals.json') as f:
        return json.load(f)


def test_keys(result):
    assert set(result) == {'customers', 'unmatched_orders'}


def test_unmatched(result):
    assert result['unmatched_orders'] == EXPECTED['unmatched_orders']


def test_customer_fields(result):
    for c in result['customers']:
        assert set(c) == {'id', 'name', 'country', 'orders', 'total_eur'}
        assert isinstance(c['id'], int) and isinstance(c['orders'], int)
        assert isinstance(c['total_eur'], (int, float))


def test_customer_values(result):
    got = {c['id']: c for c in result['customers']}
    assert set(got) == {c['id'] for c in EXPECTED['customers']}
    for want in EXPECTED['customers']:
        c = got[want['id']]
        assert (c['name'], c['country'], c['orders']) == (want['name'], want['country'], want['orders'])
        assert abs(c['total_eur'] - want['total_eur']) <= 0.01, (c, want)
        assert round(c['total_eur'], 2) == c['total_eur']


def test_order(result):
    keys = [(-c['total_eur'], c['id']) for c in result['customers']]
    assert keys == sorted(keys)
    assert [c['id'] for c in result['customers']] == [c['id'] for c in EXPECTED['customers']]
