"""Self-registration of an initiative, from the form to the first submitted application: the
e-mailed link confirms the address and sets the password; nobody learns which addresses have
accounts; a network may register only a few times an hour."""

import re

from sqlalchemy import select

from sw_gremien.accounts.models import User
from sw_gremien.funding.models import FundApplication, Organisation
from sw_gremien.i18n import _
from tests import factories
from tests.functional.funding.application_forms import fill_application, transition_form
from tests.functional.proposals.support import german


def register(testapp, email="ines@initiative.example", name="Ines Initiative", org="Freundeskreis Asyl Vaihingen",
             status=200):
    form = testapp.get("/foerderung/registrieren").forms["register"]
    form["display_name"] = name
    form["email"] = email
    form["name"] = org
    form["kind"] = "circle"
    form["district"] = "vaihingen"
    form["street"] = "Hauptstraße 1"
    form["postcode"] = "70563"
    form["phone"] = "0711 1234"
    return form.submit("register", status=status)


def link_in(message) -> str:
    return re.search(r"http://\S+", message.body).group(0)


def test_register_confirm_set_password_apply_and_submit(testapp, dbsession, mailer):
    factories.fund()
    page = register(testapp)
    assert "ines@initiative.example" in page.text
    user = dbsession.scalar(select(User).where(User.email == "ines@initiative.example"))
    assert user is not None and user.password_hash is None
    organisation = dbsession.scalar(select(Organisation).where(Organisation.name == "Freundeskreis Asyl Vaihingen"))
    assert organisation.contacts == [user] and organisation.district == "vaihingen"
    [message] = mailer.outbox
    assert message.recipients == ["ines@initiative.example"]

    # The link confirms the address: it leads to the password page with the same token.
    link = re.sub(r"^https?://[^/]+", "", link_in(message))
    assert link.startswith("/foerderung/registrieren/")
    page = testapp.get(link, status=302).follow()
    form = page.forms["password-set"]
    form["password"] = "ein-gutes-Passwort-2026"
    form["password_repeat"] = "ein-gutes-Passwort-2026"
    form.submit("save", status=302)
    # the link is single-use
    testapp.get(link, status=302).follow(status=410)

    # Logged in by setting the password: the first draft, then the submission.
    page = testapp.get("/foerderung")
    assert organisation.name in page.text
    form = page.click(href="/foerderung/antraege/neu").forms["application"]
    fill_application(form)
    page = form.submit("save", status=302).follow()
    transition_form(page, "submit").submit(status=302)
    dbsession.expire_all()
    application = dbsession.scalar(select(FundApplication).where(FundApplication.organisation_id == organisation.id))
    assert application.state == "submitted"
    assert re.fullmatch(r"F-\d{4}-\d{4}", application.reference)
    assert application.reference in testapp.get("/foerderung").text


def test_an_existing_address_gets_the_same_page_and_a_notice(testapp, dbsession, mailer, world):
    known = world.people["stranger"]
    fresh = register(testapp, email="neu@initiative.example").text
    mailer.outbox.clear()
    again = register(testapp, email=known.email, name="Jemand anderes", org="Übernahmeversuch e. V.")
    # the same page (but for the address), no new account, no organisation for the stranger
    strip = lambda text, email: re.sub(r'name="csrf_token" value="[^"]*"', "", text).replace(email, "")
    assert strip(again.text, known.email) == strip(fresh, "neu@initiative.example")
    assert dbsession.scalar(select(Organisation).where(Organisation.name == "Übernahmeversuch e. V.")) is None
    [message] = mailer.outbox
    assert message.recipients == [known.email]
    assert "/passwort-vergessen" in message.body


def test_at_most_five_registrations_per_hour_from_one_address(testapp, dbsession, mailer):
    for number in range(5):
        register(testapp, email=f"person{number}@initiative.example")
    page = register(testapp, email="person5@initiative.example", status=429)
    assert german(testapp.app, _("Too many registrations from your network in the last hour. Please try again later.")) in page.text
    assert page.forms["register"]["email"].value == "person5@initiative.example"
    assert dbsession.scalar(select(User).where(User.email == "person5@initiative.example")) is None


def test_a_logged_in_contact_registers_a_further_organisation(testapp, dbsession, world):
    from tests.functional.proposals.support import as_user

    as_user(testapp, world.people["stranger"])
    form = testapp.get("/foerderung/registrieren").forms["register"]
    assert "email" not in form.fields
    form["name"] = "Zweite Initiative"
    form["kind"] = "initiative"
    response = form.submit("register", status=302)
    organisation = dbsession.scalar(select(Organisation).where(Organisation.name == "Zweite Initiative"))
    assert organisation.contacts == [world.people["stranger"]]
    assert response.location.endswith(f"/foerderung/organisationen/{organisation.id}")


def test_the_form_errors_stay_at_their_fields(testapp, dbsession):
    form = testapp.get("/foerderung/registrieren").forms["register"]
    form["display_name"] = "Ines"
    form["email"] = "keine-adresse"
    form["name"] = "Freundeskreis"
    response = form.submit("register", status=422)
    assert response.forms["register"]["email"].value == "keine-adresse"
    assert response.forms["register"]["name"].value == "Freundeskreis"
