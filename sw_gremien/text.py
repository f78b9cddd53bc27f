"""Formatted text from users: Markdown rendered safely, and German amounts of money."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import colander
from markdown_it import MarkdownIt
from markupsafe import Markup
from pyramid.i18n import TranslationString

from sw_gremien.i18n import _, format_money

# CommonMark without raw HTML: whatever a user types as HTML comes out as text. markdown-it
# also refuses javascript:, vbscript: and data: links.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def render_markdown(text: str | None) -> Markup:
    return Markup(_markdown.render(text or ""))


_GERMAN_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def parse_amount(value: str) -> Decimal:
    """Euro amounts as people in Stuttgart type them: "1.234,50", "1234,5", "1234.50",
    "1 234 €". Raises ValueError for anything else."""
    cleaned = value.replace("€", "").replace("EUR", "").replace("\xa0", "").replace(" ", "").strip()
    if not cleaned:
        raise ValueError("empty")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _GERMAN_THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(value) from None
    if not amount.is_finite():
        raise ValueError(value)
    return amount


CENT = Decimal("0.01")
# The largest amount a money column (Numeric(12, 2)) holds.
LARGEST_AMOUNT = Decimal("9999999999.99")


def read_amount(text: str, *, minimum: Decimal = Decimal(0), maximum: Decimal = LARGEST_AMOUNT,
                locale: str = "de") -> tuple[Decimal | None, TranslationString | None]:
    """A typed euro amount rounded to cents, or the message why it is none: (amount, None) or
    (None, message). Both bounds are inclusive and apply to the rounded amount; the message
    names the bound in the given locale. Empty text is no amount: forms where a field may stay
    empty check that first."""
    try:
        typed = parse_amount(text)
    except ValueError:
        return None, _("Please enter an amount in euros, e.g. 1.250,00.")
    if typed.adjusted() >= 20:
        # Rounding this to cents would overflow the decimal context ("1e30" is a valid
        # Decimal), and it is far beyond any bound anyway: compare it as typed.
        amount = typed
    else:
        amount = typed.quantize(CENT)
        if amount == 0:
            amount = amount.copy_abs()  # "-0,001" is 0.00, not a negative zero
    if amount < minimum:
        if minimum == 0:
            return None, _("The amount must not be negative.")
        return None, _("The amount must be at least ${minimum}.", mapping={"minimum": format_money(minimum, locale)})
    if amount > maximum:
        return None, _("The amount must be at most ${maximum}.", mapping={"maximum": format_money(maximum, locale)})
    return amount, None


class Money(colander.SchemaType):
    """A Colander type for euro amounts: exact decimals with two places, German input and
    German display."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        request = (node.bindings or {}).get("request")
        locale = request.locale_name if request is not None else "de"
        from babel.numbers import format_decimal

        return format_decimal(Decimal(appstruct), format="#,##0.00", locale=locale)

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None, ""):
            return colander.null
        request = (node.bindings or {}).get("request")
        amount, message = read_amount(str(cstruct), locale=request.locale_name if request is not None else "de")
        if message is not None:
            raise colander.Invalid(node, message)
        return amount
