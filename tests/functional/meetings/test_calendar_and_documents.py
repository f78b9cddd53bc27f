"""The meetings as documents and calendars through the app: who gets which PDF and which
iCalendar, the personal feed behind its secret address, and the month view."""

from __future__ import annotations

import datetime as dt
import io
import re

import icalendar
import pypdf
import pytest

from sw_gremien.db import utcnow
from sw_gremien.i18n import TIMEZONE, _, today
from sw_gremien.meetings import services
from sw_gremien.meetings.models import CalendarToken, ItemKind
from tests.functional.proposals.support import (
    as_user,
    count_statements,
    german,
    new_client,
)


def starts(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TIMEZONE).astimezone(dt.UTC)


def next_month_day(day: int = 12) -> dt.date:
    first = (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first.replace(day=day)


def convene(meeting) -> None:
    meeting.state = "convened"
    meeting.convened_at = utcnow()


@pytest.fixture
def ia_meeting(dbsession, world):
    """A public meeting of the Internationaler Ausschuss next month, with a public and a
    non-public item, still planned."""
    world.ia.has_public_part = True
    meeting = services.plan_meeting(dbsession, world.ia, starts_at=starts(next_month_day()),
                                    location="Rathaus, Großer Sitzungssaal")
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht Sprachcafés", public=True)
    services.add_free_item(dbsession, meeting, kind=ItemKind.OTHER, title="Personalangelegenheit Koordination")
    dbsession.flush()
    return meeting


@pytest.fixture
def ag_meeting(dbsession, world):
    meeting = services.plan_meeting(dbsession, world.ag, starts_at=starts(next_month_day(20), 15),
                                    location="Sozialamt, Raum 3")
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht aus den Bezirken")
    dbsession.flush()
    return meeting


def pdf_text(response) -> str:
    """The text of all pages, with any run of white space (line breaks too) as one space."""
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.body)).pages).split())


def parse_ics(response) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.body)
    return list(calendar.walk("VEVENT"))


def is_login_redirect(response) -> bool:
    return response.status_int == 302 and "/login?came_from=" in response.location


# -- PDF ---------------------------------------------------------------------------------------------
def test_members_get_the_whole_invitation_the_public_its_public_part(app, testapp, dbsession, world, ia_meeting):
    convene(ia_meeting)
    dbsession.flush()
    url = f"/sitzungen/{ia_meeting.id}/einladung.pdf"

    public = testapp.get(url, status=200)
    assert public.content_type == "application/pdf"
    assert public.headers["Content-Disposition"].startswith("inline; filename=")
    assert public.headers["Cache-Control"] == "no-store"
    text = pdf_text(public)
    assert "Bericht Sprachcafés" in text and "Personalangelegenheit" not in text
    assert german(app, _("Non-public part")) not in text
    day = next_month_day()
    assert f"{day.day}. " in text and str(day.year) in text and "Rathaus, Großer Sitzungssaal" in text

    as_user(testapp, world.ia_member)
    text = pdf_text(testapp.get(url, status=200))
    assert "Personalangelegenheit Koordination" in text and german(app, _("Non-public part")) in text


def test_a_non_public_meeting_has_no_public_invitation(testapp, dbsession, world, ag_meeting):
    convene(ag_meeting)
    dbsession.flush()
    url = f"/sitzungen/{ag_meeting.id}/einladung.pdf"
    assert is_login_redirect(testapp.get(url))
    as_user(testapp, world.stranger)
    testapp.get(url, status=403)
    # The whole committee may know that the meeting takes place, but not its non-public agenda.
    as_user(testapp, world.ag2_member)
    assert "Bericht aus den Bezirken" not in pdf_text(testapp.get(url, status=200))
    as_user(testapp, world.ag_member)
    assert "Bericht aus den Bezirken" in pdf_text(testapp.get(url, status=200))


