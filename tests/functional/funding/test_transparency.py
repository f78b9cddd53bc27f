"""What the public sees of the fund (granted projects per year, nothing personal) and what a
person gets when they download their own data."""

from __future__ import annotations

import json
from decimal import Decimal

from sw_gremien.bodies.models import MembershipRole
from sw_gremien.districts import DISTRICTS
from sw_gremien.funding import services as funding
from sw_gremien.funding.models import LedgerKind
from sw_gremien.i18n import today
from tests import factories
from tests.factories import VALID_IBAN, BodyFactory, MembershipFactory, UserFactory
from tests.functional.proposals.support import as_user, count_statements

THIS_YEAR = today().year
PERSONAL = ("Ines Initiative", "ines@initiative.example", "0711 123456", "Hauptstraße 1", "Kontoinhaberin Erika",
            "DE89", "Sparkasse")


def contact():
    return UserFactory(display_name="Ines Initiative", email="ines@initiative.example")


def org(person=None, **kw):
    values = {"name": "Freundeskreis Flüchtlinge Süd", "email": "ines@initiative.example", "phone": "0711 123456",
              "street": "Hauptstraße 1", "account_holder": "Kontoinhaberin Erika", "iban": VALID_IBAN}
    values.update(kw)
    return factories.organisation(person, **values)


def granted(fund, organisation, amount, year=THIS_YEAR, state="granted", **kw):
    dbsession = factories.ProposalTypeFactory._meta.sqlalchemy_session
    fund_year = funding.fund_year_for(dbsession, fund, year)
    application = factories.application(fund, organisation, state=state, granted_amount=Decimal(amount),
                                        fund_year_id=fund_year.id, account_holder="Kontoinhaberin Erika",
                                        partners="Sparkasse Stuttgart, Frau Müller", **kw)
    funding.book(dbsession, fund_year, LedgerKind.COMMITMENT, Decimal(amount), application=application)
    return application


def projects(page) -> list[list[str]]:
    return [[" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all(["th", "td"])]
            for row in page.html.find(id="funded-projects").select("tbody tr")]


def test_the_public_sees_granted_projects_per_year_and_nothing_personal(testapp, dbsession):
    fund = factories.fund({THIS_YEAR - 1: "20000.00", THIS_YEAR: "10000.00"})
    person = contact()
    south = org(person)
    east = org(name="Initiative Ost")
    granted(fund, south, "800.00", title="Sprachcafé", districts=["sued", "mitte"])
    granted(fund, east, "1500.50", state="closed", title="Fahrradwerkstatt", districts=list(DISTRICTS))
    granted(fund, south, "300.00", year=THIS_YEAR - 1, state="paid", title="Nähkurs")
    # Not (or not yet) granted: never public.
    factories.application(fund, south, title="Entwurf")
    factories.application(fund, south, state="in_review", title="In Prüfung")
    factories.application(fund, south, state="rejected", title="Abgelehnt", decided_at=None)
    dbsession.flush()

    page = testapp.get("/gefoerderte-projekte", status=200)
    assert str(THIS_YEAR) in page.html.find("h1").text
    all_districts = projects(page)[1][2]
    assert all_districts in ("alle Stadtbezirke", "all districts")  # until the catalogue has it
    assert projects(page) == [
        ["Freundeskreis Flüchtlinge Süd", "Sprachcafé", "Mitte, Süd", "800,00 €"],
        ["Initiative Ost", "Fahrradwerkstatt", all_districts, "1.500,50 €"],
    ]
    total = page.html.find(id="funded-projects").select_one("tfoot td").get_text(strip=True)
    assert " ".join(total.split()) == "2.300,50 €"
    for text in ("Entwurf", "In Prüfung", "Abgelehnt", *PERSONAL):
        assert text not in page.text, text

    # The year links; an earlier year; a year without grants shows the latest.
    links = [a.get_text(strip=True) for a in page.html.select("nav .nav-link")
             if "jahr=" in a.get("href", "")]
    assert links == [str(THIS_YEAR), str(THIS_YEAR - 1)]
    earlier = testapp.get(f"/gefoerderte-projekte?jahr={THIS_YEAR - 1}", status=200)
    assert [row[1] for row in projects(earlier)] == ["Nähkurs"]
    for nonsense in ("1999", "abc", "99999999999999999999", "%C2%B2"):
        assert [row[1] for row in projects(testapp.get(f"/gefoerderte-projekte?jahr={nonsense}"))] == [
            "Sprachcafé", "Fahrradwerkstatt"]


def test_without_grants_the_page_says_so(testapp, dbsession):
    factories.fund()
    page = testapp.get("/gefoerderte-projekte", status=200)
    assert page.html.find(id="funded-projects") is None


def test_the_public_list_costs_the_same_for_1_or_10_grants(testapp, dbsession, engine):
    fund = factories.fund({THIS_YEAR: "100000.00"})
    organisation = org()
    granted(fund, organisation, "100.00")
    dbsession.flush()
    testapp.get("/gefoerderte-projekte")
    few = count_statements(engine, testapp, "/gefoerderte-projekte")
    for n in range(9):
        granted(fund, org(name=f"Initiative {n}"), "100.00", districts=["mitte", "ost"])
    dbsession.flush()
    assert len(projects(testapp.get("/gefoerderte-projekte"))) == 10
    assert count_statements(engine, testapp, "/gefoerderte-projekte") == few


# -- A person's own data ------------------------------------------------------------------------------
def test_a_person_downloads_their_own_data(testapp, dbsession):
    fund = factories.fund()
    person = contact()
    body = BodyFactory(short_name="AG-FÖ", slug="ag-foe", name="Arbeitsgruppe Förderung")
    MembershipFactory(body=body, user=person, role=MembershipRole.MEMBER)
    mine = org(person)
    application = factories.application(fund, mine, person, costs=("600.00", "400.00"))
    application.reference = "F-2026-0001"
    # Someone else's organisation and application: not in the file.
    other = org(UserFactory(), name="Andere Initiative", iban="DE02120300000000202051")
    factories.application(fund, other, title="Fremder Antrag")
    dbsession.flush()

    as_user(testapp, person)
    account = testapp.get("/konto", status=200)
    assert account.html.find("a", href="/konto/meine-daten.json") is not None
    response = testapp.get("/konto/meine-daten.json", status=200)
    assert response.content_type == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.body.decode("utf-8"))

    assert data["account"]["name"] == "Ines Initiative"
    assert data["account"]["email"] == "ines@initiative.example"
    assert data["account"]["language"] == "de"
    assert data["account"]["created_at"]
    assert [m["body"] for m in data["memberships"]] == ["Arbeitsgruppe Förderung"]
    assert [o["name"] for o in data["organisations"]] == ["Freundeskreis Flüchtlinge Süd"]
    assert data["organisations"][0]["iban"] == VALID_IBAN
    assert data["organisations"][0]["street"] == "Hauptstraße 1"
    [exported] = data["applications"]
    assert exported["reference"] == "F-2026-0001" and exported["requested_amount"] == "800.00"
    assert exported["iban"] == VALID_IBAN and exported["goals"]
    assert [line["amount"] for line in exported["cost_lines"]] == ["600.00", "400.00"]
    text = response.body.decode("utf-8")
    for secret in ("password", "hash", "token", "Fremder Antrag", "Andere Initiative", "DE02120300000000202051"):
        assert secret not in text, secret


def test_my_data_needs_a_login(testapp):
    response = testapp.get("/konto/meine-daten.json", status=302)
    assert "/login" in response.location
