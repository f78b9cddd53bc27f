"""The office's user administration under /verwaltung/benutzer."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from sw_gremien.accounts.models import AccountEvent, AccountToken, TokenPurpose, User
from tests.factories import PASSWORD, AdminFactory, BodyFactory, MembershipFactory, UserFactory
from tests.functional.accounts.support import (
    field_error,
    is_login_redirect,
    mailed_token,
    second_client,
    session_count,
    submit_login,
)
from tests.functional.helpers import login

INVITEE_PASSWORD = "Mein-erstes-Passwort-77"


@pytest.fixture
def office(testapp, dbsession):
    admin = AdminFactory(display_name="Geschäftsstelle Integration")
    login(testapp, admin)
    testapp.admin = admin
    return testapp


def events_of(dbsession, user_id) -> list[str]:
    dbsession.expire_all()
    return dbsession.scalars(
        select(AccountEvent.tag).where(AccountEvent.user_id == user_id).order_by(AccountEvent.id)
    ).all()


def user_by_email(dbsession, email) -> User | None:
    dbsession.expire_all()
    return dbsession.scalar(select(User).where(User.email == email))


def listed_emails(page) -> list[str]:
    return [row.find_all("td")[1].get_text(strip=True) for row in page.html.select("table tbody tr")]


# -- list ------------------------------------------------------------------------------------
def test_list_shows_users_with_links(office, dbsession):
    body = BodyFactory(short_name="AG-SA")
    member = MembershipFactory(body=body, user=UserFactory(display_name="Aylin Demir")).user
    page = office.get("/verwaltung/benutzer", status=200)
    assert member.email in listed_emails(page)
    assert office.admin.email in listed_emails(page)
    assert page.html.find("a", href=f"/verwaltung/benutzer/{member.id}") is not None
    assert page.html.find("a", href="/verwaltung/benutzer/neu") is not None
    row = page.html.find("a", href=f"/verwaltung/benutzer/{member.id}").find_parent("tr")
    assert "AG-SA" in row.get_text()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Demir", ["aylin@stuttgart.example"]),
        ("demir", ["aylin@stuttgart.example"]),
        ("AYLIN", ["aylin@stuttgart.example"]),
        ("feuerbach.example", ["k.braun@feuerbach.example"]),
        ("@Feuerbach", ["k.braun@feuerbach.example"]),
        ("  braun ", ["k.braun@feuerbach.example"]),
        ("gibt-es-nicht", []),
    ],
)
def test_search_by_name_or_email(office, dbsession, query, expected):
    UserFactory(display_name="Aylin Demir", email="aylin@stuttgart.example")
    UserFactory(display_name="Klaus Braun", email="k.braun@feuerbach.example")
    UserFactory(display_name="Maria Weber", email="m.weber@stuttgart.example")
    page = office.get("/verwaltung/benutzer", params={"q": query})
    assert listed_emails(page) == expected
    assert page.html.find("input", {"name": "q"})["value"] == query.strip()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("%", []), ("_", ["sonder@stuttgart.example"]), ("a_n", ["sonder@stuttgart.example"]),
     ("\\", [])],
)
def test_search_wildcards_are_literal(office, dbsession, query, expected):
    UserFactory(display_name="Anna Schmid", email="anna@stuttgart.example")
    UserFactory(display_name="a_n Sonderfall", email="sonder@stuttgart.example")
    page = office.get("/verwaltung/benutzer", params={"q": query})
    assert listed_emails(page) == expected


@pytest.mark.parametrize("query", ["Özlem", "özlem", "ÖZLEM", "yılmaz"])
def test_search_for_a_name_with_umlauts(office, dbsession, query):
    UserFactory(display_name="Özlem Yılmaz", email="oy@stuttgart.example")
    UserFactory(display_name="Ozan Yilmaz", email="ozan@stuttgart.example")
    page = office.get("/verwaltung/benutzer", params={"q": query})
    assert listed_emails(page) == ["oy@stuttgart.example"]


def test_pagination(office, dbsession):
    for n in range(55):
        UserFactory(display_name=f"Seitentest {n:02d}", email=f"seite{n:02d}@stuttgart.example")
    first = office.get("/verwaltung/benutzer", params={"q": "Seitentest"})
    second = office.get("/verwaltung/benutzer", params={"q": "Seitentest", "seite": "2"})
    assert len(listed_emails(first)) == 50
    assert listed_emails(second) == [f"seite{n:02d}@stuttgart.example" for n in range(50, 55)]
    assert not set(listed_emails(first)) & set(listed_emails(second))
    # The page links keep the search.
    link = first.html.select_one("nav ul.pagination a[href*='seite=2']")
    assert link is not None and "q=Seitentest" in link["href"]
    assert first.html.select_one("ul.pagination [aria-current=page]").get_text(strip=True) == "1"
    # Nonsense page numbers fall back to the first page; beyond the end is empty.
    for value in ("0", "-3", "zwei"):
        page = office.get("/verwaltung/benutzer", params={"q": "Seitentest", "seite": value})
        assert listed_emails(page) == listed_emails(first)
    assert listed_emails(office.get("/verwaltung/benutzer", params={"q": "Seitentest", "seite": "9"})) == []


def test_short_list_has_no_pagination(office, dbsession):
    page = office.get("/verwaltung/benutzer")
    assert page.html.select_one("ul.pagination") is None


# -- create ----------------------------------------------------------------------------------
def _add_form(office):
    page = office.get("/verwaltung/benutzer/neu", status=200)
    form = page.forms["user"]
    assert form["send_invitation"].checked is True
    assert form["locale"].value == "de"
    return form


def test_create_with_invitation_and_the_invitee_sets_a_password(office, app, dbsession, mailer):
    form = _add_form(office)
    form["email"] = "  Neue.Person@Stuttgart.Example "
    form["display_name"] = "Neue Person"
    form["locale"] = "en"
    response = form.submit("save", status=302)

    created = user_by_email(dbsession, "neue.person@stuttgart.example")
    assert created is not None
    assert urlsplit(response.location).path == f"/verwaltung/benutzer/{created.id}"
    assert created.display_name == "Neue Person"
    assert created.locale == "en"
    assert created.global_role is None and created.active and created.password_hash is None
    assert events_of(dbsession, created.id) == ["created", "invited"]
    assert dbsession.scalar(select(AccountEvent.actor_id).where(AccountEvent.user_id == created.id).limit(1)) == office.admin.id

    assert len(mailer.outbox) == 1
    message = mailer.outbox[0]
    assert message.recipients == ["neue.person@stuttgart.example"]
    token = mailed_token(message)
    assert dbsession.scalar(select(AccountToken.purpose)) == TokenPurpose.INVITATION

    # The invitee cannot log in yet, follows the link, chooses a password and is in.
    invitee = second_client(app, "198.51.100.40")
    submit_login(invitee, created.email, "", status=422)
    page = invitee.get(f"/passwort-setzen/{token}", status=200)
    set_form = page.forms["password-set"]
    set_form["password"] = set_form["password_repeat"] = INVITEE_PASSWORD
    set_form.submit("save", status=302)
    assert invitee.get("/konto").status_int == 200
    # Later, from another browser, with the chosen password.
    submit_login(second_client(app, "198.51.100.41"), "neue.person@stuttgart.example", INVITEE_PASSWORD, status=302)
    invitee.get(f"/passwort-setzen/{token}", status=410)


def test_create_an_office_account_without_invitation(office, dbsession, mailer):
    form = _add_form(office)
    form["email"] = "zweite.kraft@stuttgart.example"
    form["display_name"] = "Zweite Kraft"
    form["global_role"] = "admin"
    form["send_invitation"] = False
    form.submit("save", status=302)
    created = user_by_email(dbsession, "zweite.kraft@stuttgart.example")
    assert created.is_admin
    assert mailer.outbox == []
    assert events_of(dbsession, created.id) == ["created"]
    assert dbsession.scalar(select(func.count()).select_from(AccountToken)) == 0


def test_duplicate_email_is_refused_case_insensitively(office, dbsession, mailer):
    UserFactory(email="vergeben@stuttgart.example")
    form = _add_form(office)
    form["email"] = "Vergeben@Stuttgart.EXAMPLE"
    form["display_name"] = "Doppelte Person"
    form["global_role"] = "admin"
    form["locale"] = "en"
    form["send_invitation"] = False
    response = form.submit("save", status=422)
    assert field_error(response, "user", "email")
    assert field_error(response, "user", "display_name") is None
    kept = response.forms["user"]
    assert kept["email"].value == "Vergeben@Stuttgart.EXAMPLE"
    assert kept["display_name"].value == "Doppelte Person"
    assert kept["global_role"].value == "admin"
    assert kept["locale"].value == "en"
    assert kept["send_invitation"].checked is False
    dbsession.expire_all()
    assert dbsession.scalar(select(func.count()).select_from(User).where(User.email == "vergeben@stuttgart.example")) == 1
    assert user_by_email(dbsession, "Doppelte Person") is None
    assert mailer.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "keine-adresse"), ("email", ""), ("display_name", "X"), ("display_name", "")],
)
def test_create_validates_the_fields(office, dbsession, mailer, field, value):
    form = _add_form(office)
    form["email"] = "gueltig@stuttgart.example"
    form["display_name"] = "Gültiger Name"
    form[field] = value
    response = form.submit("save", status=422)
    assert field_error(response, "user", field)
    assert user_by_email(dbsession, "gueltig@stuttgart.example") is None
    assert mailer.outbox == []


# -- edit ------------------------------------------------------------------------------------
def test_edit_a_user(office, dbsession):
    person = UserFactory(display_name="Alter Name", email="alt@stuttgart.example")
    page = office.get(f"/verwaltung/benutzer/{person.id}", status=200)
    form = page.forms["user"]
    assert form["email"].value == "alt@stuttgart.example"
    assert form["active"].checked is True
    form["email"] = "Neu@Stuttgart.example"
    form["display_name"] = "Neuer Name"
    form["global_role"] = "admin"
    form["locale"] = "en"
    response = form.submit("save", status=302)
    assert urlsplit(response.location).path == f"/verwaltung/benutzer/{person.id}"
    dbsession.expire_all()
    saved = dbsession.get(User, person.id)
    assert (saved.email, saved.display_name, saved.global_role, saved.locale, saved.active) == (
        "neu@stuttgart.example", "Neuer Name", "admin", "en", True
    )
    assert events_of(dbsession, person.id)[-1] == "edited"


def test_edit_keeps_a_users_own_email_but_refuses_anothers(office, dbsession):
    UserFactory(email="besetzt@stuttgart.example")
    person = UserFactory(email="person@stuttgart.example")
    form = office.get(f"/verwaltung/benutzer/{person.id}").forms["user"]
    form["email"] = "PERSON@stuttgart.example"
    form.submit("save", status=302)
    form = office.get(f"/verwaltung/benutzer/{person.id}").forms["user"]
    form["email"] = "Besetzt@stuttgart.example"
    form["display_name"] = "Umbenannt"
    response = form.submit("save", status=422)
    assert field_error(response, "user", "email")
    assert response.forms["user"]["display_name"].value == "Umbenannt"
    dbsession.expire_all()
    assert dbsession.get(User, person.id).email == "person@stuttgart.example"


def test_edit_page_shows_memberships_and_history(office, dbsession):
    membership = MembershipFactory(body=BodyFactory(short_name="AG-PR", name="Arbeitsgruppe Projekt"))
    person = membership.user
    assert office.get(f"/verwaltung/benutzer/{person.id}").html.find("a", href=f"/gremien/{membership.body.slug}")
    form = office.get(f"/verwaltung/benutzer/{person.id}").forms["user"]
    form.submit("save", status=302)
    form.submit("save", status=302)
    history = office.get(f"/verwaltung/benutzer/{person.id}").html.find(
        "section", attrs={"aria-labelledby": "events-heading"}
    )
    entries = history.find_all("time")
    assert len(entries) == 2
    assert all("Geschäftsstelle Integration" in entry.parent.get_text() for entry in entries)


def test_deactivating_ends_the_users_sessions(office, app, dbsession, mailer):
    person = UserFactory()
    their_browser = second_client(app, "198.51.100.50")
    login(their_browser, person)
    assert their_browser.get("/konto").status_int == 200
    assert session_count(dbsession, user_id=person.id) == 1

    form = office.get(f"/verwaltung/benutzer/{person.id}").forms["user"]
    form["active"] = False
    form.submit("save", status=302)

    dbsession.expire_all()
    assert dbsession.get(User, person.id).active is False
    assert session_count(dbsession, user_id=person.id) == 0
    assert events_of(dbsession, person.id)[-1] == "deactivated"
    assert is_login_redirect(their_browser.get("/konto", status=302), "/konto")
    submit_login(second_client(app, "198.51.100.51"), person.email, status=422)
    # The office is still logged in, and a deactivated account gets no invitation.
    page = office.get(f"/verwaltung/benutzer/{person.id}", status=200)
    assert page.html.find("form", action=f"/verwaltung/benutzer/{person.id}/einladen") is None


def test_reactivating(office, app, dbsession):
    person = UserFactory(active=False)
    form = office.get(f"/verwaltung/benutzer/{person.id}").forms["user"]
    assert form["active"].checked is False
    form["active"] = True
    form.submit("save", status=302)
    dbsession.expire_all()
    assert dbsession.get(User, person.id).active is True
    assert events_of(dbsession, person.id)[-1] == "reactivated"
    submit_login(second_client(app), person.email, PASSWORD, status=302)


def test_office_cannot_deactivate_itself(office, dbsession):
    admin = office.admin
    form = office.get(f"/verwaltung/benutzer/{admin.id}").forms["user"]
    form["active"] = False
    response = form.submit("save", status=422)
    assert field_error(response, "user", "active")
    assert field_error(response, "user", "global_role") is None
    dbsession.expire_all()
    assert dbsession.get(User, admin.id).active is True
    assert office.get("/verwaltung/benutzer").status_int == 200


def test_office_cannot_change_its_own_role(office, dbsession):
    admin = office.admin
    form = office.get(f"/verwaltung/benutzer/{admin.id}").forms["user"]
    form["global_role"] = ""
    form["display_name"] = "Geschäftsstelle neu"
    response = form.submit("save", status=422)
    assert field_error(response, "user", "global_role")
    assert response.forms["user"]["display_name"].value == "Geschäftsstelle neu"
    dbsession.expire_all()
    saved = dbsession.get(User, admin.id)
    assert saved.global_role == "admin" and saved.display_name == "Geschäftsstelle Integration"


def test_office_can_edit_its_own_name(office, dbsession):
    admin = office.admin
    form = office.get(f"/verwaltung/benutzer/{admin.id}").forms["user"]
    form["display_name"] = "Geschäftsstelle Integrationspolitik"
    form.submit("save", status=302)
    dbsession.expire_all()
    assert dbsession.get(User, admin.id).display_name == "Geschäftsstelle Integrationspolitik"


def test_another_office_member_can_be_demoted(office, dbsession):
    colleague = AdminFactory()
    form = office.get(f"/verwaltung/benutzer/{colleague.id}").forms["user"]
    form["global_role"] = ""
    form.submit("save", status=302)
    dbsession.expire_all()
    assert dbsession.get(User, colleague.id).global_role is None


# -- invitation again ------------------------------------------------------------------------
def test_sending_the_invitation_again(office, dbsession, mailer):
    person = UserFactory(password_hash=None)
    page = office.get(f"/verwaltung/benutzer/{person.id}")
    form = next(f for f in page.forms.values() if f.action == f"/verwaltung/benutzer/{person.id}/einladen")
    response = form.submit(status=302)
    assert urlsplit(response.location).path == f"/verwaltung/benutzer/{person.id}"
    assert [m.recipients for m in mailer.outbox] == [[person.email]]
    first = mailed_token(mailer.outbox[0])

    form = next(
        f for f in office.get(f"/verwaltung/benutzer/{person.id}").forms.values()
        if f.action == f"/verwaltung/benutzer/{person.id}/einladen"
    )
    form.submit(status=302)
    second = mailed_token(mailer.outbox[1])
    assert events_of(dbsession, person.id).count("invited") == 2
    # Only the newest link works.
    office.get(f"/passwort-setzen/{first}", status=410)
    office.get(f"/passwort-setzen/{second}", status=200)


def test_invitation_needs_a_csrf_token(office, dbsession, mailer):
    person = UserFactory()
    office.post(f"/verwaltung/benutzer/{person.id}/einladen", status=400)
    assert mailer.outbox == []


def test_invitation_by_get_does_nothing(office, dbsession, mailer):
    person = UserFactory()
    office.get(f"/verwaltung/benutzer/{person.id}/einladen", status=404)
    assert mailer.outbox == []


def test_no_invitation_for_a_deactivated_user(office, dbsession, mailer):
    person = UserFactory(active=False)
    token = office.get(f"/verwaltung/benutzer/{person.id}").forms["user"]["csrf_token"].value
    office.post(f"/verwaltung/benutzer/{person.id}/einladen", {"csrf_token": token}, status=302)
    assert mailer.outbox == []
    assert "invited" not in events_of(dbsession, person.id)


# -- not found and not allowed ---------------------------------------------------------------
@pytest.mark.parametrize("user_id", ["99999", "2147483648", "99999999999999999999999"])
def test_unknown_user_is_404_for_the_office(office, dbsession, user_id):
    office.get(f"/verwaltung/benutzer/{user_id}", status=404)
    token = office.get("/konto").forms["profile"]["csrf_token"].value
    office.post(f"/verwaltung/benutzer/{user_id}/einladen", {"csrf_token": token}, status=404)


@pytest.fixture
def target(dbsession):
    return UserFactory(display_name="Ziel Person")


def _pages(target):
    return ["/verwaltung/benutzer", "/verwaltung/benutzer/neu", f"/verwaltung/benutzer/{target.id}"]


@pytest.mark.parametrize("who", ["member", "chair", "plain"])
def test_members_get_403_everywhere(testapp, dbsession, mailer, target, who):
    if who == "plain":
        person = UserFactory()
    else:
        person = MembershipFactory(role=who).user
    login(testapp, person)
    for path in _pages(target):
        testapp.get(path, status=403)
    token = testapp.get("/konto").forms["profile"]["csrf_token"].value
    new_user = {"csrf_token": token, "email": "frech@stuttgart.example", "display_name": "Frech",
                "global_role": "admin", "locale": "de", "send_invitation": "true", "save": "save"}
    testapp.post("/verwaltung/benutzer/neu", new_user, status=403)
    edit = {**new_user, "email": target.email, "display_name": "Gekapert", "active": "true"}
    testapp.post(f"/verwaltung/benutzer/{target.id}", edit, status=403)
    testapp.post(f"/verwaltung/benutzer/{target.id}/einladen", {"csrf_token": token}, status=403)
    # Promoting oneself is refused as well.
    testapp.post(f"/verwaltung/benutzer/{person.id}", {**edit, "email": person.email}, status=403)

    dbsession.expire_all()
    assert user_by_email(dbsession, "frech@stuttgart.example") is None
    assert dbsession.get(User, target.id).display_name == "Ziel Person"
    assert dbsession.get(User, person.id).global_role is None
    assert mailer.outbox == []
    # And the navigation does not offer the page.
    assert testapp.get("/").html.find("a", href="/verwaltung/benutzer") is None


def test_anonymous_visitors_are_sent_to_the_login(testapp, dbsession, mailer, target):
    for path in _pages(target):
        assert is_login_redirect(testapp.get(path, status=302), path)
    token = testapp.get("/login").forms["login"]["csrf_token"].value
    testapp.post("/verwaltung/benutzer/neu", {"csrf_token": token, "email": "anon@stuttgart.example",
                                              "display_name": "Anonym", "save": "save"}, status=302)
    testapp.post(f"/verwaltung/benutzer/{target.id}", {"csrf_token": token, "email": target.email,
                                                       "display_name": "Anonym", "save": "save"}, status=302)
    response = testapp.post(f"/verwaltung/benutzer/{target.id}/einladen", {"csrf_token": token}, status=302)
    assert is_login_redirect(response)
    dbsession.expire_all()
    assert user_by_email(dbsession, "anon@stuttgart.example") is None
    assert dbsession.get(User, target.id).display_name == "Ziel Person"
    assert mailer.outbox == []


def test_deactivated_office_member_loses_access_at_once(office, app, dbsession):
    colleague = AdminFactory()
    their_browser = second_client(app, "198.51.100.60")
    login(their_browser, colleague)
    their_browser.get("/verwaltung/benutzer", status=200)
    form = office.get(f"/verwaltung/benutzer/{colleague.id}").forms["user"]
    form["active"] = False
    form.submit("save", status=302)
    assert is_login_redirect(their_browser.get("/verwaltung/benutzer", status=302))


def test_users_link_in_the_navigation_for_the_office(office, dbsession):
    assert office.get("/").html.find("a", href="/verwaltung/benutzer") is not None


def test_password_hash_not_shown_anywhere(office, dbsession):
    person = UserFactory()
    for path in ("/verwaltung/benutzer", f"/verwaltung/benutzer/{person.id}"):
        assert "$argon2" not in office.get(path).text
