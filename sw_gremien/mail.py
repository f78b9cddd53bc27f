"""Outgoing mail. A message is handed to the mailer only after the request's transaction has
committed, so an action that is rolled back never mails anyone, whatever mailer is configured
(SMTP in production, files in development, a list in the tests)."""

from __future__ import annotations

import logging

from pyramid.exceptions import ConfigurationError
from pyramid.renderers import render
from pyramid_mailer import get_mailer
from pyramid_mailer.message import Message

from sw_gremien.i18n import translate

log = logging.getLogger(__name__)


def _deliver_after_commit(committed: bool, mailer, message: Message) -> None:
    if not committed:
        return
    try:
        mailer.send_immediately(message, fail_silently=False)
    except Exception:  # the data is saved; a lost mail must not turn the page into an error
        log.exception("could not send mail %r to %s", message.subject, message.recipients)


def queue_message(request, message: Message) -> None:
    mailer = get_mailer(request)
    request.tm.get().addAfterCommitHook(_deliver_after_commit, args=(mailer, message))


def render_mail(request, recipients: list[str], subject, template: str, values: dict,
                locale: str | None = None) -> tuple[Message, str]:
    """The message with ``templates/<template>`` as its plain-text body, rendered in the
    recipient's language when given (texts and the formatting of dates and numbers)."""
    from sw_gremien.documents.localized import localized

    with localized(request, locale):
        body = render(template, dict(values), request=request)
        subject_text = translate(request, subject, values)
    message = Message(
        subject=subject_text,
        recipients=recipients,
        body=body,
        sender=request.registry.settings["mail.default_sender"],
    )
    return message, body


def send_mail(request, recipients: list[str], subject, template: str, values: dict,
              locale: str | None = None) -> None:
    """Render and queue a mail for after the commit."""
    message, _body = render_mail(request, recipients, subject, template, values, locale)
    queue_message(request, message)


def public_url(request, route_name: str, **kw) -> str:
    """An absolute link for a mail, always on the configured public address: never on the
    Host header of the request that caused the mail, which a sender of a password-reset
    request controls."""
    return request.registry.settings["sw_gremien.public_url"].rstrip("/") + request.route_path(route_name, **kw)


def includeme(config):
    settings = config.get_settings()
    settings.setdefault("mail.default_sender", "Stuttgarter Weg <gremien@stuttgart.example>")
    mailer = settings.get("sw_gremien.mailer", "smtp")
    if not settings.get("sw_gremien.public_url"):
        if mailer == "smtp":
            raise ConfigurationError(
                "sw_gremien.public_url (or SW_GREMIEN_PUBLIC_URL) must be set: links in mails "
                "are built from it, never from the request"
            )
        settings["sw_gremien.public_url"] = "http://localhost:6543"
    if mailer == "testing":
        config.include("pyramid_mailer.testing")
    elif mailer == "debug":
        # Files in mail.top_level_directory (pyramid_mailer.debug itself always writes to
        # ./mail of the working directory, wherever the command was started).
        from pyramid_mailer.interfaces import IMailer
        from pyramid_mailer.mailer import DebugMailer

        config.registry.registerUtility(DebugMailer.from_settings(settings), IMailer)
    else:
        config.include("pyramid_mailer")
