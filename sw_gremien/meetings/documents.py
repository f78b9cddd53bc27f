"""The meeting's documents on paper: the invitation with its agenda, and the minutes the city
signs. Both are rendered from Jinja2 templates (templates/meetings/pdf_*.jinja2) in a given
language and turned into tagged A4 PDFs (sw_gremien.documents.pdf)."""

from __future__ import annotations

from babel.dates import format_time
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sw_gremien.bodies.models import MEMBERSHIP_ROLE_LABELS, MembershipRole
from sw_gremien.documents.localized import render_in
from sw_gremien.documents.pdf import css_string, html_to_pdf, page_counter_css
from sw_gremien.i18n import _, to_local
from sw_gremien.meetings import services
from sw_gremien.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting
from sw_gremien.proposals.models import Consultation, Proposal
from sw_gremien.text import render_markdown

# States from which there are minutes, and what they are then.
MINUTES_STAGES = {
    "held": "draft",                   # being written: "Entwurf"
    "closed": "circulated",            # results released, circulating for approval
    "minutes_approved": "approved",    # final
}
CORRECTED_FIELD_LABELS = {"minutes": _("minutes text"), "resolution": _("resolution")}
# Who signs, and whose row stands in when the first is missing.
SIGNERS = (
    (_("Chair"), (MembershipRole.CHAIR, MembershipRole.DEPUTY_CHAIR)),
    (_("Secretary"), (MembershipRole.SECRETARY,)),
)
ROLE_ORDER = {role: index for index, role in enumerate(
    (MembershipRole.CHAIR, MembershipRole.DEPUTY_CHAIR, MembershipRole.SECRETARY, MembershipRole.MEMBER,
     MembershipRole.GUEST))}


def item_loads():
    """Loader options for what the documents and calendars show of each item, so that an
    agenda of forty items costs the same few statements as one of two."""
    items = selectinload(Meeting.items)
    return (
        items.selectinload(AgendaItem.consultation).selectinload(Consultation.proposal)
        .selectinload(Proposal.origin_body),
        items.selectinload(AgendaItem.approves_meeting),
    )


def load_for_documents(dbsession, meeting: Meeting) -> None:
    """Load the meeting's items (with their proposals), its attendance and its body in a
    fixed number of statements; what is loaded already stays as it is."""
    dbsession.scalars(
        select(Meeting).where(Meeting.id == meeting.id).options(
            selectinload(Meeting.body), *item_loads(),
            selectinload(Meeting.attendance).selectinload(Attendance.user),
            selectinload(Meeting.minutes_approved_in),
        )
    ).one()


def minutes_stage(meeting: Meeting) -> str | None:
    """"draft", "circulated" or "approved"; None while there are no minutes yet."""
    return MINUTES_STAGES.get(meeting.state)


def _time_values(meeting: Meeting, locale: str) -> dict:
    start = format_time(to_local(meeting.starts_at).time(), "short", locale=locale)
    end = format_time(to_local(meeting.ends_at).time(), "short", locale=locale) if meeting.ends_at else None
    return {"start_time": start, "end_time": end}


def _common(request, meeting: Meeting, locale: str) -> dict:
    return {
        "meeting": meeting,
        "markdown": render_markdown,
        "css_string": css_string,
        "page_counter": lambda: page_counter_css(request),
        "letterhead": _("City of Stuttgart · Stuttgarter Weg"),
        **_time_values(meeting, locale),
    }


def agenda_pdf(request, meeting: Meeting, locale: str, full: bool) -> bytes:
    """The invitation with the agenda. ``full=False`` is what the public may see: the public
    part of a public meeting, without the note to the members."""
    load_for_documents(request.dbsession, meeting)
    parts = meeting.parts()
    if not full:
        parts = [(public, items) for public, items in parts if public]
    html = render_in(request, "meetings/pdf_agenda.jinja2", {
        **_common(request, meeting, locale), "parts": parts, "full": full,
        "document_label": _("Invitation and agenda") if meeting.invitation_out else _("Draft agenda"),
    }, locale)
    return html_to_pdf(html)


def signers(meeting: Meeting) -> list[tuple]:
    """(function, name or None) for the chair's and the secretary's signature. The person
    who chaired: the chair if present, else the deputy; likewise for the secretary. No name
    when nobody in the role was present: the line is signed by whoever stood in."""
    result = []
    for label, roles in SIGNERS:
        present = sorted((row for row in meeting.attendance
                          if row.membership_role in roles and row.status == AttendanceStatus.PRESENT),
                         key=lambda row: roles.index(row.membership_role))
        result.append((label, present[0].user.display_name if present else None))
    return result


def attendance_rows(meeting: Meeting) -> list:
    return sorted(meeting.attendance,
                  key=lambda row: (ROLE_ORDER.get(row.membership_role, 99), row.user.display_name.casefold()))


def minutes_pdf(request, meeting: Meeting, locale: str) -> bytes:
    """The minutes: who attended and whether the body had a quorum, each item with its
    minutes, resolution, vote and outcome, the corrections of approved minutes, and the lines
    for the chair's and the secretary's signature."""
    stage = minutes_stage(meeting)
    if stage is None:
        raise ValueError(f"meeting {meeting.id} has no minutes in state {meeting.state}")
    load_for_documents(request.dbsession, meeting)
    corrections = services.corrections_of(request.dbsession, meeting) if meeting.minutes_version > 1 else []
    html = render_in(request, "meetings/pdf_minutes.jinja2", {
        **_common(request, meeting, locale),
        "parts": meeting.parts(),
        "stage": stage,
        "document_label": _("Minutes"),
        "field_labels": CORRECTED_FIELD_LABELS,
        "attendance": attendance_rows(meeting),
        "role_labels": MEMBERSHIP_ROLE_LABELS,
        "quorum": services.quorum(meeting),
        "signers": signers(meeting),
        "corrections": corrections,
    }, locale)
    return html_to_pdf(html)


def pdf_filename(meeting: Meeting, kind: str) -> str:
    """"ia-2026-2-einladung.pdf": ASCII, sortable, the same in both languages (like the URLs)."""
    return f"{meeting.body.slug}-{meeting.year}-{meeting.number}-{kind}.pdf"
