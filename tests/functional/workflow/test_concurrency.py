"""Two people fire the same transition at the same moment: exactly one wins.

This test commits for real on two connections of its own (not the rolled-back test
transaction) and cleans up after itself.
"""

import threading
import time

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from sw_gremien.workflow import engine as wf_engine
from sw_gremien.workflow.definitions import Role
from sw_gremien.workflow.models import WorkflowEvent
from tests.workflow_support import Specimen, make_request, new_specimen


@pytest.fixture
def committed_specimen(engine):
    Session = sessionmaker(bind=engine, expire_on_commit=False)
    with Session.begin() as session:
        specimen_id = new_specimen(session, "proposal", "draft").id
    yield Session, specimen_id
    with engine.begin() as connection:
        connection.execute(delete(WorkflowEvent).where(WorkflowEvent.object_id == specimen_id,
                                                       WorkflowEvent.object_type == "test_specimens"))
        connection.execute(delete(Specimen.__table__).where(Specimen.__table__.c.id == specimen_id))


def test_two_concurrent_fires_give_exactly_one_event(app, engine, committed_specimen):
    Session, specimen_id = committed_specimen
    first, second = Session(), Session()
    mine = first.get(Specimen, specimen_id)
    theirs = second.get(Specimen, specimen_id)  # both have read version 1
    assert mine.version == theirs.version == 1

    wf_engine.fire(mine, "submit", make_request(app, first, Role.AUTHOR))  # UPDATE … WHERE version = 1
    outcome = {}

    def fire_second():
        try:
            wf_engine.fire(theirs, "submit", make_request(app, second, Role.AUTHOR))
            second.commit()
            outcome["second"] = "committed"
        except (wf_engine.StaleObject, OperationalError) as exc:
            second.rollback()
            outcome["second"] = type(exc).__name__

    thread = threading.Thread(target=fire_second)
    thread.start()
    time.sleep(0.5)  # the second UPDATE now waits for the first transaction's row lock
    first.commit()
    thread.join(timeout=30)
    first.close()
    second.close()

    expected = "StaleObject" if engine.dialect.name == "postgresql" else "OperationalError"
    assert outcome == {"second": expected}
    with engine.connect() as connection:
        events = connection.scalar(
            select(func.count()).select_from(WorkflowEvent).where(
                WorkflowEvent.object_id == specimen_id, WorkflowEvent.object_type == "test_specimens")
        )
        state, version = connection.execute(
            select(Specimen.__table__.c.state, Specimen.__table__.c.version).where(Specimen.__table__.c.id == specimen_id)
        ).one()
    assert (events, state, version) == (1, "submitted", 2)


def test_a_stale_form_after_someone_else_fired_is_a_conflict(app, engine, committed_specimen):
    """The same race, one after the other: the second form still carries version 1."""
    Session, specimen_id = committed_specimen
    with Session.begin() as session:
        wf_engine.fire(session.get(Specimen, specimen_id), "submit", make_request(app, session, Role.AUTHOR))
    with Session() as session:
        specimen = session.get(Specimen, specimen_id)
        with pytest.raises(wf_engine.StaleObject):
            wf_engine.fire(specimen, "withdraw", make_request(app, session, Role.AUTHOR),
                           comment="doch nicht", expected_version=1)
