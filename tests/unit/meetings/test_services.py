"""The rules of meetings without the web: numbers, agenda order and sub-numbers, notice
period, quorum, outcomes that fit, and the release of the results."""

from __future__ import annotations

import datetime as dt

import pytest

from sw_gremien.db import utcnow
from sw_gremien.i18n import TIMEZONE, today
from sw_gremien.meetings import services
from sw_gremien.meetings.models import ItemKind, Outcome
from sw_gremien.proposals.models import Consultation
from sw_gremien.workflow import engine
from sw_gremien.workflow.definitions import Role
from tests import factories
from tests.factories import BodyFactory, MembershipFactory, UserFactory
from tests.workflow_support import make_request


def at(day: dt.date, hour: int = 17) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour)).replace(tzinfo=TIMEZONE).astimezone(dt.UTC)


def in_days(days: int) -> dt.datetime:
    return at(today() + dt.timedelta(days=days))


@pytest.fixture
def request_(app, dbsession):
    return make_request(app, dbsession, Role.OFFICE)


def open_consultation(dbsession, request, body, role="decision"):
    """A proposal whose step in ``body`` is open (through the engine, as the app does it)."""
    author = UserFactory()
    MembershipFactory(body=body, user=author)
    proposal_type = factories.proposal_type((("origin", role),), informational=role != "decision")
    proposal = factories.proposal(author, body, proposal_type)
    proposal.state = "in_consultation"  # submitted and accepted
    consultation = proposal.current_round[0]
    engine.fire(consultation, "open", request, as_system=True)
    return consultation


# -- Numbers --------------------------------------------------------------------------------------------
def test_meetings_are_numbered_per_body_and_year(dbsession):
    ag, lg = BodyFactory(), BodyFactory()
    first = services.plan_meeting(dbsession, ag, starts_at=at(dt.date(2027, 2, 1)))
    second = services.plan_meeting(dbsession, ag, starts_at=at(dt.date(2027, 5, 1)))
    other_body = services.plan_meeting(dbsession, lg, starts_at=at(dt.date(2027, 5, 1)))
    next_year = services.plan_meeting(dbsession, ag, starts_at=at(dt.date(2028, 1, 10)))
    assert [(m.number, m.year) for m in (first, second, other_body, next_year)] == [
        (1, 2027), (2, 2027), (1, 2027), (1, 2028)]


def test_a_planned_meeting_moved_to_another_year_takes_that_years_number(dbsession):
    ag = BodyFactory()
    services.plan_meeting(dbsession, ag, starts_at=at(dt.date(2028, 3, 1)))
    meeting = services.plan_meeting(dbsession, ag, starts_at=at(dt.date(2027, 12, 1)))
    services.reschedule(dbsession, meeting, starts_at=at(dt.date(2028, 1, 20)), ends_at=None,
                        location="", public=False, note="")
    assert (meeting.number, meeting.year) == (2, 2028)


def test_a_series_keeps_the_local_time_across_summer_time(dbsession):
    ag = BodyFactory()
    meetings = services.plan_series(dbsession, ag, first_start=at(dt.date(2027, 1, 14)),
                                    duration=dt.timedelta(hours=2), count=4, months_between=3)
    local = [m.starts_at.astimezone(TIMEZONE) for m in meetings]
    assert [(d.month, d.day, d.hour) for d in local] == [(1, 14, 17), (4, 14, 17), (7, 14, 17), (10, 14, 17)]
    assert [m.number for m in meetings] == [1, 2, 3, 4]
    assert all(m.ends_at - m.starts_at == dt.timedelta(hours=2) for m in meetings)


def test_public_only_for_bodies_with_a_public_part(dbsession):
    ag, ia = BodyFactory(has_public_part=False), BodyFactory(has_public_part=True)
    assert not services.plan_meeting(dbsession, ag, starts_at=in_days(20), public=True).public
    assert services.plan_meeting(dbsession, ia, starts_at=in_days(20)).public


# -- The agenda -----------------------------------------------------------------------------------------
def titles_and_numbers(meeting):
    return [(i.title, i.number) for i in meeting.ordered_items()]


def test_numbers_follow_the_order_until_the_invitation(dbsession):
    meeting = services.plan_meeting(dbsession, BodyFactory(), starts_at=in_days(20))
    a, b, c = (services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title=t) for t in "ABC")
    assert titles_and_numbers(meeting) == [("A", "1"), ("B", "2"), ("C", "3")]
    assert services.move_item(meeting, c, -1)
    assert titles_and_numbers(meeting) == [("A", "1"), ("C", "2"), ("B", "3")]
    assert not services.move_item(meeting, a, -1)  # first already
    assert services.reorder(meeting, [b.id, a.id, c.id])
    assert titles_and_numbers(meeting) == [("B", "1"), ("A", "2"), ("C", "3")]
    assert not services.reorder(meeting, [b.id, a.id])  # an item missing: a stale list


