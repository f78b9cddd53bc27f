"""The fund benchmark: every fund page costs the same statements for few and for more
applications, and the applications it seeds tell stories the workflow and the ledger could
have written. Timings are printed by ``sw-gremien benchmark fund``, never asserted."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sw_gremien import migrate
from sw_gremien.demo import seed_demo
from sw_gremien.funding.benchmark import (
    GRANTED_STATES,
    format_table,
    pages_for,
    run_fund_benchmark,
    seed_fund_applications,
)
from sw_gremien.funding.models import FundApplication, LedgerEntry, LedgerKind
from sw_gremien.funding.reminders import overdue_proofs
from sw_gremien.funding.services import application_sums
from sw_gremien.paths import workflows_dir
from sw_gremien.proposals.benchmark import _engine
from sw_gremien.proposals.models import ReferenceCounter
from sw_gremien.workflow import guards
from sw_gremien.workflow.definitions import load_directory
from sw_gremien.workflow.models import WorkflowEvent


def test_statements_per_page_do_not_grow_with_the_applications():
    result = run_fund_benchmark(None, sizes=(10, 30), repeat=1)

    assert set(result.sizes) == {10, 30}
    assert result.seeds[10].applications == 10 and result.seeds[30].applications == 30
    names = [name for name, _path, _office in pages_for(1)]
    for size in (10, 30):
        # Every page answered (a 200, else the run stops) and was counted.
        assert list(result.sizes[size]) == names
        assert all(page.statements > 0 for page in result.sizes[size].values())
    counts = {name: {size: pages[name].statements for size, pages in result.sizes.items()} for name in names}
    assert result.statement_mismatches() == {}, f"statements grow with the applications (query per row?): {counts}"
    assert "| fund overview |" in format_table(result)


def test_seeded_applications_follow_the_workflow_and_the_ledger(tmp_path):
    url = f"sqlite:///{tmp_path / 'fund.sqlite'}"
    migrate.upgrade(url)
    engine = _engine(url)
    try:
        with Session(engine) as session, session.begin():
            seed_demo(session, with_proposals=False)
            summary = seed_fund_applications(session, 60)
        assert summary.applications == 60 and summary.organisations == 6
        assert len(summary.states) == 12  # every state of the workflow
        assert summary.overdue > 0

        workflow = load_directory(workflows_dir(), guards.is_known)["fund_application"]
        with Session(engine) as session:
            applications = session.scalars(select(FundApplication)).all()
            histories = defaultdict(list)
            for event in session.scalars(select(WorkflowEvent).order_by(WorkflowEvent.created_at, WorkflowEvent.id)):
                transition = workflow.transition(event.from_state, event.transition)
                assert transition is not None and transition.dest == event.to_state, event.__dict__
                histories[event.object_id].append(event)
            assert sum(map(len, histories.values())) == summary.events

            for application in applications:
                history = histories[application.id]
                assert (history[-1].to_state if history else "draft") == application.state
                assert (application.reference is not None) == bool(history)
                assert application.financing_balanced()
                sums = application_sums(session, application)
                if application.state in GRANTED_STATES:
                    assert application.fund_year_id and application.proof_deadline
                    assert sums[LedgerKind.COMMITMENT] == application.granted_amount <= application.requested_amount
                    if application.state != "granted":
                        assert sums[LedgerKind.PAYOUT] == application.granted_amount
                    claimed = sums.get(LedgerKind.REPAYMENT_CLAIM, Decimal("0"))
                    assert (claimed > 0) == any(e.transition == "claim_repayment" for e in history)
                    assert sums.get(LedgerKind.REPAYMENT, Decimal("0")) in (Decimal("0"), claimed)
                else:
                    assert sums == {} and application.granted_amount is None

            assert len(session.scalars(select(LedgerEntry)).all()) == summary.bookings
            assert len(overdue_proofs(session)) == summary.overdue
            counters = {c.year: c.last_number for c in session.scalars(
                select(ReferenceCounter).where(ReferenceCounter.prefix == "F"))}
            for application in applications:
                if application.reference:
                    _prefix, year, number = application.reference.split("-")
                    assert int(number) <= counters[int(year)]
    finally:
        engine.dispose()
