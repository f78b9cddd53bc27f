"""Acting on meetings through the pages, as a secretary's browser would."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from sw_gremien.i18n import today
from sw_gremien.meetings.models import AgendaItem, Meeting
from tests.functional.helpers import set_date
from tests.functional.proposals.support import as_user, fire


def meeting_url(meeting, suffix: str = "") -> str:
    return f"/sitzungen/{meeting.id}{suffix}"


def reload_meeting(dbsession, meeting_id: int) -> Meeting:
    dbsession.expire_all()
    return dbsession.get(Meeting, meeting_id)


def plan(testapp, body, days_ahead: int = 14, start="17:00", location="Rathaus, Sitzungssaal", status=302):
    """Plan a meeting through the body's form; returns the response."""
    page = testapp.get(f"/gremien/{body.slug}/sitzungen/neu")
    form = page.forms["meeting"]
    set_date(form, "date", (today() + dt.timedelta(days=days_ahead)).isoformat())
    form["start_time"] = start
    form["end_time"] = "19:00"
    form["location"] = location
    return form.submit("save", status=status)


def latest_meeting(dbsession, body) -> Meeting:
    dbsession.expire_all()
    return dbsession.scalars(select(Meeting).where(Meeting.body_id == body.id).order_by(Meeting.id.desc())).first()


def add_to_agenda(testapp, meeting, consultation, status=302):
    page = testapp.get(meeting_url(meeting, "/tagesordnung"))
    for form in page.forms.values():
        if "consultation_id" in form.fields and form["consultation_id"].value == str(consultation.id):
            return form.submit(status=status)
    raise AssertionError(f"consultation {consultation.id} is not offered on the agenda page")


def fire_meeting(testapp, meeting, trigger, comment="", status=302):
    page = testapp.get(meeting_url(meeting))
    suffix = f"/ablauf/meetings/{meeting.id}/{trigger}"
    form = next((f for f in page.forms.values() if (f.action or "").endswith(suffix)), None)
    assert form is not None, f"{trigger} is not offered"
    if "comment" in form.fields:
        form["comment"] = comment
    return form.submit(status=status)


def record_attendance(testapp, meeting, statuses: dict | None = None, default="present"):
    page = testapp.get(meeting_url(meeting, "/anwesenheit"))
    form = next(f for f in page.forms.values() if (f.action or "").endswith("/anwesenheit"))
    for name in list(form.fields):
        if name and name.startswith("status-"):
            user_id = int(name.split("-", 1)[1])
            form[name] = (statuses or {}).get(user_id, default)
    return form.submit()


def items(dbsession, meeting) -> list[AgendaItem]:
    dbsession.expire_all()
    return list(dbsession.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                                  .order_by(AgendaItem.position)))


def record_result(testapp, meeting, item, outcome, resolution="", minutes="", unanimous=False, status=302, **votes):
    page = testapp.get(meeting_url(meeting, f"/top/{item.id}"))
    form = page.forms["item"]
    form["outcome"] = outcome
    form["resolution"] = resolution
    form["minutes"] = minutes
    if unanimous:
        form["unanimous"] = True
    for name, value in votes.items():
        form[name] = str(value)
    return form.submit("save", status=status)


def open_for_agenda(testapp, world, proposal):
    """Submit (author) and accept (secretary of the working group): the first step opens."""
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    as_user(testapp, world.ag_secretary)
    fire(testapp, proposal, "accept")