def test_after_the_invitation_late_items_get_sub_numbers_and_nothing_moves(dbsession, request_):
    meeting = services.plan_meeting(dbsession, BodyFactory(), starts_at=in_days(20))
    a, b = (services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title=t) for t in "AB")
    meeting.state = "convened"
    services.add_free_item(dbsession, meeting, kind=ItemKind.OTHER, title="late 1")
    services.add_free_item(dbsession, meeting, kind=ItemKind.OTHER, title="late 2")
    assert titles_and_numbers(meeting) == [("A", "1"), ("B", "2"), ("late 1", "2.1"), ("late 2", "2.2")]
    assert not services.move_item(meeting, b, -1)
    assert not services.reorder(meeting, [i.id for i in reversed(meeting.items)])
    services.remove_item(request_, a)
    assert a.withdrawn and a.number == "1" and a in meeting.items
    assert a not in meeting.current_items and meeting.has_agenda()


def test_public_part_first_and_the_non_public_part_continues_the_count(dbsession):
    meeting = services.plan_meeting(dbsession, BodyFactory(has_public_part=True), starts_at=in_days(20))
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="intern", public=False)
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="öffentlich", public=True)
    assert titles_and_numbers(meeting) == [("öffentlich", "1"), ("intern", "2")]
    meeting.state = "convened"
    services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="late public", public=True)
    assert titles_and_numbers(meeting) == [("öffentlich", "1"), ("late public", "1.1"), ("intern", "2")]


def test_scheduling_a_consultation_and_taking_it_off_again(dbsession, request_):
    body = BodyFactory()
    consultation = open_consultation(dbsession, request_, body)
    meeting = services.plan_meeting(dbsession, body, starts_at=in_days(20))
    assert services.agenda_candidates(dbsession, body.id) == [consultation]
    item = services.add_consultation(request_, meeting, consultation)
    assert consultation.state == "scheduled" and consultation.agenda_item_id == item.id
    assert services.agenda_candidates(dbsession, body.id) == []
    with pytest.raises(ValueError):
        services.add_consultation(request_, meeting, consultation)  # not open any more
    services.remove_item(request_, item)
    assert consultation.state == "open" and consultation.agenda_item_id is None
    assert meeting.items == []


def test_cancelling_a_meeting_puts_its_proposals_back_into_the_queue(dbsession, request_):
    body = BodyFactory()
    consultation = open_consultation(dbsession, request_, body)
    meeting = services.plan_meeting(dbsession, body, starts_at=in_days(20))
    services.add_consultation(request_, meeting, consultation)
    engine.fire(meeting, "cancel", request_, comment="Raum nicht verfügbar")
    assert meeting.state == "cancelled" and consultation.state == "open"


# -- Notice period ---------------------------------------------------------------------------------------
def test_notice_period(dbsession):
    body = BodyFactory(notice_period_days=7)
    meeting = services.plan_meeting(dbsession, body, starts_at=at(dt.date(2027, 3, 15)))
    assert services.notice_period_problems(meeting, on=dt.date(2027, 3, 8)) == []
    problems = services.notice_period_problems(meeting, on=dt.date(2027, 3, 9))
    assert len(problems) == 1 and problems[0].mapping["deadline"] == "08.03.2027"
    assert services.notice_period_problems(meeting, on=dt.date(2027, 3, 16))  # in the past
    body.notice_period_days = 14
    assert services.notice_period_problems(meeting, on=dt.date(2027, 3, 8))


# -- Attendance and results ------------------------------------------------------------------------------
def test_quorum_counts_voting_members_present_or_represented(dbsession):
    body = BodyFactory()
    people = [MembershipFactory(body=body).user for _ in range(4)]
    MembershipFactory(body=body, role="guest")
    MembershipFactory(body=body, voting=False)
    meeting = services.plan_meeting(dbsession, body, starts_at=in_days(20))
    services.prepare_attendance(dbsession, meeting)
    assert len(meeting.attendance) == 6
    statuses = {people[0].id: ("present", ""), people[1].id: ("represented", "Frau Muster"),
                people[2].id: ("excused", "")}
    services.record_attendance(meeting, statuses)
    assert services.quorum(meeting) == services.Quorum(present=2, voting=4, quorate=False)
    services.record_attendance(meeting, {people[3].id: ("present", "")})
    assert services.quorum(meeting).quorate


