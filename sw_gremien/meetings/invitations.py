"""Mail about meetings: the invitation with the agenda as PDF and an .ics file, the
cancellation, and the minutes going round. Everything is queued for after the commit."""

from __future__ import annotations

from functools import cache

from pyramid_mailer.message import Attachment

from sw_gremien.i18n import _, format_date
from sw_gremien.mail import public_url
from sw_gremien.meetings.models import Meeting
from sw_gremien.notifications.services import notify


def _recipients(request, meeting: Meeting):
    from sw_gremien.meetings.services import invitees

    return [membership.user for membership in invitees(request.dbsession, meeting)]


def _values(meeting: Meeting, **extra) -> dict:
    """Template values; ``body_name`` and ``date`` also fill the subject line."""
    from sw_gremien.meetings.services import meeting_title

    return {"meeting": meeting, "title": meeting_title(meeting), "body_name": meeting.body.name,
            "date": format_date(meeting.starts_at, "de"), **extra}


def _file_stem(meeting: Meeting) -> str:
    return f"{meeting.body.slug}-{meeting.year}-{meeting.number}"


def send_invitations(request, meeting: Meeting, changed: bool = False) -> None:
    """Every member (and guest) of the body gets the invitation in their language, with the
    whole agenda as PDF and the date as .ics; ``changed``: again, after a new date or place."""
    from sw_gremien.meetings.documents import agenda_pdf
    from sw_gremien.meetings.ical import meeting_ics

    ics = meeting_ics(request, [meeting])

    @cache
    def attachments(locale: str) -> list[Attachment]:
        return [
            Attachment(f"einladung-{_file_stem(meeting)}.pdf", "application/pdf",
                       agenda_pdf(request, meeting, locale=locale, full=True)),
            Attachment(f"sitzung-{_file_stem(meeting)}.ics", "text/calendar", ics),
        ]

    subject = _("Changed invitation: ${body_name}, ${date}") if changed else _("Invitation: ${body_name}, ${date}")
    notify(request, _recipients(request, meeting), subject,
           "meetings/mail_invitation.txt.jinja2", _values(meeting, changed=changed),
           public_url(request, "meeting", meeting_id=meeting.id), attachments=attachments)


def send_cancellation(request, meeting: Meeting, reason: str | None) -> None:
    notify(request, _recipients(request, meeting), _("Cancelled: ${body_name}, ${date}"),
           "meetings/mail_cancelled.txt.jinja2", _values(meeting, reason=reason),
           public_url(request, "meeting", meeting_id=meeting.id))


def send_minutes_circulated(request, meeting: Meeting) -> None:
    notify(request, _recipients(request, meeting), _("Minutes for review: ${body_name}, ${date}"),
           "meetings/mail_minutes.txt.jinja2", _values(meeting),
           public_url(request, "meeting_minutes", meeting_id=meeting.id))
