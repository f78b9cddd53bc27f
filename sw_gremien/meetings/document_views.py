"""The meetings as documents and calendars: the invitation and the minutes as PDF, a meeting
and the feeds as iCalendar, the month view, and the page where a person manages the secret
address of their own feed."""

from __future__ import annotations

from babel.dates import format_time, get_day_names
from pyramid.httpexceptions import HTTPConflict, HTTPFound, HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import select

from sw_gremien.bodies.models import Body
from sw_gremien.i18n import _, to_local, today, translate
from sw_gremien.mail import public_url
from sw_gremien.meetings import documents, ical, month
from sw_gremien.security import Permissions

CALENDAR_TYPE = "text/calendar"


# -- PDF -------------------------------------------------------------------------------------------
def _pdf_response(data: bytes, filename: str) -> Response:
    response = Response(body=data, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@view_config(route_name="meeting_agenda_pdf", permission=Permissions.VIEW_MEETING)
def meeting_agenda_pdf(context, request):
    """The invitation: members get both parts, the public the public part."""
    full = request.can(Permissions.VIEW_MEETING_DETAILS)
    meeting = context.meeting
    data = documents.agenda_pdf(request, meeting, request.locale_name, full=full)
    return _pdf_response(data, documents.pdf_filename(meeting, "einladung" if full else "einladung-oeffentlich"))


@view_config(route_name="meeting_minutes_pdf", permission=Permissions.VIEW_MEETING_DETAILS)
def meeting_minutes_pdf(context, request):
    """The minutes, from the meeting's end on: a draft while held, circulated once closed,
    final once approved."""
    meeting = context.meeting
    if documents.minutes_stage(meeting) is None:
        raise HTTPConflict(detail=translate(request, _(
            "There are no minutes yet: they are written once the meeting has been held.")))
    data = documents.minutes_pdf(request, meeting, request.locale_name)
    return _pdf_response(data, documents.pdf_filename(meeting, "protokoll"))


# -- iCalendar -------------------------------------------------------------------------------------
def _calendar_response(data: bytes, filename: str, disposition: str) -> Response:
    response = Response(body=data, content_type=CALENDAR_TYPE, charset="utf-8")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # What a feed shows depends on who asks: never from a shared cache.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@view_config(route_name="meeting_ics", permission=Permissions.VIEW_MEETING)
def meeting_ics(context, request):
    meeting = context.meeting
    documents.load_for_documents(request.dbsession, meeting)
    data = ical.meeting_ics(request, [meeting])
    return _calendar_response(data, f"{meeting.body.slug}-{meeting.year}-{meeting.number}.ics", "attachment")


@view_config(route_name="body_calendar", permission=Permissions.PUBLIC)
def body_calendar(context, request):
    body = context.body
    data = ical.meeting_ics(request, ical.body_feed_meetings(request, body),
                            name=f"{body.short_name} – {body.name}")
    return _calendar_response(data, f"{body.slug}.ics", "inline")


@view_config(route_name="user_calendar", permission=Permissions.PUBLIC)
def user_calendar(request):
    """The personal feed. Whoever has the address gets the feed: the secret is the address."""
    user = ical.user_for_calendar_token(request.dbsession, request.matchdict["token"])
    if user is None:
        raise HTTPNotFound()
    data = ical.meeting_ics(
        request, ical.user_feed_meetings(request.dbsession, user), full=True, locale=user.locale,
        name=translate(request, _("Stuttgarter Weg: my meetings")),
    )
    response = _calendar_response(data, "sitzungen.ics", "inline")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- The personal feed's address -------------------------------------------------------------------
def _settings_values(request, feed_url: str | None = None) -> dict:
    return {
        "token": ical.calendar_token_of(request.dbsession, request.user),
        "feed_url": feed_url,
        "webcal_url": feed_url and "webcal://" + feed_url.split("://", 1)[1],
    }


@view_config(route_name="calendar_settings", request_method="GET", renderer="meetings/calendar_settings.jinja2",
             permission=Permissions.AUTHENTICATED)
def calendar_settings(request):
    return _settings_values(request)


@view_config(route_name="calendar_settings", request_method="POST", renderer="meetings/calendar_settings.jinja2",
             permission=Permissions.AUTHENTICATED)
def calendar_settings_post(request):
    """Create (or replace) the address and show it in this answer only; or delete it."""
    if "delete" in request.POST:
        if ical.revoke_calendar_token(request.dbsession, request.user):
            request.session.flash(translate(request, _("The address of your calendar has been deleted.")),
                                  "success")
        return HTTPFound(request.route_path("calendar_settings"))
    if "create" not in request.POST:
        return HTTPFound(request.route_path("calendar_settings"))
    token = ical.issue_calendar_token(request.dbsession, request.user)
    return _settings_values(request, public_url(request, "user_calendar", token=token))


# -- The month view --------------------------------------------------------------------------------
@view_config(route_name="meetings", renderer="meetings/calendar.jinja2", permission=Permissions.PUBLIC)
def meetings_month(request):
    current = today()
    first = month.parse_month(request.params.get("monat"), current)
    meetings = month.month_meetings(request, first)
    locale = request.locale_name
    short_names, wide_names = get_day_names("abbreviated", locale=locale), get_day_names("wide", locale=locale)
    return {
        "first": first,
        "weeks": month.month_weeks(first),
        "days": month.by_day(meetings),
        "meetings": meetings,
        "previous": month.shift_month(first, -1),
        "next": month.shift_month(first, 1),
        "current": current,
        "states": request.workflows["meeting"].states,
        "weekdays": [(short_names[day].rstrip("."), wide_names[day]) for day in range(7)],
        "time_of": lambda meeting: format_time(to_local(meeting.starts_at).time(), "short", locale=locale),
        "bodies": request.dbsession.scalars(
            select(Body).where(Body.active.is_(True)).order_by(Body.position, Body.name)
        ).all(),
    }
