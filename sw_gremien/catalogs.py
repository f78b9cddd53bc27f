"""The message catalogues: extract, update and compile.

    python -m sw_gremien.catalogs update   # extract messages, merge into de/en, compile .mo
    python -m sw_gremien.catalogs check    # exit 1 if a message lacks its German translation

The compiled .mo files are committed next to the .po files, so that an installed package
needs no build step; a test checks they match the .po files.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from sw_gremien.paths import PACKAGE_DIR, templates_dir

DOMAIN = "sw_gremien"
LOCALES = ("de", "en")
LOCALE_DIR = PACKAGE_DIR / "locale"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pluralize": (2, 3)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "newstyle_gettext": "true", "trim_blocks": "true",
                 "lstrip_blocks": "true"}


def extract() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="sw_gremien", charset="utf-8")
    sources = [
        (PACKAGE_DIR, [("**.py", "python")], {}),
        (templates_dir(), [("**.jinja2", "jinja2")], {"**.jinja2": JINJA_OPTIONS}),
    ]
    for directory, method_map, options_map in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(directory), method_map=method_map, options_map=options_map, keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",),
        ):
            location = (f"{directory.name}/{filename}", lineno)
            catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(locale: str) -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, domain=DOMAIN, charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=locale, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    for locale in LOCALES:
        catalog = read_catalog(locale)
        catalog.update(template, update_header_comment=False, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, sort_output=True, include_previous=False)
        path.with_suffix(".mo").write_bytes(compiled(read_catalog(locale)))


def missing_german() -> list[str]:
    """Message ids that are used but have no German translation."""
    german = read_catalog("de")
    missing = []
    for message in extract():
        if not message.id:
            continue
        translated = german.get(message.id)
        if translated is None or translated.fuzzy or not (
            all(translated.string) if isinstance(translated.string, tuple) else translated.string
        ):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "update":
        update()
        return 0
    if command == "check":
        missing = missing_german()
        for message_id in missing:
            print(f"missing German translation: {message_id!r}")
        return 1 if missing else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
