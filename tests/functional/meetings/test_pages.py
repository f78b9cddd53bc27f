"""Meeting pages: who may do what, in which state, and what the public sees."""

from __future__ import annotations

import datetime as dt

from sw_gremien.db import utcnow
from sw_gremien.meetings import services
from sw_gremien.meetings.models import ItemKind
from tests.functional.helpers import csrf_token
from tests.functional.meetings.support import (
    add_to_agenda,
    fire_meeting,
    items,
    latest_meeting,
    meeting_url,
    open_for_agenda,
    plan,
    reload_meeting,
)
from tests import factories
from tests.functional.proposals.support import as_user, consultations


def _meeting(dbsession, body, days=20, **kw):
    return services.plan_meeting(dbsession, body, starts_at=utcnow() + dt.timedelta(days=days),
                                 location="Rathaus", **kw)


def test_only_the_bodys_secretary_and_the_office_change_the_agenda(testapp, dbsession, world):
    meeting = _meeting(dbsession, world.ag)
    item = services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht")
    for person, status in ((world.ag_member, 403), (world.ag_chair, 403), (world.lg_secretary, 403)):
        as_user(testapp, person)
        testapp.post(meeting_url(meeting, f"/top/{item.id}/entfernen"),
                     {"csrf_token": csrf_token(testapp), "version": meeting.version}, status=status)
    as_user(testapp, world.ag_secretary)
    testapp.post(meeting_url(meeting, f"/top/{item.id}/entfernen"),
                 {"csrf_token": csrf_token(testapp), "version": meeting.version}, status=302)
    assert items(dbsession, meeting) == []


def test_a_stale_agenda_form_is_refused(testapp, dbsession, world):
    meeting = _meeting(dbsession, world.ag)
    a = services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="A")
    b = services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="B")
    dbsession.flush()
    as_user(testapp, world.ag_secretary)
    page = testapp.get(meeting_url(meeting, "/tagesordnung"))
    old_version = page.forms["agenda-order"]["version"].value
    testapp.post(meeting_url(meeting, f"/top/{a.id}/verschieben"),
                 {"csrf_token": csrf_token(testapp), "version": old_version, "direction": "down"}, status=302)
    # The same page's order form is now stale: someone moved an item meanwhile.
    response = testapp.post(meeting_url(meeting, "/tagesordnung/reihenfolge"),
                            {"csrf_token": csrf_token(testapp), "version": old_version, "order": f"{a.id},{b.id}"},
                            status=409)
    assert "inzwischen geändert" in response.text
    assert [i.title for i in reload_meeting(dbsession, meeting.id).ordered_items()] == ["B", "A"]