def test_the_minutes_exist_from_the_meeting_on(app, testapp, dbsession, world, ag_meeting):
    url = f"/sitzungen/{ag_meeting.id}/protokoll.pdf"
    assert is_login_redirect(testapp.get(url))
    as_user(testapp, world.ag_member)
    refused = testapp.get(url, status=409)
    assert "protokoll" not in refused.content_type
    ag_meeting.state = "held"
    ag_meeting.convened_at = utcnow()
    dbsession.flush()
    response = testapp.get(url, status=200)
    assert response.content_type == "application/pdf"
    assert 'filename="' in response.headers["Content-Disposition"]
    text = pdf_text(response)
    assert "Bericht aus den Bezirken" in text and "Sozialamt, Raum 3" in text
    assert german(app, _("Draft: the minutes are still being written.")) in text
    as_user(testapp, world.ag2_member)  # held: the body's own business until the results are out
    testapp.get(url, status=403)


# -- iCalendar ---------------------------------------------------------------------------------------
def test_one_meeting_as_ics(testapp, dbsession, world, ia_meeting):
    as_user(testapp, world.ia_member)
    response = testapp.get(f"/sitzungen/{ia_meeting.id}/termin.ics", status=200)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    (event,) = parse_ics(response)
    assert str(event["UID"]) == f"meeting-{ia_meeting.id}@localhost"
    assert event.decoded("DTSTART") == ia_meeting.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=2)
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["SUMMARY"]).startswith("IA: ")
    assert str(event["LOCATION"]) == "Rathaus, Großer Sitzungssaal"
    assert str(event["URL"]).endswith(f"/sitzungen/{ia_meeting.id}")
    assert "Personalangelegenheit Koordination" in str(event["DESCRIPTION"])

    convene(ia_meeting)
    dbsession.flush()
    (event,) = parse_ics(testapp.get(f"/sitzungen/{ia_meeting.id}/termin.ics"))
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == ia_meeting.version


def test_the_public_sees_the_public_items_of_a_convened_public_meeting(testapp, dbsession, world, ia_meeting):
    url = f"/sitzungen/{ia_meeting.id}/termin.ics"
    assert is_login_redirect(testapp.get(url))  # planned: not public yet
    convene(ia_meeting)
    dbsession.flush()
    (event,) = parse_ics(testapp.get(url, status=200))
    assert "Bericht Sprachcafés" in str(event["DESCRIPTION"])
    assert "Personalangelegenheit" not in str(event["DESCRIPTION"])


def test_the_body_feed_lists_what_the_visitor_may_see(testapp, dbsession, world, ia_meeting):
    later = services.plan_meeting(dbsession, world.ia, starts_at=starts(next_month_day(25)))
    cancelled = services.plan_meeting(dbsession, world.ia, starts_at=starts(next_month_day(26)))
    convene(ia_meeting)
    convene(cancelled)
    cancelled.state = "cancelled"
    dbsession.flush()

    response = testapp.get("/gremien/ia/kalender.ics".replace("ia", world.ia.slug), status=200)
    assert response.headers["Content-Disposition"].startswith("inline;")
    calendar = icalendar.Calendar.from_ical(response.body)
    assert str(calendar["X-WR-CALNAME"]).startswith("IA")
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"meeting-{ia_meeting.id}@localhost", f"meeting-{cancelled.id}@localhost"}
    assert str(events[f"meeting-{cancelled.id}@localhost"]["STATUS"]) == "CANCELLED"
    assert "Personalangelegenheit" not in str(events[f"meeting-{ia_meeting.id}@localhost"]["DESCRIPTION"])

    as_user(testapp, world.ia_member)
    events = {str(e["UID"]): e for e in parse_ics(testapp.get(f"/gremien/{world.ia.slug}/kalender.ics"))}
    assert f"meeting-{later.id}@localhost" in events
    assert "Personalangelegenheit" in str(events[f"meeting-{ia_meeting.id}@localhost"]["DESCRIPTION"])


