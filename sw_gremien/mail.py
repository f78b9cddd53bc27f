"""Outgoing mail. Messages join the request's transaction and leave only after it commits,
so a rolled-back action never mails anyone."""

from __future__ import annotations

from pyramid.renderers import render
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message

from sw_gremien.i18n import translate


def send_mail(request, recipients: list[str], subject, template: str, values: dict) -> None:
    """Render ``templates/<template>`` as the plain-text body and queue the message."""
    body = render(template, dict(values), request=request)
    message = Message(
        subject=translate(request, subject, values),
        recipients=recipients,
        body=body,
        sender=request.registry.settings["mail.default_sender"],
    )
    get_mailer(request).send(message)


def public_url(request, route_name: str, **kw) -> str:
    """An absolute link for a mail. Behind a proxy the configured public URL is the truth."""
    base = request.registry.settings.get("sw_gremien.public_url")
    if base:
        return base.rstrip("/") + request.route_path(route_name, **kw)
    return request.route_url(route_name, **kw)


def includeme(config):
    settings = config.get_settings()
    settings.setdefault("mail.default_sender", "Stuttgarter Weg <gremien@stuttgart.example>")
    if settings.get("sw_gremien.mailer") == "testing":
        config.include("pyramid_mailer.testing")
    elif settings.get("sw_gremien.mailer") == "debug":
        config.include("pyramid_mailer.debug")
    else:
        config.include("pyramid_mailer")
