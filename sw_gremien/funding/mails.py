"""Mail about applications. Queued for after the commit, each recipient in their own language,
and listed under their notifications (sw_gremien.notifications).

Applicants hear of every step the office or a committee takes on their application (with the
question, the reason or the grant notice); the office hears of every step an applicant takes."""

from __future__ import annotations

from functools import cache

from pyramid_mailer.message import Attachment
from sqlalchemy import select

from sw_gremien.accounts.models import GlobalRole, User
from sw_gremien.funding.models import FundApplication
from sw_gremien.i18n import _
from sw_gremien.mail import public_url
from sw_gremien.notifications.services import notify
from sw_gremien.security import ADMIN_PRINCIPAL

STEP_TEMPLATE = "funding/mail_step.txt.jinja2"

# What the applicant is told, by trigger (the text itself is in the template).
APPLICANT_SUBJECTS = {
    "request_info": _("Question about your application ${reference}"),
    "approve_early_start": _("Early start approved: ${reference}"),
    "grant_small": _("Your application ${reference} has been granted"),
    "grant": _("Your application ${reference} has been granted"),
    "reject": _("Decision on your application ${reference}"),
    "reject_formally": _("Decision on your application ${reference}"),
    "pay": _("Payout for ${reference}"),
    "extend_deadline": _("New deadline for the proof of use: ${reference}"),
    "claim_repayment": _("Repayment claimed: ${reference}"),
    "revoke": _("Grant revoked: ${reference}"),
    "accept_proof": _("Proof of use accepted: ${reference}"),
    "close": _("Case closed: ${reference}"),
    "withdraw": _("Application ${reference} withdrawn"),
    "renounce": _("Grant ${reference} renounced"),
}
# What the office is told when the applicant acts.
OFFICE_SUBJECTS = {
    "submit": _("New application ${reference}"),
    "resubmit": _("Answer to the question about ${reference}"),
    "submit_proof": _("Proof of use received: ${reference}"),
    "withdraw": _("Application ${reference} withdrawn"),
    "renounce": _("Grant ${reference} renounced"),
}
GRANT_TRIGGERS = frozenset({"grant", "grant_small"})


def applicants(application: FundApplication) -> list:
    """The organisation's contacts (services.applicant_principals: the same people)."""
    return list(application.organisation.contacts)


def office_staff(dbsession) -> list[User]:
    return list(dbsession.scalars(
        select(User).where(User.global_role == GlobalRole.ADMIN, User.active.is_(True)).order_by(User.id)))


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


def _notice_attachments(request, application: FundApplication):
    from sw_gremien.funding.documents import notice_filename, notice_pdf

    @cache
    def attachments(locale: str) -> list[Attachment]:
        return [Attachment(notice_filename(application), "application/pdf",
                           notice_pdf(request, application, locale))]

    return attachments


def tell_about_step(request, application: FundApplication, event) -> None:
    """After a transition: whoever is on the other side of it hears of it. A step of the office
    or of a committee (fired as the system) goes to the applicants, the grant with its notice
    attached; a step of an applicant goes to the office. Which side acted is decided by the
    office role, not by the contact list, so an office member who is also a contact still
    informs the other contacts. A draft withdrawn before its submission is nobody's news."""
    trigger = event.transition.trigger
    if event.from_state == "draft" and trigger == "withdraw":
        return
    actor = request.user if event.event.actor_id is not None else None
    by_office = actor is None or ADMIN_PRINCIPAL in request.principals
    values = {"application": application, "reference": application.reference or "",
              "trigger": trigger, "comment": event.event.comment or ""}
    if trigger in ("claim_repayment", "revoke"):
        from sw_gremien.funding.services import open_claim

        values["claim"] = open_claim(request.dbsession, application)
    link = public_url(request, "application", application_id=application.id)
    if not by_office:
        subject = OFFICE_SUBJECTS.get(trigger)
        if subject is not None:
            notify(request, office_staff(request.dbsession), subject, STEP_TEMPLATE,
                   {**values, "to_office": True}, link)
        return
    subject = APPLICANT_SUBJECTS.get(trigger)
    if subject is None:
        return
    attachments = _notice_attachments(request, application) if trigger in GRANT_TRIGGERS else None
    notify(request, [person for person in applicants(application) if person != actor], subject, STEP_TEMPLATE,
           {**values, "to_office": False}, link, attachments=attachments)
