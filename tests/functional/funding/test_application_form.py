"""The application form and page: drafts in sections, the balance, the IBAN and the
declarations each at their field with the input kept, the version check, who sees what."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from sw_gremien.funding.models import FundApplication
from sw_gremien.i18n import _
from tests import factories
from tests.functional.funding.application_forms import (
    field_error,
    fill_application,
    transition_form,
)
from tests.functional.proposals.support import as_user, german


@pytest.fixture
def fund(dbsession):
    return factories.fund()


@pytest.fixture
def contact(world):
    return world.people["stranger"]


@pytest.fixture
def org(fund, contact):
    return factories.organisation(contact)


def latest(dbsession):
    dbsession.expire_all()
    return dbsession.scalars(select(FundApplication).order_by(FundApplication.id.desc())).first()


def new_form(testapp, **params):
    page = testapp.get("/foerderung/antraege/neu", params=params)
    return page, page.forms["application"]


def test_a_new_application_starts_from_the_organisation_and_is_saved_as_a_draft(testapp, dbsession, world, org, contact):
    as_user(testapp, contact)
    page, form = new_form(testapp)
    # prefilled from the organisation; the hourly rate is named at the volunteer hours
    assert form["iban"].value == org.iban
    assert form["account_holder"].value == org.account_holder
    assert "15,00" in page.text
    form["title"] = "Nur ein Anfang"
    response = form.submit("save", status=302)
    application = latest(dbsession)
    assert application.state == "draft" and application.title == "Nur ein Anfang"
    assert application.created_by_id == contact.id and application.organisation_id == org.id
    assert response.location.endswith(f"/foerderung/antraege/{application.id}")


def test_german_amounts_and_the_cost_rows(testapp, dbsession, world, org, contact):
    as_user(testapp, contact)
    _page, form = new_form(testapp)
    fill_application(form, costs=(("material", "Bücher", "1.200,50"), ("", "", ""), ("rooms", "Saal", "300")),
                     own="500,50", hours="10", requested="850,00")
    form.submit("save", status=302)
    application = latest(dbsession)
    assert [(line.category, line.amount) for line in application.cost_lines] == [
        ("material", Decimal("1200.50")), ("rooms", Decimal("300.00"))]
    assert application.volunteer_value == Decimal("150.00")
    assert application.financing_balanced()
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert german(testapp.app, _("balanced")) in page.text
    assert "1.500,50" in page.text


def test_unbalanced_plan_wrong_iban_missing_declarations_each_at_their_field(testapp, dbsession, world, org, contact):
    """An unbalanced plan, a wrong IBAN, a missing declaration: each a message at the field,
    the input kept."""
    as_user(testapp, contact)
    _page, form = new_form(testapp)
    fill_application(form, requested="880,00", iban="DE89 3704 0044 0532 0130 01", declarations=False)
    # The wrong IBAN already refuses the save: the message at the field, every entry kept.
    response = form.submit("save", status=422)
    assert field_error(response, "iban") == german(
        testapp.app, _("The check digits of this IBAN are wrong: please check for a typing error."))
    again = response.forms["application"]
    assert again["iban"].value == "DE89 3704 0044 0532 0130 01"
    assert again["title"].value == "Sprachcafé im Stadtteiltreff"
    assert again.get("amount", index=0).value == "1.200,00"
    assert again["requested_amount"].value == "880,00"
    assert latest(dbsession) is None

    # Corrected IBAN, "save and check": saved, and what blocks the submission at the fields.
    again["iban"] = "DE89 3704 0044 0532 0130 00"
    checked = again.submit("check", status=302).follow()
    application = latest(dbsession)
    assert application is not None and application.requested_amount == Decimal("880.00")
    assert field_error(checked, "no_early_start") == german(
        testapp.app, _("Please confirm that the project does not start before the decision."))
    assert field_error(checked, "data_consent") == german(testapp.app, _("Please agree to the processing of your data."))
    assert field_error(checked, "iban") is None
    financing = checked.html.find("input", {"name": "requested_amount"}).find_parent("fieldset")
    difference = german(testapp.app, _("Difference: ${amount}", mapping={"amount": "120,00\xa0€"}))
    assert difference in financing.get_text(" ", strip=False)
    kept = checked.forms["application"]
    assert kept["requested_amount"].value == "880,00" and not kept["no_early_start"].checked

    # The page says so too, and the submission is blocked with the reasons.
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert difference in page.text
    blocked = page.html.find(class_="workflow-blocked").get_text(" ", strip=True)
    assert german(testapp.app, _("Cost plan and financing plan do not balance.")) in blocked
    assert german(testapp.app, _("Please agree to the processing of your data.")) in blocked
    assert transition_form(page, "submit") is None


def test_a_complete_application_checks_out_and_is_submitted(testapp, dbsession, mailer, world, org, contact):
    as_user(testapp, contact)
    _page, form = new_form(testapp)
    fill_application(form)
    response = form.submit("check", status=302)
    application = latest(dbsession)
    page = response.follow()
    assert german(testapp.app, _("The application has been saved and is complete: you can submit it now.")) in page.text
    submit = transition_form(page, "submit")
    assert submit is not None
    submit.submit(status=302)
    application = latest(dbsession)
    assert application.state == "submitted"
    assert application.reference.startswith("F-")


def test_edit_keeps_the_input_on_a_stale_version(testapp, dbsession, world, fund, org, contact):
    application = factories.application(fund, org, author=contact)
    as_user(testapp, contact)
    form = testapp.get(f"/foerderung/antraege/{application.id}/bearbeiten").forms["application"]
    assert form.get("amount", index=0).value == "1.000,00"
    application.title = "Inzwischen geändert"
    dbsession.flush()
    form["title"] = "Mein neuer Titel"
    form["requested_amount"] = "900,00"
    response = form.submit("save", status=409)
    kept = response.forms["application"]
    assert kept["title"].value == "Mein neuer Titel" and kept["requested_amount"].value == "900,00"
    response = kept.submit("save", status=302)
    assert latest(dbsession).title == "Mein neuer Titel"


def test_the_edit_form_keeps_rows_and_changes_the_version(testapp, dbsession, world, fund, org, contact):
    application = factories.application(fund, org, author=contact, costs=("600.00", "400.00"))
    version = application.version
    as_user(testapp, contact)
    form = testapp.get(f"/foerderung/antraege/{application.id}/bearbeiten").forms["application"]
    form.set("amount", "", index=1)
    form.set("purpose", "", index=1)
    form.set("category", "", index=1)
    form["own_funds"] = "600,00"
    form["requested_amount"] = "400,00"
    form.submit("save", status=302)
    application = latest(dbsession)
    assert [line.amount for line in application.cost_lines] == [Decimal("600.00")]
    assert application.version > version


def test_a_row_with_a_description_needs_an_amount(testapp, dbsession, world, org, contact):
    as_user(testapp, contact)
    _page, form = new_form(testapp)
    fill_application(form, costs=(("material", "Bücher", ""),))
    response = form.submit("save", status=422)
    assert field_error(response, "amount", 0) is not None
    assert response.forms["application"].get("purpose", index=0).value == "Bücher"


def test_only_the_applicant_and_the_office_apply_and_edit(testapp, dbsession, world, fund, org, contact):
    other = factories.organisation(world.people["ag_member"], name="Verein Nord")
    foreign = factories.application(fund, other, author=world.people["ag_member"])
    as_user(testapp, contact)
    testapp.get(f"/foerderung/antraege/{foreign.id}", status=403)
    testapp.get(f"/foerderung/antraege/{foreign.id}/bearbeiten", status=403)
    testapp.get(f"/foerderung/antraege/{foreign.id}/antrag.pdf", status=403)
    testapp.get(f"/foerderung/organisationen/{other.id}", status=403)
    # a tampered organisation in the form is refused at the field
    _page, form = new_form(testapp)
    form["organisation_id"].force_value(str(other.id))
    form["title"] = "Fremd"
    response = form.submit("save", status=422)
    assert field_error(response, "organisation_id") is not None
    # people without an organisation get an explanation, not a form
    as_user(testapp, world.people["lg_member"])
    assert german(testapp.app, _("Register your organisation")) in testapp.get("/foerderung").text
    testapp.get("/foerderung/antraege/neu", status=403)
    # the office may apply for any organisation
    as_user(testapp, world.people["admin"])
    _page, form = new_form(testapp)
    assert {value for value, _s, _t in form["organisation_id"].options} == {str(org.id), str(other.id)}


def test_bank_data_for_the_office_not_for_the_committee(testapp, dbsession, world, fund, org, contact):
    application = factories.application(fund, org, author=contact, state="in_committee", reference="F-2027-0001")
    shown = "DE89 3704 0044 0532 0130 00"
    as_user(testapp, world.people["admin"])
    assert shown in testapp.get(f"/foerderung/antraege/{application.id}").text
    testapp.get(f"/foerderung/antraege/{application.id}/antrag.pdf", status=200)
    as_user(testapp, world.people["lg_member"])
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert shown not in page.text and application.title in page.text
    testapp.get(f"/foerderung/antraege/{application.id}/antrag.pdf", status=403)
    as_user(testapp, contact)
    assert shown in testapp.get(f"/foerderung/antraege/{application.id}").text


def test_the_lists(testapp, dbsession, world, fund, org, contact):
    mine = factories.application(fund, org, author=contact, title="Mein Projekt")
    other = factories.organisation(world.people["ag_member"], name="Verein Nord")
    factories.application(fund, other, title="Fremdes Projekt", state="submitted", reference="F-2027-0009")
    as_user(testapp, contact)
    page = testapp.get("/foerderung")
    assert "Mein Projekt" in page.text and "Fremdes Projekt" not in page.text
    assert "800,00" in page.text
    as_user(testapp, world.people["admin"])
    page = testapp.get("/foerderung")
    assert "Mein Projekt" in page.text and "Fremdes Projekt" in page.text
    page = testapp.get("/foerderung", params={"stand": "submitted"})
    assert "Mein Projekt" not in page.text and "Fremdes Projekt" in page.text
    assert mine.id


def test_the_organisation_page(testapp, dbsession, world, fund, org, contact):
    factories.application(fund, org, author=contact, title="Mein Projekt")
    as_user(testapp, contact)
    page = testapp.get(f"/foerderung/organisationen/{org.id}")
    assert "Mein Projekt" in page.text
    form = page.forms["organisation"]
    form["iban"] = "DE00 1234"
    response = form.submit("save", status=422)
    assert field_error(response, "iban") is not None
    form = response.forms["organisation"]
    assert form["iban"].value == "DE00 1234"
    form["iban"] = "DE89370400440532013000"
    form["phone"] = "0711 123456"
    form.submit("save", status=302)
    dbsession.expire_all()
    assert org.phone == "0711 123456"


def test_checking_a_new_application_twice_keeps_one_application(testapp, dbsession, world, org, contact):
    """"Save and check" with open points continues on the application's own form: checking
    again changes it instead of adding a second one."""
    from sqlalchemy import func

    as_user(testapp, contact)
    _page, form = new_form(testapp)
    fill_application(form, iban="")
    response = form.submit("check", status=302)
    application = latest(dbsession)
    assert response.location.endswith(f"/foerderung/antraege/{application.id}/bearbeiten?pruefen=1")
    page = response.follow()
    assert field_error(page, "iban") == german(testapp.app, _("The IBAN is missing or wrong."))
    form = page.forms["application"]
    form["iban"] = "DE89 3704 0044 0532 0130 00"
    page = form.submit("check", status=302).follow()
    assert german(testapp.app, _("The application has been saved and is complete: you can submit it now.")) in page.text
    assert dbsession.scalar(select(func.count()).select_from(FundApplication)) == 1
