"""Meetings as iCalendar (RFC 5545): one meeting to add to a calendar, a body's feed, and
each person's own feed behind a secret address that a calendar program can subscribe to.

What an event says follows what the requester may see: non-members get the agenda's public
part only. The personal feed is the person's own: it lists the meetings of their bodies in
full, whoever fetches the address (a calendar program carries no login), which is why only
the hash of its secret is stored and why the person can replace or delete it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import re
import secrets
from urllib.parse import urlsplit

import icalendar
from pyramid.renderers import render
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Body, Membership, MembershipRole
from sw_gremien.db import utcnow
from sw_gremien.documents.localized import localized
from sw_gremien.i18n import TIMEZONE, to_local, today, translate
from sw_gremien.mail import public_url
from sw_gremien.meetings import services
from sw_gremien.meetings.documents import item_loads
from sw_gremien.meetings.models import CalendarToken, Meeting

PRODID = "-//Landeshauptstadt Stuttgart//Stuttgarter Weg Gremien//DE"
# A meeting without an end is shown as lasting this long.
DEFAULT_DURATION = dt.timedelta(hours=2)
# Feeds reach this far back; older meetings are in the archive pages, not in calendars.
FEED_PAST = dt.timedelta(days=90)
FEED_LIMIT = 1000
# How often a subscribed calendar should ask again.
REFRESH = dt.timedelta(hours=1)
STATUS = {"planned": "TENTATIVE", "cancelled": "CANCELLED"}  # every other state: CONFIRMED
# secrets.token_urlsafe(32) gives 43 characters; anything unlike a token is refused unread.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")


# -- Calendars ---------------------------------------------------------------------------------------
def berlin_timezone() -> icalendar.Timezone:
    """Europe/Berlin with the EU rules (since 1996): the last Sunday of March and October."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/Berlin")
    for kind, name, start, offset_from, offset_to, month in (
        (icalendar.TimezoneDaylight, "CEST", dt.datetime(1970, 3, 29, 2), 1, 2, 3),
        (icalendar.TimezoneStandard, "CET", dt.datetime(1970, 10, 25, 3), 2, 1, 10),
    ):
        rule = kind()
        rule.add("tzname", name)
        rule.add("dtstart", start)
        rule.add("tzoffsetfrom", dt.timedelta(hours=offset_from))
        rule.add("tzoffsetto", dt.timedelta(hours=offset_to))
        rule.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(rule)
    return zone


def may_see_everything(request, meeting: Meeting) -> bool:
    """The rule of the meeting page: its body and the office see both parts, everyone else
    the public part."""
    from sw_gremien.meetings.resources import sees_everything

    return sees_everything(request, meeting)


def uid_host(request) -> str:
    return urlsplit(request.registry.settings["sw_gremien.public_url"]).hostname or "localhost"


def description(request, meeting: Meeting, full: bool) -> str:
    parts = meeting.parts() if full else [(public, items) for public, items in meeting.parts() if public]
    text = render("meetings/ical_description.jinja2", {"meeting": meeting, "parts": parts}, request=request)
    # The template escapes for HTML; the calendar wants the plain text.
    return "\n".join(line.strip() for line in html.unescape(text).splitlines() if line.strip())


def meeting_event(request, meeting: Meeting, full: bool, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.id}@{uid_host(request)}")
    event.add("dtstamp", stamp)
    start = to_local(meeting.starts_at)
    event.add("dtstart", start)
    event.add("dtend", to_local(meeting.ends_at) if meeting.ends_at else start + DEFAULT_DURATION)
    title = translate(request, services.meeting_title(meeting))
    event.add("summary", f"{meeting.body.short_name}: {title}")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", public_url(request, "meeting", meeting_id=meeting.id))
    event.add("status", STATUS.get(meeting.state, "CONFIRMED"))
    event.add("sequence", meeting.version)
    event.add("created", meeting.created_at)
    event.add("description", description(request, meeting, full))
    return event


def meeting_ics(request, meetings, name: str | None = None, *, full: bool | None = None,
                locale: str | None = None) -> bytes:
    """A calendar with one event per meeting. ``name`` makes it a feed (a name and a refresh
    interval for subscribing programs). ``full``: the whole agenda in every event (the
    personal feed); None decides per meeting by what the requester may see. ``locale``: the
    language of the texts (default: the request's)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", str(TIMEZONE))
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH)
    calendar.add_component(berlin_timezone())
    stamp = utcnow().replace(microsecond=0)
    with localized(request, locale):
        for meeting in meetings:
            everything = may_see_everything(request, meeting) if full is None else full
            calendar.add_component(meeting_event(request, meeting, everything, stamp))
    return calendar.to_ical()


# -- Feeds -------------------------------------------------------------------------------------------
def _feed_query():
    """Meetings from FEED_PAST on, with what their events show loaded in a fixed number of
    statements."""
    return (
        select(Meeting).where(Meeting.starts_at >= utcnow() - FEED_PAST)
        .options(selectinload(Meeting.body), *item_loads())
        .order_by(Meeting.starts_at, Meeting.id).limit(FEED_LIMIT)
    )


def body_feed_meetings(request, body: Body) -> list[Meeting]:
    """The body's meetings that the requester may see (the public: its convened public ones)."""
    return list(request.dbsession.scalars(
        _feed_query().where(Meeting.body_id == body.id, services.visible_condition(request))
    ))


def user_feed_meetings(dbsession, user: User) -> list[Meeting]:
    """The meetings of the bodies the user belongs to now (all of them for the office).
    Guests are invited to single meetings but see no body's meetings (sw_gremien.security),
    so their memberships do not count here either."""
    query = _feed_query()
    if not user.is_admin:
        query = query.where(Meeting.body_id.in_(
            select(Membership.body_id).where(
                Membership.user_id == user.id, Membership.active_on(today()),
                Membership.role != MembershipRole.GUEST,
            )
        ))
    return list(dbsession.scalars(query))


# -- The secret address of the personal feed ---------------------------------------------------------
def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token_of(dbsession, user: User) -> CalendarToken | None:
    return dbsession.get(CalendarToken, user.id)


def issue_calendar_token(dbsession, user: User) -> str:
    """A new secret for the user's feed, replacing any earlier one (whose address stops
    working at once). Returned once, to be shown once; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    row = calendar_token_of(dbsession, user)
    if row is None:
        row = CalendarToken(user_id=user.id)
        dbsession.add(row)
    row.token_hash = token_hash(token)
    row.created_at = utcnow()
    dbsession.flush()
    return token


def revoke_calendar_token(dbsession, user: User) -> bool:
    row = calendar_token_of(dbsession, user)
    if row is None:
        return False
    dbsession.delete(row)
    dbsession.flush()
    return True


def user_for_calendar_token(dbsession, token: str) -> User | None:
    """The active user whose feed address carries ``token``, else None. The lookup is by the
    hash, so the database never compares the secret itself."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return None
    wanted = token_hash(token)
    row = dbsession.scalar(select(CalendarToken).where(CalendarToken.token_hash == wanted))
    if row is None or not hmac.compare_digest(row.token_hash, wanted):
        return None
    user = dbsession.get(User, row.user_id)
    return user if user is not None and user.active else None
