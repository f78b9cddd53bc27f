"""Jinja2 pages and Deform forms, with German formatting filters and translated widgets."""

from __future__ import annotations

from pathlib import Path

import deform
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request

from sw_gremien import i18n
from sw_gremien.paths import templates_dir

DEFORM_OVERRIDES = "deform"



def _deform_translator(term):
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


def configure_deform() -> None:
    """Our accessible widget templates first, Deform's own after them."""
    deform_templates = Path(deform.__file__).parent / "templates"
    renderer = deform.ZPTRendererFactory(
        [str(templates_dir() / DEFORM_OVERRIDES), str(deform_templates)],
        translator=_deform_translator,
    )
    deform.Form.set_default_renderer(renderer)


def template_globals(event) -> None:
    request = event.get("request")
    if request is None:
        return
    locale = request.locale_name
    event["locale"] = locale
    event["available_locales"] = i18n.LOCALE_NAMES
    event.setdefault("today", i18n.today())
    event["format_date"] = lambda value, format="medium": i18n.format_date(value, locale, format)
    event["format_datetime"] = lambda value, format="medium": i18n.format_datetime(value, locale, format)
    event["format_number"] = lambda value: i18n.format_number(value, locale)
    event["format_money"] = lambda value: i18n.format_money(value, locale)
    event["format_size"] = lambda value: i18n.format_size(value, locale)
    event["translate"] = lambda message, mapping=None: i18n.translate(request, message, mapping)
    event["unread_notifications"] = lambda: _unread_notifications(request)


def _unread_notifications(request) -> int:
    from sw_gremien.notifications.services import unread_count

    return unread_count(request.dbsession, request.user) if request.user is not None else 0


def includeme(config):
    settings = config.get_settings()
    settings.setdefault("jinja2.directories", str(templates_dir()))
    settings.setdefault("jinja2.i18n.domain", "sw_gremien")
    settings.setdefault("jinja2.autoescape", "true")
    settings.setdefault("jinja2.trim_blocks", "true")
    settings.setdefault("jinja2.lstrip_blocks", "true")
    settings.setdefault("jinja2.undefined", "strict")
    settings.setdefault("jinja2.extensions", "jinja2.ext.do")
    settings.setdefault("jinja2.newstyle", "true")
    config.include("pyramid_jinja2")
    config.add_jinja2_renderer(".jinja2")
    config.add_subscriber(template_globals, "pyramid.events.BeforeRender")
    configure_deform()
