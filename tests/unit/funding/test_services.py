"""The fund's rules without the web: IBAN check digits, balances from the ledger, the
financing balance and the repayment from the proof of use."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sw_gremien.funding import services
from sw_gremien.funding.models import LedgerKind
from tests import factories
from tests.factories import UserFactory


@pytest.mark.parametrize("iban, ok", [
    ("DE89 3704 0044 0532 0130 00", True),
    ("de89370400440532013000", True),
    ("DE89370400440532013001", False),   # one digit off
    ("DE8937040044053201300", False),    # too short for Germany
    ("AT611904300234573201", True),
    ("1234", False),
    ("", False),
])
def test_iban(iban, ok):
    assert (services.iban_problem(iban) is None) is ok


def test_format_iban():
    assert services.format_iban("de89370400440532013000") == "DE89 3704 0044 0532 0130 00"


def test_balances_follow_the_ledger(dbsession):
    fund = factories.fund({2026: "1000.00", 2027: "500.00"})
    year_2026 = fund.years[0]
    services.book(dbsession, year_2026, LedgerKind.COMMITMENT, Decimal("600"))
    services.book(dbsession, year_2026, LedgerKind.PAYOUT, Decimal("600"))
    services.book(dbsession, year_2026, LedgerKind.REPAYMENT_CLAIM, Decimal("100"))
    per_year = services.balances(dbsession, fund)
    assert [(b.year, b.budget, b.committed, b.paid, b.open_claims, b.free) for b in per_year] == [
        (2026, Decimal("1000.00"), Decimal("600.00"), Decimal("600.00"), Decimal("100.00"), Decimal("400.00")),
        (2027, Decimal("500.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("500.00")),
    ]
    services.book(dbsession, year_2026, LedgerKind.REPAYMENT, Decimal("100"))
    total = services.total_balance(services.balances(dbsession, fund))
    assert (total.budget, total.committed, total.paid, total.open_claims, total.free) == (
        Decimal("1500.00"), Decimal("500.00"), Decimal("500.00"), Decimal("0.00"), Decimal("1000.00"))
    with pytest.raises(ValueError):
        services.book(dbsession, year_2026, LedgerKind.PAYOUT, Decimal("0"))


def test_the_ledger_is_append_only(dbsession):
    fund = factories.fund()
    entry = services.book(dbsession, fund.years[0], LedgerKind.COMMITMENT, Decimal("10"))
    entry.amount = Decimal("20")
    with pytest.raises(RuntimeError):
        dbsession.flush()


def test_financing_balances_with_volunteer_hours_at_the_funds_rate(dbsession):
    fund = factories.fund(hourly_rate=Decimal("15.00"))
    org = factories.organisation(UserFactory())
    application = factories.application(fund, org, costs=("700.00", "300.00"), own="100.00", requested="600.00")
    assert not application.financing_balanced()  # 1000 cost, 700 financing
    application.volunteer_hours = Decimal("20")   # 20 h × 15 EUR = 300
    assert application.total_financing == Decimal("1000.00") and application.financing_balanced()


def test_submission_problems_name_what_is_missing(dbsession):
    fund = factories.fund()
    org = factories.organisation(UserFactory())
    application = factories.application(fund, org, complete=False, iban="DE00123")
    problems = [p.interpolate() for p in services.submission_problems(application)]
    assert "The IBAN is missing or wrong." in problems
    assert "Please confirm that the project does not start before the decision." in problems
    assert "Please agree to the processing of your data." in problems
    assert "The description of the project is missing." in problems


@pytest.mark.parametrize("actual, repayment", [
    ("1000.00", "0.00"),    # spent as planned
    ("700.00", "140.00"),   # 700 − 200 own funds = 500 needed of 640 granted
    ("150.00", "640.00"),   # own funds cover it all: everything back
    ("1200.00", "0.00"),    # more spent: never more than granted, nothing back
])
def test_repayment_from_the_proof_of_use(dbsession, actual, repayment):
    fund = factories.fund()
    org = factories.organisation(UserFactory())
    application = factories.application(fund, org, costs=("1000.00",), own="200.00", requested="800.00",
                                        granted_amount=Decimal("640.00"))
    assert services.repayment_amount(application) == Decimal("0.00")  # no proof yet
    application.cost_lines[0].actual_amount = Decimal(actual)
    assert services.repayment_amount(application) == Decimal(repayment)