# -- The personal feed -------------------------------------------------------------------------------
def create_address(testapp, button="create") -> str:
    page = testapp.get("/konto/kalender")
    response = page.forms["calendar-address"].submit(button)
    return response


def feed_path(app, response) -> str:
    """The feed's path from the address shown once, which is on the configured public URL."""
    url = response.html.find("input", id="feed-url")["value"]
    public = app.registry.settings["sw_gremien.public_url"].rstrip("/")
    assert url.startswith(public + "/kalender/") and url.endswith(".ics")
    assert response.html.find("a", href="webcal://" + url.split("://", 1)[1]) is not None
    return url.removeprefix(public)


def test_the_personal_feed_behind_its_secret_address(app, testapp, dbsession, world, ia_meeting, ag_meeting):
    old_meeting = services.plan_meeting(dbsession, world.ag, starts_at=starts(today() - dt.timedelta(days=120)))
    dbsession.flush()
    as_user(testapp, world.ag_member)
    created = create_address(testapp)
    path = feed_path(app, created)
    token = path.removeprefix("/kalender/").removesuffix(".ics")
    # only the hash is stored
    row = dbsession.get(CalendarToken, world.ag_member.id)
    assert row is not None and token not in row.token_hash and len(row.token_hash) == 64
    # shown once: the settings page does not show it again
    assert testapp.get("/konto/kalender").html.find("input", id="feed-url") is None

    calendar_program = new_client(app)
    response = calendar_program.get(path, status=200)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    events = {str(e["UID"]): e for e in parse_ics(response)}
    # the member's own body, planned and with the whole agenda; not other bodies, not the old one
    assert set(events) == {f"meeting-{ag_meeting.id}@localhost"}
    assert "Bericht aus den Bezirken" in str(events[f"meeting-{ag_meeting.id}@localhost"]["DESCRIPTION"])
    assert old_meeting.id not in {int(uid.split("-")[1].split("@")[0]) for uid in events}

    calendar_program.get("/kalender/" + "x" * 43 + ".ics", status=404)
    calendar_program.get("/kalender/kurz.ics", status=404)

    # a new address replaces the old one
    new_path = feed_path(app, create_address(testapp))
    assert new_path != path
    calendar_program.get(path, status=404)
    calendar_program.get(new_path, status=200)

    # deleting it ends the subscription
    deleted = create_address(testapp, "delete")
    assert deleted.status_int == 302
    calendar_program.get(new_path, status=404)
    dbsession.expire_all()
    assert dbsession.get(CalendarToken, world.ag_member.id) is None


def test_the_office_feed_has_every_body(app, testapp, dbsession, world, ia_meeting, ag_meeting):
    as_user(testapp, world.admin)
    path = feed_path(app, create_address(testapp))
    uids = {str(e["UID"]) for e in parse_ics(new_client(app).get(path))}
    assert {f"meeting-{ia_meeting.id}@localhost", f"meeting-{ag_meeting.id}@localhost"} <= uids


def test_the_calendar_settings_need_a_login_and_a_csrf_token(testapp, world):
    assert is_login_redirect(testapp.get("/konto/kalender"))
    as_user(testapp, world.ag_member)
    testapp.post("/konto/kalender", {"create": "1"}, status=400)


