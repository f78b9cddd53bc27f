"""Language and formatting: German first, English complete.

Message ids are English; the German catalogue translates every one of them (a test checks
that none is missing). Dates, numbers and money are formatted by Babel in the request's
locale, so "1.234,50 €" and "21.11.2026" come out in German.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from pyramid.i18n import TranslationStringFactory, get_localizer, make_localizer
from pyramid.interfaces import ILocalizer, ITranslationDirectories

_ = TranslationStringFactory("sw_gremien")

DEFAULT_LOCALE = "de"
AVAILABLE_LOCALES = ("de", "en")
LOCALE_NAMES = {"de": "Deutsch", "en": "English"}
LOCALE_COOKIE = "sw_gremien_locale"
# The city's time zone: stored times are UTC, shown times are Stuttgart's.
TIMEZONE = ZoneInfo("Europe/Berlin")


def locale_negotiator(request) -> str:
    """The language switch (a cookie), else a logged-in user's account setting, else German.

    The browser's Accept-Language is deliberately not consulted: the city's UI is German by
    default and English on request.
    """
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in AVAILABLE_LOCALES:
        return cookie
    user = getattr(request, "user", None)
    if user is not None and user.locale in AVAILABLE_LOCALES:
        return user.locale
    return DEFAULT_LOCALE


def set_locale_cookie(request, response, locale: str) -> None:
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.scheme == "https",
    )


def get_localizer_for(request, locale: str):
    """A localizer for a given language, e.g. the recipient's for a mail. Cached in the
    registry under the same key Pyramid uses for ``request.localizer``, so the catalogues are
    read from disk once per language, not once per mail."""
    registry = request.registry
    localizer = registry.queryUtility(ILocalizer, name=locale)
    if localizer is None:
        directories = registry.queryUtility(ITranslationDirectories, default=[])
        localizer = make_localizer(locale, directories)
        registry.registerUtility(localizer, ILocalizer, name=locale)
    return localizer


def translate(request, message, mapping=None) -> str:
    return get_localizer(request).translate(message, mapping=mapping)


def pluralize(request, singular, plural, n, mapping=None) -> str:
    return get_localizer(request).pluralize(singular, plural, n, domain="sw_gremien", mapping=mapping)


def today() -> dt.date:
    """The date in Stuttgart: memberships and deadlines follow the city's calendar."""
    return dt.datetime.now(TIMEZONE).date()


def to_local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TIMEZONE)


def local_to_utc(day: dt.date, time: dt.time = dt.time()) -> dt.datetime:
    """A date and time on Stuttgart's clock (default: the start of the day) as aware UTC."""
    return dt.datetime.combine(day, time, tzinfo=TIMEZONE).astimezone(dt.UTC)


def format_date(value: dt.date | dt.datetime | None, locale: str, format: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return babel_dates.format_date(value, format=format, locale=locale)


def format_datetime(value: dt.datetime | None, locale: str, format: str = "medium") -> str:
    if value is None:
        return ""
    local = to_local(value)
    date = babel_dates.format_date(local.date(), format=format, locale=locale)
    time = babel_dates.format_time(local.time(), format="short", locale=locale)
    return f"{date}, {time}"


def format_number(value, locale: str) -> str:
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=locale)


def format_size(size_bytes: int | None, locale: str) -> str:
    """File sizes as people read them: "512 Bytes", "12 KB", "2,5 MB" (1 KB = 1024 bytes)."""
    if size_bytes is None:
        return ""
    if size_bytes < 1024:
        return f"{babel_numbers.format_decimal(size_bytes, locale=locale)} Bytes"
    if size_bytes < 1024 * 1024:
        return f"{babel_numbers.format_decimal(round(size_bytes / 1024), locale=locale)} KB"
    return f"{babel_numbers.format_decimal(round(size_bytes / (1024 * 1024), 1), locale=locale)} MB"


def format_money(value: Decimal | int | None, locale: str) -> str:
    if value is None:
        return ""
    return babel_numbers.format_currency(Decimal(value), "EUR", locale=locale)


def includeme(config):
    config.add_translation_dirs("colander:locale/", "deform:locale/", "sw_gremien:locale/")
    config.set_locale_negotiator(locale_negotiator)
