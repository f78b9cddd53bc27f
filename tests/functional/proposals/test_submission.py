"""Submitting: completeness, the reference number V-YYYY-NNNN (once, kept, consecutive, per
year, and without gaps or duplicates under concurrent submissions)."""

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Body, Membership
from sw_gremien.proposals import services
from sw_gremien.proposals.models import Proposal, ProposalType, ReferenceCounter
from sw_gremien.security import principals_for
from sw_gremien.workflow import engine as wf_engine
from sw_gremien.workflow.models import WorkflowEvent
from tests import factories
from tests.functional.proposals.support import (
    as_user,
    fire,
    page_url,
    german,
    reload,
    triggers_on_page,
)
from tests.workflow_support import make_request

YEAR = dt.date.today().year


def test_an_incomplete_draft_shows_submit_as_blocked_with_reasons(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"], complete=False)
    as_user(testapp, world.author)
    page = testapp.get(page_url(proposal))
    assert "submit" not in triggers_on_page(page, proposal)
    assert triggers_on_page(page, proposal) == {"withdraw"}
    blocked = page.html.select(".workflow-blocked li")
    assert len(blocked) == 1
    # subject, resolution, reasoning and districts are missing: four reasons, each shown
    reasons = proposal.submission_problems()
    assert len(reasons) == 4
    for reason in reasons:
        assert german(testapp.app, reason) in blocked[0].text
    # a hand-made POST is refused as well, with the reasons, and changes nothing
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    response = testapp.post(f"/ablauf/proposals/{proposal.id}/submit", {
        "csrf_token": token, "version": str(proposal.version), "came_from": page_url(proposal)}, status=422)
    assert len(response.html.select("[role=alert] li")) == 4
    proposal = reload(dbsession, proposal)
    assert (proposal.state, proposal.reference, proposal.submitted_at) == ("draft", None, None)


def test_a_path_without_decision_blocks_submission(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    services.replace_path(dbsession, proposal, [services.PathStep(world.ag.id, "preliminary")])
    assert proposal.submission_problems()
    as_user(testapp, world.author)
    page = testapp.get(page_url(proposal))
    assert "submit" not in triggers_on_page(page, proposal)
    assert page.html.select(".workflow-blocked li")


def test_submitting_gives_a_reference_and_tells_the_secretaries(testapp, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    as_user(testapp, world.author)
    page = testapp.get(page_url(proposal))
    assert not page.html.select(".workflow-blocked")
    fire(testapp, proposal, "submit", comment="Bitte in der nächsten Sitzung")
    proposal = reload(dbsession, proposal)
    assert proposal.state == "submitted"
    assert proposal.reference == f"V-{YEAR}-0001"
    assert proposal.submitted_at is not None
    # the page shows the reference in its heading
    assert testapp.get(page_url(proposal)).html.select_one("h1 .reference").text == f"V-{YEAR}-0001"
    # one mail to the working group's secretary, none to others
    assert [m.recipients for m in mailer.outbox] == [[world.ag_secretary.email]]
    assert proposal.reference in mailer.outbox[0].body
    assert f"http://localhost/vorlagen/{proposal.id}" in mailer.outbox[0].body


def test_the_reference_is_kept_when_returned_and_resubmitted(testapp, dbsession, world, mailer):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    reference = reload(dbsession, proposal).reference
    # the author may neither accept nor return it
    page = testapp.get(page_url(proposal))
    assert triggers_on_page(page, proposal) == {"withdraw"}

    as_user(testapp, world.ag_secretary)
    assert triggers_on_page(testapp.get(page_url(proposal)), proposal) == {"return_for_rework", "accept"}
    # returning needs a reason
    response = fire(testapp, proposal, "return_for_rework", comment="  ", status=422)
    assert response.html.find("textarea", {"name": "comment"}) is not None
    assert reload(dbsession, proposal).state == "submitted"
    mailer.outbox.clear()
    fire(testapp, proposal, "return_for_rework", comment="Bitte die Kosten ergänzen.")
    proposal = reload(dbsession, proposal)
    assert (proposal.state, proposal.reference) == ("draft", reference)
    # the authors are told, with the reason and the link
    assert [m.recipients for m in mailer.outbox] == [[world.author.email]]
    assert "Bitte die Kosten ergänzen." in mailer.outbox[0].body
    assert f"/vorlagen/{proposal.id}" in mailer.outbox[0].body

    # a second proposal takes the next number
    other = factories.proposal(world.author, world.ag, world.types["wg"], title="Zweite Vorlage")
    as_user(testapp, world.author)
    fire(testapp, other, "submit")
    assert reload(dbsession, other).reference == f"V-{YEAR}-0002"
    # resubmitting the first keeps its number and uses none
    fire(testapp, proposal, "submit")
    assert reload(dbsession, proposal).reference == reference == f"V-{YEAR}-0001"
    third = factories.proposal(world.author, world.ag, world.types["wg"], title="Dritte Vorlage")
    fire(testapp, third, "submit")
    assert reload(dbsession, third).reference == f"V-{YEAR}-0003"


def test_only_the_origin_secretaries_and_the_office_accept_or_return(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    for who in ("ag_member", "ag_chair", "lg_secretary", "ia_secretary", "coauthor"):
        as_user(testapp, world.people[who])
        page = testapp.get(page_url(proposal), expect_errors=True)
        if page.status_int == 200:
            assert not {"accept", "return_for_rework"} & triggers_on_page(page, proposal), who
    # a hand-made POST by the LG secretary is forbidden
    as_user(testapp, world.lg_secretary)
    token = testapp.get("/konto").html.find("input", {"name": "csrf_token"})["value"]
    testapp.post(f"/ablauf/proposals/{proposal.id}/accept",
                 {"csrf_token": token, "version": str(reload(dbsession, proposal).version)}, status=403)
    assert reload(dbsession, proposal).state == "submitted"
    as_user(testapp, world.admin)
    assert {"accept", "return_for_rework"} <= triggers_on_page(testapp.get(page_url(proposal)), proposal)


def test_numbers_count_per_year(testapp, dbsession, world, monkeypatch):
    first = factories.proposal(world.author, world.ag, world.types["wg"], title="Im alten Jahr")
    second = factories.proposal(world.author, world.ag, world.types["wg"], title="Im neuen Jahr")
    third = factories.proposal(world.author, world.ag, world.types["wg"], title="Wieder im alten Jahr")
    as_user(testapp, world.author)
    fire(testapp, first, "submit")
    monkeypatch.setattr(services, "today", lambda: dt.date(YEAR + 1, 1, 2))
    fire(testapp, second, "submit")
    monkeypatch.undo()
    fire(testapp, third, "submit")
    assert [reload(dbsession, p).reference for p in (first, second, third)] == [
        f"V-{YEAR}-0001", f"V-{YEAR + 1}-0001", f"V-{YEAR}-0002"]
    counters = {(c.year, c.last_number) for c in dbsession.scalars(select(ReferenceCounter))}
    assert counters == {(YEAR, 2), (YEAR + 1, 1)}


def test_a_rolled_back_submission_gives_its_number_back(app, dbsession, world):
    """The counter moves inside the submitting transaction: if that fails, the number is not
    used up."""
    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    savepoint = dbsession.begin_nested()
    assert services.next_reference(dbsession, 2090) == "V-2090-0001"
    savepoint.rollback()
    assert services.next_reference(dbsession, 2090) == "V-2090-0001"
    assert services.next_reference(dbsession, 2090) == "V-2090-0002"
    assert proposal.reference is None


# -- Concurrency ---------------------------------------------------------------------------------
CONCURRENCY_YEAR = 2097  # a year of its own, so nothing else in the database shares the counter


@pytest.fixture
def committed_drafts(engine):
    """Two complete drafts committed for real (no secretaries: nobody to mail)."""
    Session = sessionmaker(bind=engine, expire_on_commit=False)
    with Session.begin() as session:
        factories.bind(session)
        try:
            body = factories.BodyFactory(short_name="AG-NEBEN", name="Arbeitsgruppe Nebenläufigkeit")
            author = factories.UserFactory(display_name="Nele Nebenläufig")
            proposal_type = factories.proposal_type(name="Nebenläufige Vorlagenart")
            ids = [factories.proposal(author, body, proposal_type, title=f"Gleichzeitig {n}").id for n in (1, 2)]
            created = (body.id, author.id, proposal_type.id)
        finally:
            factories.bind(None)
    yield Session, ids, author.id
    body_id, author_id, type_id = created
    with engine.begin() as connection:
        connection.execute(delete(WorkflowEvent).where(
            WorkflowEvent.object_type.in_(("proposals", "consultations")),
            WorkflowEvent.object_id.in_(ids) | WorkflowEvent.actor_id.in_([author_id])))
        connection.execute(delete(Proposal.__table__).where(Proposal.__table__.c.id.in_(ids)))
        connection.execute(delete(ProposalType.__table__).where(ProposalType.__table__.c.id == type_id))
        connection.execute(delete(Membership.__table__).where(Membership.__table__.c.user_id == author_id))
        connection.execute(delete(User.__table__).where(User.__table__.c.id == author_id))
        connection.execute(delete(Body.__table__).where(Body.__table__.c.id == body_id))
        connection.execute(delete(ReferenceCounter.__table__).where(
            ReferenceCounter.__table__.c.year == CONCURRENCY_YEAR))


def test_concurrent_submissions_get_distinct_consecutive_numbers(app, engine, committed_drafts, monkeypatch):
    """Two people submit at the same moment on two connections. PostgreSQL: the second waits
    for the first's row lock on the counter. SQLite: writers serialise; the one that finds the
    database locked is rolled back and tries again, as pyramid_retry would. Either way: two
    different numbers, one after the other, and none lost."""
    Session, ids, author_id = committed_drafts
    monkeypatch.setattr(services, "today", lambda: dt.date(CONCURRENCY_YEAR, 3, 1))
    start = threading.Barrier(2, timeout=10)
    references: dict[int, str] = {}
    retries: dict[int, int] = {}
    errors: list[BaseException] = []

    def submit(proposal_id):
        session = Session()
        retries[proposal_id] = 0
        try:
            start.wait()
            for _attempt in range(10):
                try:
                    author = session.get(User, author_id)
                    proposal = session.get(Proposal, proposal_id)
                    request = make_request(app, session, user=author, principals=principals_for(author, []))
                    wf_engine.fire(proposal, "submit", request)
                    time.sleep(0.3)  # keep the transaction (and its lock) open a while
                    session.commit()
                    references[proposal_id] = proposal.reference
                    return
                except OperationalError:
                    session.rollback()
                    retries[proposal_id] += 1
                    time.sleep(0.05)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(references.values()) == [f"V-{CONCURRENCY_YEAR}-0001", f"V-{CONCURRENCY_YEAR}-0002"]
    if engine.dialect.name == "postgresql":
        assert retries == {ids[0]: 0, ids[1]: 0}  # the lock made one wait; nobody had to retry
    with engine.connect() as connection:
        stored = connection.execute(
            select(Proposal.__table__.c.reference, Proposal.__table__.c.state).where(Proposal.__table__.c.id.in_(ids))
        ).all()
        counter = connection.scalar(select(ReferenceCounter.__table__.c.last_number).where(
            ReferenceCounter.__table__.c.year == CONCURRENCY_YEAR))
    assert sorted(stored) == [(f"V-{CONCURRENCY_YEAR}-0001", "submitted"), (f"V-{CONCURRENCY_YEAR}-0002", "submitted")]
    assert counter == 2
