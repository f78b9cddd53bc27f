"""Formatted text from users: Markdown rendered safely, and German amounts of money."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import colander
from markdown_it import MarkdownIt
from markupsafe import Markup

from sw_gremien.i18n import _

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
        try:
            amount = parse_amount(str(cstruct))
        except ValueError:
            raise colander.Invalid(node, _("Please enter an amount in euros, e.g. 1.250,00.")) from None
        if amount < 0:
            raise colander.Invalid(node, _("The amount must not be negative."))
        if amount >= Decimal("10000000000"):
            raise colander.Invalid(node, _("The amount is too large."))
        return amount.quantize(Decimal("0.01"))
