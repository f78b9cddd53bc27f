"""The proposals benchmark: its statement counts do not grow with the number of proposals,
and the histories it seeds are ones the workflows could have written. Timings are printed by
``sw-gremien benchmark proposals``, never asserted."""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sw_gremien import migrate
from sw_gremien.demo import seed_demo
from sw_gremien.paths import workflows_dir
from sw_gremien.proposals import search
from sw_gremien.proposals.benchmark import _engine, format_table, run_proposals_benchmark
from sw_gremien.proposals.benchmark_data import STATES, seed_proposals
from sw_gremien.proposals.models import Consultation, Proposal, ReferenceCounter
from sw_gremien.workflow import guards
from sw_gremien.workflow.definitions import load_directory
from sw_gremien.workflow.models import WorkflowEvent


def test_statement_counts_per_page_are_the_same_at_both_sizes():
    result = run_proposals_benchmark(None, sizes=(5, 40), repeat=1)

    small, large = result.sizes
    assert small.summary.proposals == 5 and large.summary.proposals == 40
    assert set(small.pages) == set(large.pages)
    assert len(small.pages) == 10  # five pages, two people
    counts = {name: (small.pages[name].statements, large.pages[name].statements) for name in small.pages}
    assert result.statement_mismatches() == {}, f"statements per page grow with N (query per row?): {counts}"
    assert "| desk (AG-SA secretary)" in format_table(result)


def test_seeded_histories_follow_the_workflows(tmp_path):
    url = f"sqlite:///{tmp_path / 'seed.sqlite'}"
    migrate.upgrade(url)
    engine = _engine(url)
    try:
        with Session(engine) as session, session.begin():
            seed_demo(session, with_proposals=False)
        with engine.begin() as connection:
            summary = seed_proposals(connection, 120)
        assert summary.proposals == 120
        assert set(summary.states) <= set(STATES) and len(summary.states) >= 6

        workflows = load_directory(workflows_dir(), guards.is_known)
        with Session(engine) as session:
            proposals = session.scalars(select(Proposal)).all()
            events = defaultdict(list)
            for event in session.scalars(select(WorkflowEvent).order_by(WorkflowEvent.created_at, WorkflowEvent.id)):
                transition = workflows[event.workflow].transition(event.from_state, event.transition)
                assert transition is not None and transition.dest == event.to_state, event.__dict__
                events[(event.object_type, event.object_id)].append(event)

            references = [p.reference for p in proposals if p.reference]
            assert len(references) == len(set(references))
            assert all(re.fullmatch(r"V-20(1[6-9]|2[0-6])-\d{4}", r) for r in references)
            per_year = defaultdict(int)
            for reference in references:
                per_year[int(reference[2:6])] += 1
            counters = {c.year: c.last_number for c in session.scalars(select(ReferenceCounter))}
            assert counters == per_year

            for proposal in proposals:
                history = events[("proposals", proposal.id)]
                if history:
                    assert history[-1].to_state == proposal.state
                    assert history[0].from_state == "draft"
                else:
                    assert proposal.state == "draft"
                assert (proposal.reference is not None) == any(e.transition == "submit" for e in history)
                current = [c for c in proposal.consultations if c.round == max(x.round for x in proposal.consultations)]
                states = {c.state for c in current}
                if proposal.state in ("draft", "submitted"):
                    assert states == {"waiting"}
                elif proposal.state == "in_consultation":
                    assert sum(c.state == "open" for c in current) == 1
                elif proposal.state == "adopted":
                    assert "decided" in states
                elif proposal.state == "rejected":
                    assert "rejected" in states
                elif proposal.state == "withdrawn":
                    assert not states & {"waiting", "open", "scheduled"}
                for consultation in proposal.consultations:
                    c_history = events[("consultations", consultation.id)]
                    assert (c_history[-1].to_state if c_history else "waiting") == consultation.state
                    assert (consultation.opened_at is not None) == any(e.transition == "open" for e in c_history)
                    if consultation.ended:
                        assert consultation.state == "cancelled" or consultation.ended_at >= consultation.opened_at
                assert proposal.created_at <= proposal.updated_at
                assert proposal.district_rows

            # The full-text index was filled as the rows went in.
            matching = session.scalar(select(func.count(Proposal.id)).where(search.matches(session, summary.search_word)))
            assert 0 < matching <= 120
            assert session.scalar(select(func.count(Consultation.id))) == summary.consultations
    finally:
        engine.dispose()


def test_after_seeded_proposals_the_app_writes_new_ones(dbsession):
    """The seeder writes ids itself; the next proposal the app writes must not collide
    (PostgreSQL's sequences are moved along)."""
    from sw_gremien.demo import seed_demo
    from sw_gremien.proposals.benchmark_data import seed_proposals
    from tests import factories

    seed_demo(dbsession, with_proposals=False)
    summary = seed_proposals(dbsession.connection(), 12)
    author = factories.UserFactory()
    body = factories.BodyFactory()
    created = factories.proposal(author, body)
    assert created.id > summary.proposals
    assert all(c.id for c in created.consultations)
