import datetime as dt
from decimal import Decimal

from sw_gremien import i18n


def test_german_dates_numbers_and_money():
    assert i18n.format_date(dt.date(2026, 11, 21), "de") == "21.11.2026"
    assert i18n.format_number(Decimal("1234567.5"), "de") == "1.234.567,5"
    assert i18n.format_money(Decimal("615000"), "de") == "615.000,00\xa0€"
    assert i18n.format_money(Decimal("99.5"), "en") == "€99.50"


def test_datetimes_are_shown_in_stuttgart_time():
    # 23:30 UTC in winter is 00:30 the next day in Stuttgart
    value = dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC)
    assert i18n.format_datetime(value, "de") == "22.11.2026, 00:30"
    summer = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
    assert i18n.format_datetime(summer, "de").endswith("12:00")


def test_empty_values_render_empty():
    assert i18n.format_date(None, "de") == ""
    assert i18n.format_money(None, "de") == ""


class _Request:
    def __init__(self, cookies=None, user=None):
        self.cookies = cookies or {}
        self.user = user


class _User:
    locale = "en"


def test_locale_negotiation_defaults_to_german_whatever_the_browser_says():
    assert i18n.locale_negotiator(_Request()) == "de"


def test_locale_negotiation_cookie_then_account():
    assert i18n.locale_negotiator(_Request(user=_User())) == "en"
    assert i18n.locale_negotiator(_Request(cookies={i18n.LOCALE_COOKIE: "de"}, user=_User())) == "de"
    assert i18n.locale_negotiator(_Request(cookies={i18n.LOCALE_COOKIE: "fr"})) == "de"