# -- The month view ----------------------------------------------------------------------------------
def test_the_month_view_shows_the_visible_meetings(app, testapp, dbsession, world, ia_meeting, ag_meeting):
    convene(ia_meeting)
    dbsession.flush()
    month = next_month_day().strftime("%Y-%m")
    page = testapp.get(f"/sitzungen?monat={month}", status=200)
    grid = page.html.find("table", class_="month")
    assert grid.find("caption") is not None
    headers = [th.text.strip() for th in grid.find("thead").find_all("th")]
    assert headers == ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
    assert all(th["scope"] == "col" for th in grid.find("thead").find_all("th"))
    links = {a["href"] for a in grid.find_all("a")}
    assert links == {f"/sitzungen/{ia_meeting.id}"}  # the AG's meeting is not public
    listed = page.html.find("ul", class_="meeting-list").text
    assert "Rathaus, Großer Sitzungssaal" in listed
    assert "Einberufen" in listed  # the state's label from workflows/meeting.yaml
    assert page.html.find("a", rel="prev") is not None and page.html.find("a", rel="next") is not None
    assert page.html.find("a", href=f"/gremien/{world.ia.slug}/kalender.ics") is not None

    as_user(testapp, world.ag_member)
    page = testapp.get(f"/sitzungen?monat={month}")
    links = {a["href"] for a in page.html.find("table", class_="month").find_all("a")}
    assert links == {f"/sitzungen/{ia_meeting.id}", f"/sitzungen/{ag_meeting.id}"}
    assert page.html.find("a", href="/konto/kalender") is not None


def test_the_month_view_marks_today_in_text(app, testapp, world):
    page = testapp.get("/sitzungen", status=200)
    today_cell = page.html.find("td", class_="today")
    assert today_cell is not None and today_cell.find(class_="today-label").text.strip()
    assert today().strftime("%Y") in page.html.find("h1").text


@pytest.mark.parametrize("value", ["", "abc", "2026-13", "2026-00", "99999-01", "1800-01", "2026-1x",
                                   "2026-11-01", "%00", "２０２６-１１"])
def test_the_month_view_tolerates_garbage(testapp, value):
    page = testapp.get("/sitzungen", {"monat": value}, status=200)
    assert page.html.find("table", class_="month") is not None


def test_the_month_view_costs_the_same_for_1_or_10_meetings(app, testapp, dbsession, engine, world):
    day = next_month_day(1)
    month = day.strftime("%Y-%m")

    def add(n):
        for index in range(n):
            meeting = services.plan_meeting(dbsession, world.ag if index % 2 else world.lg,
                                            starts_at=starts(day + dt.timedelta(days=index % 27), 10 + index % 8))
            convene(meeting)
        dbsession.flush()

    add(1)
    as_user(testapp, world.ag_member)
    testapp.get(f"/sitzungen?monat={month}")
    few = count_statements(engine, testapp, f"/sitzungen?monat={month}")
    add(10)
    page = testapp.get(f"/sitzungen?monat={month}")
    assert len(page.html.find("ul", class_="meeting-list").find_all("li")) == 11
    assert count_statements(engine, testapp, f"/sitzungen?monat={month}") == few


def test_stale_feed_links_are_not_found(testapp):
    testapp.get("/gremien/gibt-es-nicht/kalender.ics", status=404)
    testapp.get("/sitzungen/999999/termin.ics", status=404)
    testapp.get("/sitzungen/999999/einladung.pdf", status=404)


def test_filenames_are_plain(testapp, dbsession, world, ia_meeting):
    convene(ia_meeting)
    dbsession.flush()
    disposition = testapp.get(f"/sitzungen/{ia_meeting.id}/einladung.pdf").headers["Content-Disposition"]
    assert re.fullmatch(r'inline; filename="[a-z0-9-]+\.pdf"', disposition)


def test_the_body_feed_costs_the_same_for_1_or_10_meetings(testapp, dbsession, engine, world):
    def add(n):
        for index in range(n):
            meeting = services.plan_meeting(dbsession, world.ag, starts_at=starts(next_month_day(1 + index)))
            services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title=f"Bericht {index}")
            services.add_free_item(dbsession, meeting, kind=ItemKind.OTHER, title=f"Verschiedenes {index}")
        dbsession.flush()

    add(1)
    as_user(testapp, world.ag_member)
    url = f"/gremien/{world.ag.slug}/kalender.ics"
    testapp.get(url)
    few = count_statements(engine, testapp, url)
    add(10)
    assert len(parse_ics(testapp.get(url))) == 11
    assert count_statements(engine, testapp, url) == few
