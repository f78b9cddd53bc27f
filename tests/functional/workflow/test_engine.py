"""The engine on the product's real workflow definitions, with a real database."""

import pytest
from pyramid.httpexceptions import HTTPForbidden
from sqlalchemy import func, select

from sw_gremien.workflow import engine
from sw_gremien.workflow.definitions import Role
from sw_gremien.workflow.models import WorkflowEvent
from tests.factories import UserFactory
from tests.workflow_support import make_request, new_specimen


def _events(dbsession, specimen):
    return dbsession.scalars(
        select(WorkflowEvent).where(WorkflowEvent.object_id == specimen.id,
                                    WorkflowEvent.object_type == "test_specimens").order_by(WorkflowEvent.id)
    ).all()


def test_fire_changes_state_writes_history_and_bumps_version(app, dbsession):
    author = UserFactory()
    specimen = new_specimen(dbsession, "proposal", "draft")
    request = make_request(app, dbsession, Role.AUTHOR, user=author)
    assert specimen.version == 1
    event = engine.fire(specimen, "submit", request, comment="  Bitte beraten.  ", expected_version=1)
    assert specimen.state == "submitted"
    assert specimen.version == 2
    assert (event.from_state, event.to_state, event.transition, event.workflow) == (
        "draft", "submitted", "submit", "proposal")
    assert event.actor_id == author.id and event.comment == "Bitte beraten."
    assert [e.id for e in engine.history(dbsession, specimen)] == [event.id]


def test_stale_version_is_a_conflict_and_changes_nothing(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "draft")
    request = make_request(app, dbsession, Role.AUTHOR)
    with pytest.raises(engine.StaleObject) as caught:
        engine.fire(specimen, "submit", request, expected_version=0)
    assert caught.value.code == 409
    assert specimen.state == "draft" and specimen.version == 1
    assert _events(dbsession, specimen) == []


def test_a_failing_guard_gives_its_reason_and_changes_nothing(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "draft", problems={"submission": ["Die Begründung fehlt."]})
    request = make_request(app, dbsession, Role.AUTHOR)
    with pytest.raises(engine.TransitionRefused) as caught:
        engine.fire(specimen, "submit", request)
    assert caught.value.reasons == ["Die Begründung fehlt."]
    assert specimen.state == "draft" and _events(dbsession, specimen) == []
    options = {o.transition.trigger: o for o in engine.transition_options(specimen, request)}
    assert options["submit"].reasons == ["Die Begründung fehlt."]
    assert [t.trigger for t in engine.available_transitions(specimen, request)] == ["withdraw"]


def test_a_required_comment_is_required(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "submitted")
    request = make_request(app, dbsession, Role.BODY_SECRETARY)
    with pytest.raises(engine.TransitionRefused) as caught:
        engine.fire(specimen, "return_for_rework", request, comment="   ")
    assert len(caught.value.reasons) == 1
    engine.fire(specimen, "return_for_rework", request, comment="Kosten fehlen")
    assert specimen.state == "draft"


def test_a_role_without_the_transition_is_refused(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "draft")
    with pytest.raises(HTTPForbidden):
        engine.fire(specimen, "submit", make_request(app, dbsession, Role.BODY_MEMBER))
    assert specimen.state == "draft"


def test_a_transition_from_another_state_is_not_available(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "adopted")
    with pytest.raises(engine.TransitionNotAvailable) as caught:
        engine.fire(specimen, "submit", make_request(app, dbsession, Role.OFFICE))
    assert caught.value.code == 409


def test_system_transitions_are_never_offered_to_people(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "in_consultation")
    for role in Role:
        if role == Role.SYSTEM:
            continue
        triggers = {o.transition.trigger for o in engine.transition_options(specimen, make_request(app, dbsession, role))}
        assert not triggers & {"adopt", "reject", "settle"}
    with pytest.raises(HTTPForbidden):
        engine.fire(specimen, "adopt", make_request(app, dbsession, Role.OFFICE))
    event = engine.fire(specimen, "adopt", make_request(app, dbsession), as_system=True)
    assert specimen.state == "adopted" and event.actor_id is None


def test_the_system_fires_only_system_transitions(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "draft")
    with pytest.raises(ValueError):
        engine.fire(specimen, "submit", make_request(app, dbsession), as_system=True)


def test_comments_are_dropped_where_the_definition_takes_none(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "in_consultation")
    event = engine.fire(specimen, "adopt", make_request(app, dbsession), comment="egal", as_system=True)
    assert event.comment is None


def test_subscribers_hear_of_every_transition(app, dbsession):
    heard = []

    def listener(event):
        heard.append((event.transition.trigger, event.from_state, event.object.state))

    app.registry.registerHandler(listener, (engine.ObjectTransitioned,))
    try:
        specimen = new_specimen(dbsession, "meeting", "planned")
        engine.fire(specimen, "convene", make_request(app, dbsession, Role.BODY_SECRETARY))
    finally:
        app.registry.unregisterHandler(listener, (engine.ObjectTransitioned,))
    assert heard == [("convene", "planned", "convened")]


def test_history_is_append_only(app, dbsession):
    specimen = new_specimen(dbsession, "proposal", "draft")
    event = engine.fire(specimen, "submit", make_request(app, dbsession, Role.AUTHOR))
    event.comment = "nachträglich geändert"
    with pytest.raises(RuntimeError):
        dbsession.flush()
    dbsession.rollback()


def test_the_machine_is_built_once_and_shared(app):
    registry = app.registry["workflows"]
    assert registry["proposal"].machine is registry["proposal"].machine
    assert registry["proposal"].machine.models == []  # objects are never added to it


def test_the_meeting_notice_guard_and_the_chairs_override(app, dbsession):
    specimen = new_specimen(dbsession, "meeting", "planned", problems={"notice": ["Die Ladungsfrist von 7 Tagen ist unterschritten."]})
    with pytest.raises(engine.TransitionRefused):
        engine.fire(specimen, "convene", make_request(app, dbsession, Role.BODY_SECRETARY))
    chair = make_request(app, dbsession, Role.BODY_CHAIR)
    with pytest.raises(engine.TransitionRefused):  # the reason is required
        engine.fire(specimen, "convene_at_short_notice", chair)
    event = engine.fire(specimen, "convene_at_short_notice", chair, comment="Dringende Haushaltsfrage")
    assert specimen.state == "convened" and event.comment == "Dringende Haushaltsfrage"


def test_fund_application_small_grant_path(app, dbsession):
    office = make_request(app, dbsession, Role.OFFICE)
    big = new_specimen(dbsession, "fund_application", "in_review", problems={"small_grant": ["zu hoch"]})
    triggers = {o.transition.trigger: o.allowed for o in engine.transition_options(big, office)}
    assert triggers["grant_small"] is False and triggers["refer_to_committee"] is True
    small = new_specimen(dbsession, "fund_application", "in_review")
    engine.fire(small, "grant_small", office)
    assert small.state == "granted"
    count = dbsession.scalar(select(func.count()).select_from(WorkflowEvent).where(WorkflowEvent.object_id == small.id))
    assert count == 1