def test_the_agenda_of_a_held_meeting_cannot_be_changed(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    open_for_agenda(testapp, world, proposal)
    meeting = _meeting(dbsession, world.ag)
    meeting.state = "held"
    dbsession.flush()
    as_user(testapp, world.ag_secretary)
    assert testapp.get(meeting_url(meeting, "/tagesordnung")).status_int == 302
    testapp.post(meeting_url(meeting, "/tagesordnung"), {
        "csrf_token": csrf_token(testapp), "version": meeting.version,
        "consultation_id": consultations(dbsession, proposal)[0].id}, status=409)
    assert consultations(dbsession, proposal)[0].state == "open"


def test_an_item_of_another_meeting_is_not_found(testapp, dbsession, world):
    one, other = _meeting(dbsession, world.ag), _meeting(dbsession, world.ag, days=40)
    item = services.add_free_item(dbsession, other, kind=ItemKind.REPORT, title="Bericht")
    as_user(testapp, world.ag_secretary)
    testapp.get(meeting_url(one, f"/top/{item.id}"), status=404)


def test_the_public_sees_only_the_public_part_of_a_public_meeting(testapp, dbsession, world):
    world.ia.has_public_part = True
    meeting = _meeting(dbsession, world.ia, note="Treffpunkt: Pforte")
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht der Verwaltung", public=True)
    services.add_free_item(dbsession, meeting, kind=ItemKind.OTHER, title="Personalangelegenheit", public=False)
    dbsession.flush()
    testapp.get(meeting_url(meeting), status=302)  # planned: not published yet
    meeting.state, meeting.convened_at = "convened", utcnow()
    dbsession.flush()
    page = testapp.get(meeting_url(meeting))
    assert "Bericht der Verwaltung" in page.text and "Personalangelegenheit" not in page.text
    assert "Nichtöffentlicher Teil" not in page.text
    as_user(testapp, world.ia_member)
    page = testapp.get(meeting_url(meeting))
    assert "Personalangelegenheit" in page.text and "Nichtöffentlicher Teil" in page.text


def test_a_non_public_meeting_stays_with_its_body(testapp, dbsession, world):
    meeting = _meeting(dbsession, world.ag)
    testapp.get(meeting_url(meeting), status=302)
    as_user(testapp, world.lg_member)
    testapp.get(meeting_url(meeting), status=403)  # planned: only the body
    meeting.state, meeting.convened_at = "convened", utcnow()
    dbsession.flush()
    testapp.get(meeting_url(meeting), status=200)  # convened: the committees see the date
    as_user(testapp, world.stranger)
    testapp.get(meeting_url(meeting), status=403)


def test_represented_needs_a_name_and_keeps_what_was_typed(testapp, dbsession, world):
    meeting = _meeting(dbsession, world.ag)
    meeting.state = "held"
    services.prepare_attendance(dbsession, meeting)
    dbsession.flush()
    as_user(testapp, world.ag_secretary)
    page = testapp.get(meeting_url(meeting, "/anwesenheit"))
    form = next(f for f in page.forms.values() if (f.action or "").endswith("/anwesenheit"))
    form[f"status-{world.ag_member.id}"] = "represented"
    form[f"status-{world.author.id}"] = "excused"
    response = form.submit(status=422)
    assert "Bitte angeben, wer das Mitglied vertreten hat." in response.text
    again = next(f for f in response.forms.values() if (f.action or "").endswith("/anwesenheit"))
    assert again[f"status-{world.author.id}"].value == "excused"
    again[f"represented-{world.ag_member.id}"] = "Frau Muster"
    again.submit(status=302)
    rows = {row.user_id: row for row in reload_meeting(dbsession, meeting.id).attendance}
    assert (rows[world.ag_member.id].status, rows[world.ag_member.id].represented_by) == ("represented", "Frau Muster")


def test_votes_only_for_voted_outcomes(testapp, dbsession, world):
    meeting = _meeting(dbsession, world.ag)
    item = services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht")
    meeting.state = "held"
    dbsession.flush()
    as_user(testapp, world.ag_secretary)
    form = testapp.get(meeting_url(meeting, f"/top/{item.id}")).forms["item"]
    form["outcome"] = "noted"
    form["votes_yes"] = "3"
    form["minutes"] = "Die Verwaltung berichtet."
    response = form.submit("save", status=422)
    assert "Stimmen werden nur bei Ergebnissen erfasst" in response.text
    assert "Die Verwaltung berichtet." in response.text  # nothing typed is lost


def test_the_desk_lists_my_next_meetings(testapp, dbsession, world):
    as_user(testapp, world.ag_secretary)
    plan(testapp, world.ag)
    meeting = latest_meeting(dbsession, world.ag)
    desk = testapp.get("/schreibtisch")
    assert meeting_url(meeting) in desk.text
    as_user(testapp, world.lg_member)
    assert meeting_url(meeting) not in testapp.get("/schreibtisch").text


def test_late_items_after_the_invitation(testapp, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    open_for_agenda(testapp, world, proposal)
    as_user(testapp, world.ag_secretary)
    plan(testapp, world.ag)
    meeting = latest_meeting(dbsession, world.ag)
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht")
    dbsession.flush()
    fire_meeting(testapp, meeting, "convene")
    add_to_agenda(testapp, meeting, consultations(dbsession, proposal)[0])
    assert [(i.number, i.late) for i in items(dbsession, meeting)] == [("1", False), ("1.1", True)]
    page = testapp.get(meeting_url(meeting))
    assert "nachträglich aufgenommen" in page.text


# -- Found in review ------------------------------------------------------------------------------------
def test_once_released_only_the_wording_of_the_minutes_changes(testapp, dbsession, world):
    meeting = _meeting(dbsession, world.ag)
    item = services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht")
    item.outcome = "noted"
    meeting.state = "closed"
    dbsession.flush()
    as_user(testapp, world.ag_secretary)
    form = testapp.get(meeting_url(meeting, f"/top/{item.id}")).forms["item"]
    assert "outcome" not in form.fields and "votes_yes" not in form.fields
    form["minutes"] = "Frau Meier berichtet über die Sprachcafés."
    form.submit("save", status=302)
    testapp.post(meeting_url(meeting, f"/top/{item.id}"), {
        "csrf_token": csrf_token(testapp), "version": str(item.version + 1), "minutes": "x", "resolution": "",
        "outcome": "rejected", "save": "save"}, status=302)
    item = items(dbsession, meeting)[0]
    assert item.outcome == "noted" and item.minutes == "x"


def test_held_or_closed_meetings_keep_their_date(testapp, dbsession, world):
    meeting = _meeting(dbsession, world.ag)
    meeting.state = "held"
    dbsession.flush()
    as_user(testapp, world.ag_secretary)
    assert testapp.get(meeting_url(meeting, "/bearbeiten")).status_int == 302


def test_an_invited_meeting_moves_only_outside_the_notice_period_and_everyone_is_told(testapp, dbsession, world, mailer):
    from tests.functional.helpers import set_date
    from sw_gremien.i18n import today

    as_user(testapp, world.ag_secretary)
    plan(testapp, world.ag, days_ahead=20)
    meeting = latest_meeting(dbsession, world.ag)
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht")
    dbsession.flush()
    fire_meeting(testapp, meeting, "convene")
    mailer.outbox.clear()
    form = testapp.get(meeting_url(meeting, "/bearbeiten")).forms["meeting"]
    set_date(form, "date", (today() + dt.timedelta(days=2)).isoformat())
    response = form.submit("save", status=422)
    assert "Einladungsfrist" in response.text and mailer.outbox == []
    form = response.forms["meeting"]
    set_date(form, "date", (today() + dt.timedelta(days=25)).isoformat())
    form["location"] = "Rathaus, Raum 2"
    form.submit("save", status=302)
    subjects = {m.subject.split(":")[0] for m in mailer.outbox}
    assert subjects == {"Geänderte Einladung"} and len(mailer.outbox) == 6


def test_members_of_other_bodies_see_that_a_meeting_takes_place_not_its_inside(testapp, dbsession, world):
    meeting = _meeting(dbsession, world.ag, note="Zugangscode 4711")
    services.add_free_item(dbsession, meeting, kind=ItemKind.OTHER, title="Personalangelegenheit")
    meeting.state, meeting.convened_at = "closed", utcnow()
    services.prepare_attendance(dbsession, meeting)
    dbsession.flush()
    as_user(testapp, world.ag2_member)
    page = testapp.get(meeting_url(meeting))
    assert "Personalangelegenheit" not in page.text and "4711" not in page.text
    testapp.get(meeting_url(meeting, "/protokoll"), status=403)
    testapp.get(meeting_url(meeting, "/protokoll.pdf"), status=403)
    as_user(testapp, world.ag_member)
    page = testapp.get(meeting_url(meeting))
    assert "Personalangelegenheit" in page.text and "4711" in page.text


def test_cancelling_leaves_a_proposal_that_moved_to_another_meeting_alone(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    open_for_agenda(testapp, world, proposal)
    as_user(testapp, world.ag_secretary)
    plan(testapp, world.ag, days_ahead=20)
    first = latest_meeting(dbsession, world.ag)
    step = consultations(dbsession, proposal)[0]
    add_to_agenda(testapp, first, step)
    fire_meeting(testapp, first, "convene")
    [item] = items(dbsession, first)
    testapp.post(meeting_url(first, f"/top/{item.id}/entfernen"),
                 {"csrf_token": csrf_token(testapp), "version": reload_meeting(dbsession, first.id).version}, status=302)
    plan(testapp, world.ag, days_ahead=30)
    second = latest_meeting(dbsession, world.ag)
    add_to_agenda(testapp, second, step)
    fire_meeting(testapp, first, "cancel", comment="Raum nicht verfügbar")
    step = consultations(dbsession, proposal)[0]
    assert step.state == "scheduled" and step.agenda_item_id == items(dbsession, second)[0].id


def test_deferred_minutes_approval_comes_back_on_the_next_agenda(dbsession, world, app):
    from tests.workflow_support import make_request
    from sw_gremien.workflow.definitions import Role

    request = make_request(app, dbsession, Role.OFFICE)
    earlier = _meeting(dbsession, world.lg, days=-20)
    earlier.state = "closed"
    approving = _meeting(dbsession, world.lg, days=-5)
    [standing] = approving.items
    standing.outcome = "deferred"
    later = _meeting(dbsession, world.lg, days=30)
    assert later.items == []  # still pending on the approving meeting
    approving.state = "closed"  # release_results runs once the close transition has fired
    services.release_results(request, approving)
    # Both minutes are now due: the deferred ones and those of the approving meeting itself.
    assert sorted(i.approves_meeting_id for i in later.items) == sorted([earlier.id, approving.id])
    assert earlier.state == "closed"


def test_the_proposal_page_names_only_agenda_items_the_reader_may_see(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    open_for_agenda(testapp, world, proposal)
    as_user(testapp, world.ag_secretary)
    plan(testapp, world.ag)
    meeting = latest_meeting(dbsession, world.ag)
    add_to_agenda(testapp, meeting, consultations(dbsession, proposal)[0])
    assert meeting_url(meeting) in testapp.get(f"/vorlagen/{proposal.id}").text
    proposal = dbsession.get(type(proposal), proposal.id)
    proposal.public = True
    dbsession.flush()
    testapp.reset()
    page = testapp.get(f"/vorlagen/{proposal.id}")
    assert "Sprachcafés" in page.text and meeting_url(meeting) not in page.text


def test_once_on_an_agenda_only_the_meeting_settles_a_step(testapp, dbsession, world):
    from tests.functional.proposals.support import triggers_on_page

    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    open_for_agenda(testapp, world, proposal)
    step = consultations(dbsession, proposal)[0]
    as_user(testapp, world.ag_secretary)
    # Open: the secretary may settle it in writing.
    assert "recommend" in triggers_on_page(testapp.get(f"/vorlagen/{proposal.id}"), step)
    plan(testapp, world.ag)
    add_to_agenda(testapp, latest_meeting(dbsession, world.ag), step)
    assert triggers_on_page(testapp.get(f"/vorlagen/{proposal.id}"), step) == set()
    testapp.post(f"/ablauf/consultations/{step.id}/recommend",
                 {"csrf_token": csrf_token(testapp), "version": consultations(dbsession, proposal)[0].version},
                 status=403)
