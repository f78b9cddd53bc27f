"""The German catalogue is complete and the committed .mo files match the .po files."""

import pytest

from sw_gremien import catalogs


def test_every_message_has_a_german_translation():
    missing = catalogs.missing_german()
    assert not missing, f"{len(missing)} messages lack a German translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_compiled_catalogue_is_up_to_date(locale):
    mo = catalogs.po_path(locale).with_suffix(".mo")
    assert mo.read_bytes() == catalogs.compiled(catalogs.read_catalog(locale)), (
        "run `make catalogs` (python -m sw_gremien.catalogs update) and commit the .mo files"
    )


def test_german_placeholders_match_the_english_ones():
    import re

    pattern = re.compile(r"\$\{\w+\}|%\(\w+\)[sd]")
    german = catalogs.read_catalog("de")
    wrong = []
    for message in german:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(set(pattern.findall(s)) != set(pattern.findall(ids[-1])) for s in strings if s):
            wrong.append(ids[0])
    assert not wrong, f"placeholders differ in: {wrong}"
