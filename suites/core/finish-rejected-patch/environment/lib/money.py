from decimal import ROUND_HALF_UP, Decimal


def to_cents(amount):
    return int((Decimal(str(amount)) * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP))


def from_cents(cents):
    return cents / 100


def split(total_cents, parts):
    """Split an amount into `parts` shares."""
    if parts <= 0:
        raise ValueError('parts must be positive')
    share = total_cents // parts
    return [share] * parts
