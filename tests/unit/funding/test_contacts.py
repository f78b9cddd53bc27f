"""The rules of an organisation's contacts without the web: who is added how, the limits, and
that the last contact stays."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sw_gremien.accounts.models import AccountToken, TokenPurpose, User
from sw_gremien.funding import services
from sw_gremien.notifications.models import Notification
from sw_gremien.workflow.definitions import Role
from tests import factories
from tests.factories import AdminFactory, UserFactory
from tests.workflow_support import make_request


@pytest.fixture
def contact(dbsession):
    return UserFactory(display_name="Ines Initiative")


@pytest.fixture
def org(dbsession, contact):
    return factories.organisation(contact)


@pytest.fixture
def request_(app, dbsession, contact):
    request = make_request(app, dbsession, Role.PUBLIC, user=contact)
    request.remote_addr = "192.0.2.1"
    return request


def test_an_existing_account_is_found_whatever_the_case_and_notified(dbsession, request_, org):
    known = UserFactory(email="stefan@verein.example", display_name="Stefan Fremd")
    added = services.add_contact(request_, org, email=" Stefan@Verein.EXAMPLE ", display_name="Anders")
    assert added is known and known.display_name == "Stefan Fremd"
    assert org.contacts[-1] is known and len(org.contacts) == 2
    assert dbsession.scalar(select(Notification).where(Notification.user_id == known.id)) is not None
    assert dbsession.scalar(select(AccountToken).where(AccountToken.user_id == known.id)) is None


def test_an_unknown_address_gets_an_account_without_password_and_an_invitation(dbsession, request_, org):
    added = services.add_contact(request_, org, email="Nora@Verein.example", display_name="Nora Neu")
    assert added.email == "nora@verein.example" and added.password_hash is None and added.active
    assert added in org.contacts
    token = dbsession.scalar(select(AccountToken).where(AccountToken.user_id == added.id))
    assert token.purpose == TokenPurpose.INVITATION and token.used_at is None


def test_an_account_that_never_set_its_password_is_invited_again(dbsession, request_, org):
    waiting = UserFactory(password_hash=None)
    services.add_contact(request_, org, email=waiting.email, display_name="Wer auch immer")
    assert dbsession.scalar(select(AccountToken).where(AccountToken.user_id == waiting.id)) is not None


def test_refusals(dbsession, request_, org, contact):
    with pytest.raises(services.ContactRefused) as refusal:
        services.add_contact(request_, org, email=contact.email.upper(), display_name="Ines")
    assert refusal.value.field == "email"
    inactive = UserFactory(active=False)
    with pytest.raises(services.ContactRefused) as refusal:
        services.add_contact(request_, org, email=inactive.email, display_name="Weg")
    assert refusal.value.field == "email"
    org.contacts.extend(UserFactory() for _number in range(services.MAX_CONTACTS - 1))
    dbsession.flush()
    with pytest.raises(services.ContactRefused) as refusal:
        services.add_contact(request_, org, email="zu-viel@verein.example", display_name="Zu viel")
    assert refusal.value.field is None
    assert dbsession.scalar(select(User).where(User.email == "zu-viel@verein.example")) is None


def test_only_the_office_adds_without_an_hourly_limit(app, dbsession, request_, org):
    for number in range(services.CONTACT_ADDITIONS_PER_HOUR):
        services.add_contact(request_, factories.organisation(request_.user, name=f"Initiative {number}"),
                             email=f"person-{number}@verein.example", display_name="Jemand")
    assert services.contact_additions_by(dbsession, request_.user) == services.CONTACT_ADDITIONS_PER_HOUR
    with pytest.raises(services.ContactRefused) as refusal:
        services.add_contact(request_, org, email="noch-einer@verein.example", display_name="Noch einer")
    assert refusal.value.status == 429
    office = make_request(app, dbsession, Role.OFFICE, user=AdminFactory())
    office.remote_addr = "192.0.2.2"
    for number in range(services.CONTACT_ADDITIONS_PER_HOUR + 1):
        services.add_contact(office, factories.organisation(name=f"Verein {number}"),
                             email=f"buero-{number}@verein.example", display_name="Jemand")


def test_removing_never_the_last_contact(dbsession, request_, org, contact):
    other = UserFactory()
    with pytest.raises(services.ContactRefused):
        services.remove_contact(request_, org, other)  # not a contact
    with pytest.raises(services.ContactRefused):
        services.remove_contact(request_, org, contact)  # the only one
    org.contacts.append(other)
    dbsession.flush()
    services.remove_contact(request_, org, contact)  # oneself
    assert org.contacts == [other]
    with pytest.raises(services.ContactRefused):
        services.remove_contact(request_, org, other)
