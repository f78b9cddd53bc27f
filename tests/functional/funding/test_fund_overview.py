"""The office's fund pages: the overview with its balances, chart and latest bookings, the
budget of a year, the ledger as CSV; and a constant number of statements however many years
and bookings there are."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from sw_gremien.funding import services as funding
from sw_gremien.funding.models import Fund, FundYear, LedgerKind
from sw_gremien.i18n import today
from tests import factories
from tests.factories import AdminFactory, UserFactory
from tests.functional.proposals.support import as_user, count_statements

THIS_YEAR = today().year


@pytest.fixture
def office(dbsession):
    return AdminFactory(display_name="Gerda Geschäftsstelle")


def granted(fund, org, amount, year=THIS_YEAR, state="granted", **kw):
    """An application granted from ``year``'s budget, with its commitment booked."""
    dbsession = factories.ProposalTypeFactory._meta.sqlalchemy_session
    fund_year = funding.fund_year_for(dbsession, fund, year)
    application = factories.application(fund, org, state=state, granted_amount=Decimal(amount),
                                        fund_year_id=fund_year.id, **kw)
    application.reference = kw.get("reference") or f"F-{year}-{application.id:04d}"
    funding.book(dbsession, fund_year, LedgerKind.COMMITMENT, Decimal(amount), application=application,
                 note=application.reference)
    return application


def cells(row) -> list[str]:
    return [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all(["th", "td"])]


def test_the_overview_shows_balances_chart_and_bookings(testapp, dbsession, office):
    fund = factories.fund({THIS_YEAR - 1: "20000.00", THIS_YEAR: "10000.00"})
    org = factories.organisation(name="Freundeskreis Asyl Ost")
    last_year = funding.fund_year_for(dbsession, fund, THIS_YEAR - 1)
    this_year = funding.fund_year_for(dbsession, fund, THIS_YEAR)
    old = granted(fund, org, "5000.00", year=THIS_YEAR - 1, state="repayment_claimed")
    funding.book(dbsession, last_year, LedgerKind.PAYOUT, Decimal("5000.00"), application=old, user=office)
    funding.book(dbsession, last_year, LedgerKind.REPAYMENT_CLAIM, Decimal("1200.50"), application=old, user=office)
    new = granted(fund, org, "2500.00")
    dbsession.flush()

    as_user(testapp, office)
    page = testapp.get("/verwaltung/fonds", status=200)
    rows = page.html.find(id="fund-balances").select("tbody tr")
    assert cells(rows[0])[:6] == [str(THIS_YEAR - 1), "20.000,00 €", "5.000,00 €", "5.000,00 €", "1.200,50 €",
                                  "15.000,00 €"]
    assert cells(rows[1])[:6] == [str(THIS_YEAR), "10.000,00 €", "2.500,00 €", "0,00 €", "0,00 €", "7.500,00 €"]
    total = page.html.find(id="fund-balances").select_one("tfoot tr")
    assert cells(total)[1:6] == ["30.000,00 €", "7.500,00 €", "5.000,00 €", "1.200,50 €", "22.500,00 €"]

    # The chart: an image with a title and a description that carries the figures; a bar
    # per year whose parts add up to the budget; a text legend.
    svg = page.html.find(id="fund-chart").find("svg")
    assert svg["role"] == "img"
    assert svg.find("title").text.strip() and svg.find("desc").text.strip()
    assert "7.500,00 €" in " ".join(svg.find("desc").text.split())
    assert "style" not in str(svg) and "<script" not in str(svg)
    parts = {rect["data-part"] for rect in svg.select("rect[data-part]")}
    assert parts == {"paid", "unpaid", "free"}
    last_year_parts = svg.select("g")[0].select("rect[data-part]")
    assert [r["data-part"] for r in last_year_parts] == ["paid", "free"]
    widths = [float(r["width"]) for r in svg.select("g")[1].select("rect[data-part]")]
    assert widths[0] / sum(widths) == pytest.approx(0.25)  # 2.500 of 10.000 committed
    assert len(page.html.find(id="fund-chart").select("figcaption li")) == 3

    # The latest bookings, newest first, linked to their applications.
    ledger = page.html.find(id="fund-ledger").select("tbody tr")
    assert len(ledger) == 4
    newest = cells(ledger[0])
    assert newest[1] == str(THIS_YEAR) and new.reference in newest[3] and newest[4] == "2.500,00 €"
    assert ledger[0].find("a")["href"] == f"/foerderung/antraege/{new.id}"
    assert "Gerda Geschäftsstelle" in cells(ledger[1])[5]
    assert this_year.budget == Decimal("10000.00")


def test_without_a_fund_the_office_creates_it(testapp, dbsession, office):
    as_user(testapp, office)
    page = testapp.get("/verwaltung/fonds", status=200)
    form = page.forms["fund"]
    form["name"] = "Integrations-Fonds"
    form["hourly_rate"] = "12,50"
    form["small_grant_limit"] = "1.000,00"
    response = form.submit("create", status=302)
    assert response.location.endswith("/verwaltung/fonds/haushaltsjahr")
    fund = dbsession.scalar(select(Fund))
    assert (fund.name, fund.hourly_rate, fund.small_grant_limit) == (
        "Integrations-Fonds", Decimal("12.50"), Decimal("1000.00"))
    # Once there is one, the page is the overview, and the budget form works.
    page = testapp.get("/verwaltung/fonds", status=200)
    assert "fund" not in page.forms and page.html.find("h1").text.strip() == "Integrations-Fonds"


