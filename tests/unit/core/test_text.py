"""Typed euro amounts (sw_gremien.text): one rule for the Colander type Money and for the
hand-written forms (grant list, proof of use)."""

from decimal import Decimal

import colander
import pytest
from pyramid.i18n import make_localizer

from sw_gremien.paths import PACKAGE_DIR
from sw_gremien.text import LARGEST_AMOUNT, Money, read_amount

PLEASE_ENTER = "Please enter an amount in euros, e.g. 1.250,00."


@pytest.mark.parametrize("typed, amount", [
    ("1.234,50", "1234.50"),
    ("1234,5", "1234.50"),
    ("1234.50", "1234.50"),
    ("1 234 €", "1234.00"),
    ("12.500", "12500.00"),
    ("0,99", "0.99"),
    ("1,234", "1.23"),
    ("2.000 EUR", "2000.00"),
])
def test_german_and_plain_amounts_are_read_to_the_cent(typed, amount):
    result, message = read_amount(typed)
    assert message is None
    assert str(result) == amount  # exactly two places, not only an equal value


@pytest.mark.parametrize("typed", ["", "   ", "zwölf Euro", "1,2,3", "NaN", "Infinity", "€"])
def test_what_is_no_amount_says_how_to_type_one(typed):
    assert read_amount(typed) == (None, PLEASE_ENTER)


def test_negative_amounts_are_refused_by_default():
    amount, message = read_amount("-5,00")
    assert amount is None and message == "The amount must not be negative."
    # Less than half a cent below zero is no negative amount, and no negative zero either.
    amount, message = read_amount("-0,001")
    assert message is None and str(amount) == "0.00"


def test_the_bounds_are_inclusive_and_apply_to_the_rounded_amount():
    bounds = {"minimum": Decimal("0.01"), "maximum": Decimal("9999999.99")}
    assert read_amount("0,01", **bounds) == (Decimal("0.01"), None)
    assert read_amount("0,006", **bounds) == (Decimal("0.01"), None)
    assert read_amount("9.999.999,99", **bounds) == (Decimal("9999999.99"), None)
    amount, message = read_amount("0", **bounds)
    assert amount is None and message.mapping == {"minimum": "0,01\xa0€"}
    amount, message = read_amount("0,004", **bounds)
    assert amount is None and message.mapping == {"minimum": "0,01\xa0€"}
    amount, message = read_amount("10.000.000", **bounds)
    assert amount is None and message.mapping == {"maximum": "9.999.999,99\xa0€"}


def test_the_bound_in_a_message_is_written_for_the_reader():
    assert read_amount("0", minimum=Decimal("0.01"), locale="en")[1].mapping == {"minimum": "€0.01"}
    german = make_localizer("de", [str(PACKAGE_DIR / "locale")])
    _, message = read_amount("0", minimum=Decimal("0.01"))
    assert german.translate(message) == "Der Betrag muss mindestens 0,01\xa0€ betragen."
    _, message = read_amount("20,00", maximum=Decimal("10"))
    assert german.translate(message) == "Der Betrag darf höchstens 10,00\xa0€ betragen."


def test_nothing_above_what_a_money_column_holds():
    assert read_amount("9.999.999.999,99") == (LARGEST_AMOUNT, None)
    # Rounds up to 10 billion, which Numeric(12, 2) cannot hold.
    assert read_amount("9999999999,995")[0] is None
    # Valid decimals too long to round to cents: refused, not an exception.
    assert read_amount("1e30")[1].mapping == {"maximum": "9.999.999.999,99\xa0€"}
    assert read_amount("123456789012345678901234567890")[0] is None
    assert read_amount("-1e30")[1] == "The amount must not be negative."


def test_money_follows_the_same_rule():
    node = colander.SchemaNode(Money(), name="amount", missing=None)
    assert node.deserialize("1.234,5") == Decimal("1234.50")
    assert node.deserialize("") is None
    with pytest.raises(colander.Invalid) as refused:
        node.deserialize("-5")
    assert refused.value.msg == "The amount must not be negative."
    with pytest.raises(colander.Invalid) as refused:
        node.deserialize("zwölf")
    assert refused.value.msg == PLEASE_ENTER
    with pytest.raises(colander.Invalid):
        node.deserialize("1e30")
