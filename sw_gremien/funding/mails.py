"""Mail to applicants. Queued for after the commit, each recipient in their own language, and
listed under their notifications (sw_gremien.notifications)."""

from __future__ import annotations

from functools import cache

from pyramid_mailer.message import Attachment

from sw_gremien.funding.models import FundApplication
from sw_gremien.i18n import _
from sw_gremien.mail import public_url
from sw_gremien.notifications.services import notify


def applicants(application: FundApplication) -> list:
    """The organisation's contacts and whoever wrote the application."""
    people = list(application.organisation.contacts)
    if application.created_by is not None and application.created_by not in people:
        people.append(application.created_by)
    return people


def send_receipt(request, application: FundApplication) -> None:
    """The receipt after the submission, with the application as PDF in the reader's language."""
    from sw_gremien.funding.documents import application_pdf, pdf_filename

    @cache
    def attachments(locale: str) -> list[Attachment]:
        return [Attachment(pdf_filename(application), "application/pdf",
                           application_pdf(request, application, locale))]

    notify(request, applicants(application), _("Application ${reference} received"),
           "funding/mail_receipt.txt.jinja2", {"application": application, "reference": application.reference},
           public_url(request, "application", application_id=application.id), attachments=attachments)