def test_the_budget_form_adds_and_changes_years_but_not_below_the_committed(testapp, dbsession, office):
    fund = factories.fund({THIS_YEAR: "10000.00"})
    granted(fund, factories.organisation(), "4000.00")
    as_user(testapp, office)

    form = testapp.get("/verwaltung/fonds/haushaltsjahr", status=200).forms["fund-year"]
    form["year"] = str(THIS_YEAR + 1)
    form["budget"] = "102.500,00"
    assert form.submit("save", status=302).location.endswith("/verwaltung/fonds")
    dbsession.expire_all()
    assert funding.fund_year_for(dbsession, fund, THIS_YEAR + 1).budget == Decimal("102500.00")

    # Change this year's: the form comes prefilled from the overview's link.
    form = testapp.get(f"/verwaltung/fonds/haushaltsjahr?jahr={THIS_YEAR}", status=200).forms["fund-year"]
    assert form["year"].value == str(THIS_YEAR) and form["budget"].value == "10.000,00"
    form["budget"] = "3.999,99"
    page = form.submit("save", status=422)
    budget_id = page.html.find("input", {"name": "budget"})["id"]
    error = page.html.find(id=f"error-{budget_id}")
    assert error is not None and "4.000,00" in error.text
    assert page.forms["fund-year"]["budget"].value == "3.999,99"
    dbsession.expire_all()
    assert funding.fund_year_for(dbsession, fund, THIS_YEAR).budget == Decimal("10000.00")

    form = page.forms["fund-year"]
    form["budget"] = "4.000,00"
    form.submit("save", status=302)
    dbsession.expire_all()
    assert funding.fund_year_for(dbsession, fund, THIS_YEAR).budget == Decimal("4000.00")
    assert len(list(dbsession.scalars(select(FundYear).where(FundYear.fund_id == fund.id)))) == 2

    # Nonsense is refused at the field.
    form = testapp.get("/verwaltung/fonds/haushaltsjahr", status=200).forms["fund-year"]
    form["budget"] = "viel"
    form.submit("save", status=422)


def test_the_budget_form_without_a_fund_leads_to_the_overview(testapp, office):
    as_user(testapp, office)
    page = testapp.get("/verwaltung/fonds/haushaltsjahr", status=200)
    assert "fund-year" not in page.forms
    assert page.html.find("main").find("a", href="/verwaltung/fonds") is not None


def test_the_ledger_as_csv_for_excel(testapp, dbsession, office):
    fund = factories.fund({THIS_YEAR: "10000.00"})
    org = factories.organisation(name="=Verein; mit \"Zeichen\"")
    application = granted(fund, org, "1234.56")
    funding.book(dbsession, funding.fund_year_for(dbsession, fund, THIS_YEAR), LedgerKind.PAYOUT,
                 Decimal("1234.56"), application=application, user=office, note="Überweisung")
    dbsession.flush()

    as_user(testapp, office)
    response = testapp.get("/verwaltung/fonds/buchungen.csv", status=200)
    assert response.content_type == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    assert len(rows[0]) == 7
    commitment, payout = rows[1], rows[2]
    assert commitment[1] == str(THIS_YEAR) and commitment[3] == application.reference
    assert commitment[4] == "'=Verein; mit \"Zeichen\""  # quoted, and no formula for Excel
    assert commitment[5] == "1234,56" and payout[5] == "1234,56"
    assert payout[6] == "Überweisung"
    assert payout[2] != commitment[2]
    day, clock = payout[0].split(" ")
    assert len(day.split(".")) == 3 and len(clock.split(":")) == 2


def test_the_fund_pages_are_the_offices(testapp, dbsession):
    factories.fund()
    as_user(testapp, UserFactory())
    for url in ("/verwaltung/fonds", "/verwaltung/fonds/haushaltsjahr", "/verwaltung/fonds/buchungen.csv"):
        testapp.get(url, status=403)


def test_the_overview_costs_the_same_for_1_or_10_years_and_bookings(testapp, dbsession, engine, office):
    fund = factories.fund({THIS_YEAR: "100000.00"})
    org = factories.organisation()
    granted(fund, org, "100.00")
    dbsession.flush()
    as_user(testapp, office)
    testapp.get("/verwaltung/fonds")
    few = count_statements(engine, testapp, "/verwaltung/fonds")
    csv_few = count_statements(engine, testapp, "/verwaltung/fonds/buchungen.csv")
    for offset in range(1, 10):
        dbsession.add(FundYear(fund_id=fund.id, year=THIS_YEAR - offset, budget=Decimal("50000.00")))
    dbsession.flush()
    for offset in range(9):
        application = granted(fund, org, "100.00", year=THIS_YEAR - offset)
        funding.book(dbsession, funding.fund_year_for(dbsession, fund, THIS_YEAR - offset), LedgerKind.PAYOUT,
                     Decimal("100.00"), application=application, user=UserFactory())
    dbsession.flush()
    assert count_statements(engine, testapp, "/verwaltung/fonds") == few
    assert count_statements(engine, testapp, "/verwaltung/fonds/buchungen.csv") == csv_few
