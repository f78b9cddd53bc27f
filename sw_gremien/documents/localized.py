"""Rendering a template in a language other than the request's: a PDF or a calendar for
its reader, as sw_gremien.mail does for a mail's recipient."""

from __future__ import annotations

import contextlib

from pyramid.renderers import render
from pyramid.threadlocal import get_current_request
from pyramid.threadlocal import manager as threadlocal_manager

from sw_gremien.i18n import get_localizer_for


@contextlib.contextmanager
def localized(request, locale: str | None):
    """Render in ``locale`` for the duration: the templates' ``_()`` and the German/English
    formatting globals (format_date & co., which follow ``request.locale_name``) both switch,
    and the request is the current one for the templates outside a web request too."""
    previous_localizer = request.localizer
    had_locale = "locale_name" in request.__dict__
    previous_locale = request.__dict__.get("locale_name")
    if locale is not None and locale != request.locale_name:
        request.localizer = get_localizer_for(request, locale)
        # ``locale_name`` is reified: an instance attribute shadows it until restored.
        request.locale_name = locale
    pushed = get_current_request() is not request
    if pushed:
        threadlocal_manager.push({"request": request, "registry": request.registry})
    try:
        yield request
    finally:
        if pushed:
            threadlocal_manager.pop()
        request.localizer = previous_localizer
        if had_locale:
            request.locale_name = previous_locale
        else:
            request.__dict__.pop("locale_name", None)


def render_in(request, template: str, values: dict, locale: str | None = None) -> str:
    with localized(request, locale):
        return render(template, dict(values), request=request)
