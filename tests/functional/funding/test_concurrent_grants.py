"""Two grants at the same moment that together exceed the free balance: one succeeds, the
other is refused with a clear message, and the ledger holds one commitment."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from sw_gremien.accounts.models import User
from sw_gremien.funding.models import (
    CostLine, Fund, FundApplication, FundYear, LedgerEntry, Organisation, OrganisationContact,
)
from sw_gremien.i18n import today
from sw_gremien.security import principals_for
from sw_gremien.workflow import engine as wf_engine
from sw_gremien.workflow.models import WorkflowEvent
from tests import factories
from tests.workflow_support import make_request


@pytest.fixture
def two_applications(engine):
    """A fund with 1.000 EUR this year and two reviewed applications of 600 EUR each,
    committed for real so that two connections see them."""
    Session = sessionmaker(bind=engine, expire_on_commit=False)
    with Session.begin() as session:
        factories.bind(session)
        try:
            office = factories.AdminFactory(display_name="Gerda Gleichzeitig")
            fund = factories.fund(budgets={today().year: "1000.00"},
                                  name="Nebenläufigkeits-Fonds", small_grant_limit=Decimal("1000.00"))
            org = factories.organisation(name="Initiative Gleichzeitig")
            ids = [factories.application(fund, org, costs=("600.00",), own="0.00", requested="600.00",
                                         state="in_review", title=f"Antrag {n}").id for n in (1, 2)]
            created = (fund.id, org.id, office.id)
        finally:
            factories.bind(None)
    yield Session, ids, office.id
    fund_id, org_id, office_id = created
    with engine.begin() as connection:
        connection.execute(delete(WorkflowEvent).where(WorkflowEvent.object_type == "fund_applications",
                                                       WorkflowEvent.object_id.in_(ids)))
        connection.execute(delete(LedgerEntry.__table__).where(LedgerEntry.__table__.c.application_id.in_(ids)))
        connection.execute(delete(CostLine.__table__).where(CostLine.__table__.c.application_id.in_(ids)))
        connection.execute(delete(FundApplication.__table__).where(FundApplication.__table__.c.id.in_(ids)))
        connection.execute(delete(OrganisationContact.__table__).where(
            OrganisationContact.__table__.c.organisation_id == org_id))
        connection.execute(delete(Organisation.__table__).where(Organisation.__table__.c.id == org_id))
        connection.execute(delete(FundYear.__table__).where(FundYear.__table__.c.fund_id == fund_id))
        connection.execute(delete(Fund.__table__).where(Fund.__table__.c.id == fund_id))
        connection.execute(delete(User.__table__).where(User.__table__.c.id == office_id))


def test_two_grants_cannot_overdraw_the_fund(app, engine, two_applications):
    """PostgreSQL: the second grant waits for the first one's lock on the fund year, then sees
    the commitment. SQLite: writers serialise; the one that finds the database locked starts
    again, as pyramid_retry would, and then sees it."""
    Session, ids, office_id = two_applications
    start = threading.Barrier(2, timeout=10)
    outcome: dict[int, object] = {}
    errors: list[BaseException] = []

    def grant(application_id):
        session = Session()
        try:
            start.wait()
            for _attempt in range(20):
                try:
                    office = session.get(User, office_id)
                    application = session.get(FundApplication, application_id)
                    request = make_request(app, session, user=office, principals=principals_for(office, []),
                                           method="POST")  # firing a transition, as the app does
                    wf_engine.fire(application, "grant_small", request)
                    time.sleep(0.3)  # keep the lock a while
                    session.commit()
                    outcome[application_id] = "granted"
                    return
                except OperationalError:
                    session.rollback()
                    time.sleep(0.05)
                except wf_engine.TransitionRefused as refused:
                    session.rollback()
                    outcome[application_id] = [reason.interpolate() for reason in refused.reasons]
                    return
        except BaseException as exc:
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=grant, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    granted = [i for i, result in outcome.items() if result == "granted"]
    refused = [result for result in outcome.values() if result != "granted"]
    assert len(granted) == 1 and len(refused) == 1
    assert refused[0] == [f"The fund's free balance for {today().year} "
                          "is 400,00\xa0€; 600,00\xa0€ cannot be granted."]
    with engine.connect() as connection:
        commitments = connection.execute(select(LedgerEntry.__table__.c.amount).where(
            LedgerEntry.__table__.c.application_id.in_(ids))).scalars().all()
        states = sorted(connection.execute(select(FundApplication.__table__.c.state).where(
            FundApplication.__table__.c.id.in_(ids))).scalars().all())
    assert commitments == [Decimal("600.00")]
    assert states == ["granted", "in_review"]