def test_outcomes_offered_come_from_the_consultation_workflow(dbsession, request_):
    body = BodyFactory()
    meeting = services.plan_meeting(dbsession, body, starts_at=in_days(20))
    items = {}
    for role in ("preliminary", "decision", "notice"):
        items[role] = services.add_consultation(request_, meeting, open_consultation(dbsession, request_, body, role))
    report = services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht")
    assert services.outcome_options(items["preliminary"], request_) == [
        Outcome.RECOMMENDED, Outcome.REJECTED, Outcome.DEFERRED, Outcome.REFERRED_BACK]
    assert services.outcome_options(items["decision"], request_) == [
        Outcome.DECIDED, Outcome.REJECTED, Outcome.DEFERRED, Outcome.REFERRED_BACK]
    assert services.outcome_options(items["notice"], request_) == [
        Outcome.NOTED, Outcome.DEFERRED, Outcome.REFERRED_BACK]
    assert services.outcome_options(report, request_) == list(services.FREE_ITEM_OUTCOMES)


def test_missing_results_names_what_is_left(dbsession, request_):
    body = BodyFactory()
    member = MembershipFactory(body=body).user
    meeting = services.plan_meeting(dbsession, body, starts_at=in_days(20))
    item = services.add_consultation(request_, meeting, open_consultation(dbsession, request_, body, "preliminary"))
    services.prepare_attendance(dbsession, meeting)
    assert len(services.missing_results(meeting, request_)) == 2  # attendance; item 1 has no outcome
    services.record_attendance(meeting, {row.user_id: ("present", "") for row in meeting.attendance})
    item.outcome = "rejected"
    assert len(services.missing_results(meeting, request_)) == 1  # a rejection needs its reason
    item.resolution = "Nicht finanzierbar."
    assert services.missing_results(meeting, request_) == []
    item.outcome = "decided"  # does not fit a preliminary step
    assert len(services.missing_results(meeting, request_)) == 1
    assert member.id in {row.user_id for row in meeting.attendance}


def test_releasing_fires_every_outcome_and_defers_back_to_the_queue(dbsession, request_):
    body = BodyFactory()
    meeting = services.plan_meeting(dbsession, body, starts_at=in_days(20))
    decided = open_consultation(dbsession, request_, body, "decision")
    deferred = open_consultation(dbsession, request_, body, "decision")
    for consultation, outcome in ((decided, "decided"), (deferred, "deferred")):
        item = services.add_consultation(request_, meeting, consultation)
        item.outcome = outcome
        item.resolution = "So beschlossen." if outcome == "decided" else ""
    meeting.state = "held"
    services.release_results(request_, meeting)
    assert decided.state == "decided" and decided.result == "So beschlossen."
    assert decided.proposal.state == "adopted"
    assert deferred.state == "open" and deferred.agenda_item_id is None
    assert meeting.closed_at is not None
    assert dbsession.get(Consultation, deferred.id) in services.agenda_candidates(dbsession, body.id)


def test_corrections_of_approved_minutes_are_versions(dbsession):
    body = BodyFactory()
    user = UserFactory()
    meeting = services.plan_meeting(dbsession, body, starts_at=in_days(20))
    item = services.add_free_item(dbsession, meeting, kind=ItemKind.REPORT, title="Bericht")
    item.minutes = "Frau Meier berichtet."
    meeting.state = "minutes_approved"
    assert not services.correct_minutes(dbsession, meeting, item, minutes="Frau Meier berichtet.",
                                        resolution="", reason="nichts", user=user)
    assert services.correct_minutes(dbsession, meeting, item, minutes="Frau Maier berichtet.",
                                    resolution="", reason="Name falsch geschrieben", user=user)
    assert meeting.minutes_version == 2 and item.minutes == "Frau Maier berichtet."
    [correction] = services.corrections_of(dbsession, meeting)
    assert (correction.old_text, correction.new_text, correction.version) == (
        "Frau Meier berichtet.", "Frau Maier berichtet.", 2)


def test_standing_item_for_circulated_minutes(dbsession):
    body = BodyFactory()
    earlier = services.plan_meeting(dbsession, body, starts_at=utcnow() - dt.timedelta(days=10))
    earlier.state = "closed"
    later = services.plan_meeting(dbsession, body, starts_at=in_days(20))
    assert [(i.kind, i.approves_meeting_id, i.number) for i in later.items] == [
        ("minutes_approval", earlier.id, "1")]
    # Only once: the meeting after that does not get it again.
    third = services.plan_meeting(dbsession, body, starts_at=in_days(40))
    assert third.items == []
