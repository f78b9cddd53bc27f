"""Several contacts per organisation: its contacts and the office add people by name and
address (an existing account is told, a new one invited with the link that sets the password)
and remove them again, never the last one; whoever removes themself loses the page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from sw_gremien.accounts.models import AccountEvent, User
from sw_gremien.funding import services
from sw_gremien.funding.models import Organisation
from sw_gremien.i18n import _
from sw_gremien.notifications.models import Notification
from tests import factories
from tests.factories import UserFactory
from tests.functional.proposals.support import as_user, german, new_client


@pytest.fixture
def org(dbsession, world):
    contact = UserFactory(display_name="Ines Initiative", email="ines@initiative.example")
    organisation = factories.organisation(contact, name="Freundeskreis Asyl Vaihingen")
    application = factories.application(factories.fund(), organisation, author=contact)
    world.extra.update(contact=contact, organisation=organisation, application=application)
    return organisation


def org_url(organisation) -> str:
    return f"/foerderung/organisationen/{organisation.id}"


def add(testapp, organisation, email, name="Nora Neu", status=302):
    form = testapp.get(org_url(organisation)).forms["contact"]
    form["display_name"] = name
    form["email"] = email
    return form.submit("add_contact", status=status)


def remove_form(page, user):
    action = f"/ansprechpersonen/{user.id}/entfernen"
    return next((f for f in page.forms.values() if f.action.endswith(action)), None)


def token(testapp) -> str:
    return testapp.get("/konto").html.find("input", {"name": "csrf_token"})["value"]


def contacts(dbsession, organisation) -> list[str]:
    dbsession.expire_all()
    return [u.email for u in dbsession.get(Organisation, organisation.id).contacts]


def link_in(message) -> str:
    return re.sub(r"^https?://[^/]+", "", re.search(r"http://\S+", message.body).group(0))


def test_a_contact_adds_an_existing_account_which_then_sees_the_applications(testapp, dbsession, mailer, world, org):
    stranger = world.stranger
    as_user(testapp, stranger)
    testapp.get(org_url(org), status=403)
    testapp.get(f"/foerderung/antraege/{world.extra['application'].id}", status=403)

    as_user(testapp, world.extra["contact"])
    page = testapp.get(org_url(org))
    assert page.html.find("label", {"for": page.forms["contact"]["email"].id}) is not None
    # the address in another case, the typed name is not the account's
    response = add(testapp, org, stranger.email.upper(), name="Jemand")
    assert response.location.endswith(org_url(org) + "#contacts")
    page = response.follow()
    assert german(testapp.app, _("${name} is now a contact of ${organisation} and has been informed by e-mail."),
                  {"name": "Jemand", "organisation": org.name}) in page.text  # the name typed, not the account's
    assert contacts(dbsession, org) == ["ines@initiative.example", stranger.email]
    assert dbsession.scalar(select(User).where(User.display_name == "Jemand")) is None
    # a short notice in the recipient's language, also among the notifications
    [message] = mailer.outbox
    assert message.recipients == [stranger.email]
    assert org.name in message.subject and "Ines Initiative" in message.body
    assert org_url(org) in message.body and "/passwort-setzen/" not in message.body
    assert dbsession.scalar(select(Notification).where(Notification.user_id == stranger.id)) is not None
    assert dbsession.scalar(select(AccountEvent).where(
        AccountEvent.user_id == stranger.id, AccountEvent.tag == "contact_added")).detail == org.name

    as_user(testapp, stranger)
    testapp.get(org_url(org), status=200)
    assert world.extra["application"].title in testapp.get("/foerderung").text
    testapp.get(f"/foerderung/antraege/{world.extra['application'].id}", status=200)


def test_a_new_address_is_invited_and_its_link_sets_the_password(testapp, dbsession, mailer, world, org):
    as_user(testapp, world.admin)  # the office may add contacts too
    add(testapp, org, "Nora.Neu@Verein.example", name="Nora Neu")
    user = dbsession.scalar(select(User).where(User.email == "nora.neu@verein.example"))
    assert user is not None and user.display_name == "Nora Neu" and user.password_hash is None
    assert contacts(dbsession, org) == ["ines@initiative.example", "nora.neu@verein.example"]
    [message] = mailer.outbox
    assert message.recipients == ["nora.neu@verein.example"]
    assert org.name in message.body and "Gerda Geschäftsstelle" in message.body
    link = link_in(message)
    assert link.startswith("/passwort-setzen/")

    browser = new_client(testapp.app)
    form = browser.get(link).forms["password-set"]
    form["password"] = "ein-gutes-Passwort-2026"
    form["password_repeat"] = "ein-gutes-Passwort-2026"
    form.submit("save", status=302)
    browser.get(link, status=410)  # single-use
    assert world.extra["application"].title in browser.get("/foerderung").text
    browser.get(f"/foerderung/antraege/{world.extra['application'].id}", status=200)
    assert "Nora Neu" in browser.get(org_url(org)).text


def test_adding_a_contact_twice_says_so_at_the_field_and_keeps_the_entries(testapp, dbsession, mailer, world, org):
    as_user(testapp, world.extra["contact"])
    page = add(testapp, org, "  INES@initiative.example ", name="Ines Zwei", status=422)
    form = page.forms["contact"]
    assert form["display_name"].value == "Ines Zwei"
    assert form["email"].value == "INES@initiative.example"
    message = german(testapp.app, _("${name} is already a contact of this organisation."), {"name": "Ines Initiative"})
    error = page.html.find(id=f"error-{form['email'].id}")
    assert error is not None and message in error.text
    field = page.html.find(id=form["email"].id)
    assert field["aria-invalid"] == "true" and f"error-{form['email'].id}" in field["aria-describedby"]
    # the master data form on the same page is intact
    assert page.forms["organisation"]["name"].value == org.name
    assert contacts(dbsession, org) == ["ines@initiative.example"] and mailer.outbox == []


def test_a_wrong_address_is_refused_at_its_field(testapp, dbsession, mailer, world, org):
    as_user(testapp, world.extra["contact"])
    page = add(testapp, org, "keine-adresse", name="Nora Neu", status=422)
    form = page.forms["contact"]
    assert form["email"].value == "keine-adresse" and form["display_name"].value == "Nora Neu"
    assert page.html.find(id=f"error-{form['email'].id}") is not None
    assert dbsession.scalar(select(User).where(User.email == "keine-adresse")) is None and mailer.outbox == []


def test_at_most_twenty_contacts(testapp, dbsession, mailer, world, org):
    org.contacts.extend(UserFactory() for _number in range(services.MAX_CONTACTS - 1))
    dbsession.flush()
    as_user(testapp, world.extra["contact"])
    page = add(testapp, org, "einer-zu-viel@verein.example", status=422)
    assert german(testapp.app, _("An organisation can have at most ${count} contacts. Please remove one first."),
                  {"count": services.MAX_CONTACTS}) in page.text
    assert page.forms["contact"]["email"].value == "einer-zu-viel@verein.example"
    assert dbsession.scalar(select(User).where(User.email == "einer-zu-viel@verein.example")) is None
    assert len(contacts(dbsession, org)) == services.MAX_CONTACTS and mailer.outbox == []


def test_a_contact_adds_at_most_so_many_people_an_hour(testapp, dbsession, mailer, world, org):
    contact = world.extra["contact"]
    for _number in range(services.CONTACT_ADDITIONS_PER_HOUR):
        dbsession.add(AccountEvent(user_id=world.stranger.id, actor_id=contact.id, tag="contact_added"))
    dbsession.flush()
    as_user(testapp, contact)
    page = add(testapp, org, "noch-eine@verein.example", status=429)
    assert german(testapp.app, _("You have added many contacts in the last hour. Please try again later.")) in page.text
    assert contacts(dbsession, org) == ["ines@initiative.example"] and mailer.outbox == []


def test_the_last_contact_cannot_be_removed(testapp, dbsession, world, org):
    contact = world.extra["contact"]
    as_user(testapp, contact)
    page = testapp.get(org_url(org))
    assert remove_form(page, contact) is None
    # not through a hand-made request either
    response = testapp.post(f"{org_url(org)}/ansprechpersonen/{contact.id}/entfernen", {"csrf_token": token(testapp)},
                            status=302)
    page = response.follow()
    assert german(testapp.app, _("${name} is the only contact of this organisation and cannot be removed. "
                                 "Add another contact first."), {"name": "Ines Initiative"}) in page.text
    assert contacts(dbsession, org) == ["ines@initiative.example"]


def test_a_contact_removes_another_and_then_themself(testapp, dbsession, world, org):
    contact, other = world.extra["contact"], world.stranger
    org.contacts.append(other)
    dbsession.flush()
    as_user(testapp, contact)
    page = testapp.get(org_url(org))
    remove_form(page, other).submit(status=302).follow()
    assert contacts(dbsession, org) == ["ines@initiative.example"]
    as_user(testapp, other)
    testapp.get(org_url(org), status=403)

    # back again, and now Ines leaves the organisation to Stefan
    org.contacts.append(other)
    dbsession.flush()
    as_user(testapp, contact)
    page = testapp.get(org_url(org))
    button = remove_form(page, contact)
    assert german(testapp.app, _("Remove myself as contact")) in button.html.text
    response = button.submit(status=302)
    assert response.location.endswith("/foerderung")
    page = response.follow()
    assert german(testapp.app, _("You are no longer a contact of ${organisation}."),
                  {"organisation": org.name}) in page.text
    assert contacts(dbsession, org) == [other.email]
    testapp.get(org_url(org), status=403)
    assert dbsession.scalar(select(AccountEvent).where(
        AccountEvent.user_id == contact.id, AccountEvent.tag == "contact_removed")).actor_id == contact.id


def test_the_office_removes_a_contact(testapp, dbsession, world, org):
    org.contacts.append(world.stranger)
    dbsession.flush()
    as_user(testapp, world.admin)
    page = testapp.get(org_url(org))
    response = remove_form(page, world.stranger).submit(status=302)
    assert response.location.endswith(org_url(org) + "#contacts")
    assert contacts(dbsession, org) == ["ines@initiative.example"]


def test_outsiders_and_other_initiatives_are_refused(testapp, dbsession, mailer, world, org):
    other_contact = UserFactory()
    factories.organisation(other_contact, name="Andere Initiative")
    contact = world.extra["contact"]
    org.contacts.append(world.stranger)
    dbsession.flush()
    add_url = f"{org_url(org)}/ansprechpersonen"
    remove_url = f"{org_url(org)}/ansprechpersonen/{world.stranger.id}/entfernen"
    for outsider in (other_contact, world.ag_member):
        as_user(testapp, outsider)
        csrf = token(testapp)
        testapp.post(add_url, {"csrf_token": csrf, "display_name": "Eve", "email": "eve@example.org",
                               "add_contact": "add_contact"}, status=403)
        testapp.post(remove_url, {"csrf_token": csrf}, status=403)
    testapp.reset()
    anonymous = testapp.post(remove_url, {"csrf_token": testapp.get("/login").html.find(
        "input", {"name": "csrf_token"})["value"]}, status=302)
    assert "/login?came_from=" in anonymous.location
    # a contact cannot remove someone who is not a contact of this organisation
    as_user(testapp, contact)
    testapp.post(f"{org_url(org)}/ansprechpersonen/{other_contact.id}/entfernen", {"csrf_token": token(testapp)},
                 status=404)
    assert contacts(dbsession, org) == ["ines@initiative.example", world.stranger.email]
    assert dbsession.scalar(select(User).where(User.email == "eve@example.org")) is None and mailer.outbox == []


def test_without_the_csrf_token_nothing_happens(testapp, dbsession, mailer, world, org):
    org.contacts.append(world.stranger)
    dbsession.flush()
    as_user(testapp, world.extra["contact"])
    form = testapp.get(org_url(org)).forms["contact"]
    form["display_name"] = "Nora Neu"
    form["email"] = "nora@verein.example"
    form["csrf_token"] = ""
    form.submit("add_contact", status=400)
    testapp.post(f"{org_url(org)}/ansprechpersonen/{world.stranger.id}/entfernen", {}, status=400)
    # a GET does nothing
    testapp.get(f"{org_url(org)}/ansprechpersonen/{world.stranger.id}/entfernen", status=404)
    assert contacts(dbsession, org) == ["ines@initiative.example", world.stranger.email]
    assert mailer.outbox == []
