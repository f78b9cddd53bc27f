"""The issue's journey through the pages: a working group's meeting recommends two proposals,
the steering group decides one and defers the other, its next meeting approves the minutes."""

from __future__ import annotations


from sw_gremien.workflow.models import WorkflowEvent
from sqlalchemy import select
from tests import factories
from tests.functional.meetings.support import (
    add_to_agenda,
    fire_meeting,
    items,
    latest_meeting,
    meeting_url,
    open_for_agenda,
    plan,
    record_attendance,
    record_result,
    reload_meeting,
)
from tests.functional.proposals.support import as_user, consultations, reload


def _two_open_proposals(testapp, world):
    first = factories.proposal(world.author, world.ag, world.types["strategic"], title="Sprachcafés in allen Bezirken")
    second = factories.proposal(world.author, world.ag, world.types["strategic"], title="Patenschaften für Neuzugewanderte")
    for proposal in (first, second):
        open_for_agenda(testapp, world, proposal)
    return first, second


def _run_meeting(testapp, dbsession, world, body, secretary, to_schedule, outcomes, mailer=None):
    """Plan, fill, convene, hold, record and close a meeting of ``body``; ``outcomes`` maps the
    item index (after the standing items) to (outcome, resolution)."""
    as_user(testapp, secretary)
    plan(testapp, body)
    meeting = latest_meeting(dbsession, body)
    for consultation in to_schedule:
        add_to_agenda(testapp, meeting, consultation)
    fire_meeting(testapp, meeting, "convene")
    fire_meeting(testapp, meeting, "hold")
    record_attendance(testapp, meeting)
    for item in items(dbsession, meeting):
        outcome, resolution = outcomes[item.consultation_id if item.consultation_id else item.kind]
        record_result(testapp, meeting, item, outcome, resolution=resolution, unanimous=outcome in ("recommended", "decided"))
    fire_meeting(testapp, meeting, "close")
    return reload_meeting(dbsession, meeting.id)


def test_working_group_to_steering_group_and_minutes_approval(testapp, dbsession, world, mailer):
    first, second = _two_open_proposals(testapp, world)
    ag_steps = {p.id: consultations(dbsession, p)[0] for p in (first, second)}

    # The working group recommends both.
    mailer.outbox.clear()
    ag_meeting = _run_meeting(testapp, dbsession, world, world.ag, world.ag_secretary, ag_steps.values(), {
        ag_steps[first.id].id: ("recommended", "Die AG empfiehlt die Sprachcafés."),
        ag_steps[second.id].id: ("recommended", "Die AG empfiehlt die Patenschaften."),
    })
    assert ag_meeting.state == "closed"
    invitations = [m for m in mailer.outbox if m.subject.startswith("Einladung")]
    invited = {m.recipients[0] for m in invitations}
    assert invited == {world.author.email, world.coauthor.email, world.ag_member.email, world.guest.email,
                       world.ag_secretary.email, world.ag_chair.email}
    attachments = invitations[0].attachments
    assert [a.content_type for a in attachments] == ["application/pdf", "text/calendar"]
    assert attachments[0].data.startswith(b"%PDF")
    assert b"BEGIN:VEVENT" in attachments[1].data

    # Both steps ended in AG-SA and opened in LG-GI: its queue shows them.
    for proposal in (first, second):
        steps = consultations(dbsession, proposal)
        assert [(c.body.short_name, c.state) for c in steps] == [
            ("AG-SA", "recommended"), ("LG-GI", "open"), ("IA", "waiting")]
        assert steps[0].result == ("Die AG empfiehlt die Sprachcafés." if proposal is first else "Die AG empfiehlt die Patenschaften.")
    as_user(testapp, world.lg_secretary)
    queue_page = testapp.get(f"/gremien/{world.lg.slug}")
    assert "Sprachcafés in allen Bezirken" in queue_page.text and "Patenschaften für Neuzugewanderte" in queue_page.text

    # The steering group decides the first and defers the second.
    lg_steps = {p.id: consultations(dbsession, p)[1] for p in (first, second)}
    lg_meeting = _run_meeting(testapp, dbsession, world, world.lg, world.lg_secretary, lg_steps.values(), {
        lg_steps[first.id].id: ("decided", "Die Lenkungsgruppe beschließt die Sprachcafés."),
        lg_steps[second.id].id: ("deferred", ""),
    })
    assert reload(dbsession, first).state == "adopted"
    assert [c.state for c in consultations(dbsession, first)] == ["recommended", "decided", "open"]
    assert reload(dbsession, second).state == "in_consultation"
    assert [c.state for c in consultations(dbsession, second)] == ["recommended", "open", "waiting"]
    queue_page = testapp.get(f"/gremien/{world.lg.slug}")
    assert "Patenschaften für Neuzugewanderte" in queue_page.text  # back in the queue

    # Its next meeting approves the minutes (the standing item comes by itself) and takes up
    # the deferred proposal again.
    as_user(testapp, world.lg_secretary)
    plan(testapp, world.lg, days_ahead=30)
    next_meeting = latest_meeting(dbsession, world.lg)
    standing = items(dbsession, next_meeting)
    assert [(i.kind, i.approves_meeting_id) for i in standing] == [("minutes_approval", lg_meeting.id)]
    page = testapp.get(meeting_url(next_meeting, "/tagesordnung"))
    assert "Genehmigung des Protokolls der 1. Sitzung" in page.text
    add_to_agenda(testapp, next_meeting, lg_steps[second.id])
    fire_meeting(testapp, next_meeting, "convene")
    fire_meeting(testapp, next_meeting, "hold")
    record_attendance(testapp, next_meeting)
    approval, deferred_again = items(dbsession, next_meeting)
    record_result(testapp, next_meeting, approval, "decided", unanimous=True)
    record_result(testapp, next_meeting, deferred_again, "decided", resolution="Beschlossen.", votes_yes=2, votes_no=1, votes_abstain=0)
    fire_meeting(testapp, next_meeting, "close")

    assert reload_meeting(dbsession, lg_meeting.id).state == "minutes_approved"
    assert reload_meeting(dbsession, lg_meeting.id).minutes_approved_in_id == next_meeting.id
    assert reload(dbsession, second).state == "adopted"
    # The meeting page shows the released results.
    page = testapp.get(meeting_url(next_meeting))
    assert "2 Ja, 1 Nein, 0 Enthaltungen" in page.text


def test_convening_inside_the_notice_period_needs_the_chair_and_a_reason(testapp, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    open_for_agenda(testapp, world, proposal)
    as_user(testapp, world.ag_secretary)
    plan(testapp, world.ag, days_ahead=3)
    meeting = latest_meeting(dbsession, world.ag)
    add_to_agenda(testapp, meeting, consultations(dbsession, proposal)[0])

    meeting = reload_meeting(dbsession, meeting.id)
    page = testapp.get(meeting_url(meeting))
    # Shown as blocked, with the reason; a forced attempt is refused with it.
    assert "Die Einladungsfrist von 7 Tagen ist nicht eingehalten" in page.text
    response = testapp.post(f"/ablauf/meetings/{meeting.id}/convene", {
        "csrf_token": page.html.find("input", {"name": "csrf_token"})["value"], "version": meeting.version,
        "came_from": meeting_url(meeting)}, status=422)
    assert "Die Einladungsfrist von 7 Tagen ist nicht eingehalten" in response.text
    assert reload_meeting(dbsession, meeting.id).state == "planned"

    # The chair may convene at short notice, but only with a reason, which is recorded.
    as_user(testapp, world.ag_chair)
    response = fire_meeting(testapp, meeting, "convene_at_short_notice", comment="", status=422)
    assert "Bitte geben Sie im Kommentar eine Begründung an." in response.text
    mailer.outbox.clear()
    fire_meeting(testapp, meeting, "convene_at_short_notice", comment="Eilbedürftig wegen Förderfrist.")
    meeting = reload_meeting(dbsession, meeting.id)
    assert meeting.state == "convened"
    event = dbsession.scalars(select(WorkflowEvent).where(
        WorkflowEvent.object_type == "meetings", WorkflowEvent.object_id == meeting.id)).one()
    assert (event.transition, event.comment, event.actor_id) == (
        "convene_at_short_notice", "Eilbedürftig wegen Förderfrist.", world.ag_chair.id)
    assert len([m for m in mailer.outbox if m.subject.startswith("Einladung")]) == 6


def test_a_failure_while_releasing_leaves_nothing_half_done(testapp, dbsession, world, monkeypatch):
    """Closing fires the outcomes one by one; if the second fails, the first has not moved
    either, and the meeting is still held."""
    first, second = _two_open_proposals(testapp, world)
    steps = [consultations(dbsession, p)[0] for p in (first, second)]
    as_user(testapp, world.ag_secretary)
    plan(testapp, world.ag)
    meeting = latest_meeting(dbsession, world.ag)
    for step in steps:
        add_to_agenda(testapp, meeting, step)
    fire_meeting(testapp, meeting, "convene")
    fire_meeting(testapp, meeting, "hold")
    record_attendance(testapp, meeting)
    for item in items(dbsession, meeting):
        record_result(testapp, meeting, item, "recommended", unanimous=True)

    from sw_gremien.meetings import services

    real_fire = services.engine.fire

    def failing_fire(obj, trigger, request, **kw):
        if getattr(obj, "id", None) == steps[1].id and trigger == "recommend":
            raise RuntimeError("the database went away")
        return real_fire(obj, trigger, request, **kw)

    monkeypatch.setattr(services.engine, "fire", failing_fire)
    fire_meeting(testapp, meeting, "close", status=500)
    monkeypatch.undo()

    assert reload_meeting(dbsession, meeting.id).state == "held"
    assert [c.state for c in (consultations(dbsession, first)[0], consultations(dbsession, second)[0])] == [
        "scheduled", "scheduled"]
    assert [c.state for c in consultations(dbsession, first)][1] == "waiting"  # LG-GI not opened
    # And once the fault is gone, closing works.
    fire_meeting(testapp, meeting, "close")
    assert reload_meeting(dbsession, meeting.id).state == "closed"
    assert consultations(dbsession, second)[0].state == "recommended"
