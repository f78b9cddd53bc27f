"""The login form: redirects, cookie, session rotation, refusals."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from sw_gremien.accounts.models import LoginAttempt, User
from tests.factories import PASSWORD, UserFactory
from tests.functional.accounts.support import (
    attempt_count,
    form_error,
    second_client,
    session_cookie,
    session_row,
    set_cookie_headers,
    submit_login,
)


def test_login_page_shows_the_form(testapp, dbsession):
    page = testapp.get("/login")
    form = page.forms["login"]
    assert {"email", "password", "came_from", "csrf_token"} <= set(form.fields)
    assert form["password"].value == ""
    assert page.html.find("input", {"name": "password"})["type"] == "password"


def test_success_redirects_to_the_desk_and_logs_in(testapp, dbsession):
    user = UserFactory()
    response = submit_login(testapp, user.email)
    assert response.status_int == 302
    assert urlsplit(response.location).path == "/schreibtisch"
    page = testapp.get("/konto")
    assert page.status_int == 200
    assert user.email in page.text
    dbsession.expire_all()
    assert dbsession.get(User, user.id).last_login_at is not None


def test_email_is_matched_case_insensitively_and_trimmed(testapp, dbsession):
    user = UserFactory(email="anna.mueller@stuttgart.example")
    response = submit_login(testapp, "  Anna.Mueller@Stuttgart.EXAMPLE ")
    assert response.status_int == 302
    assert testapp.get("/konto").status_int == 200


@pytest.mark.parametrize("came_from", ["/konto", "/gremien?seite=2"])
def test_success_goes_back_to_a_local_came_from(testapp, dbsession, came_from):
    user = UserFactory()
    form = testapp.get("/login", params={"came_from": came_from}).forms["login"]
    assert form["came_from"].value == came_from
    form["email"] = user.email
    form["password"] = PASSWORD
    response = form.submit("login", status=302)
    location = urlsplit(response.location)
    assert location.netloc == "localhost"
    assert location.path + ("?" + location.query if location.query else "") == came_from


@pytest.mark.parametrize(
    "came_from",
    [
        "//evil.example",
        "https://evil.example",
        "http://evil.example/login",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_came_from_never_leaves_the_site(testapp, dbsession, came_from):
    user = UserFactory()
    form = testapp.get("/login").forms["login"]
    form["email"] = user.email
    form["password"] = PASSWORD
    form["came_from"] = came_from
    response = form.submit("login", status=302)
    location = urlsplit(response.location)
    assert location.netloc == "localhost"
    assert location.path == "/"


def test_came_from_with_a_tab_cannot_become_protocol_relative(testapp, dbsession):
    # Browsers drop tabs from URLs: "/\t/evil.example" would turn into "//evil.example".
    user = UserFactory()
    form = testapp.get("/login").forms["login"]
    form["email"] = user.email
    form["password"] = PASSWORD
    form["came_from"] = "/\t/evil.example"
    response = form.submit("login", status=302)
    location = urlsplit(response.location.replace("\t", ""))
    assert location.netloc == "localhost"


def test_session_cookie_is_httponly_and_samesite_lax(testapp, dbsession):
    user = UserFactory()
    response = submit_login(testapp, user.email)
    (header,) = set_cookie_headers(response)
    attributes = [part.strip().lower() for part in header.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    # Plain http in the tests: the Secure flag follows the scheme.
    assert "secure" not in attributes


def test_session_cookie_is_secure_under_https(testapp, dbsession):
    user = UserFactory()
    form = testapp.get("/login", extra_environ={"wsgi.url_scheme": "https"}).forms["login"]
    form["email"] = user.email
    form["password"] = PASSWORD
    response = form.submit("login", status=302, extra_environ={"wsgi.url_scheme": "https"})
    (header,) = set_cookie_headers(response)
    assert "secure" in [part.strip().lower() for part in header.split(";")[1:]]


def test_login_rotates_the_session_id(testapp, dbsession):
    user = UserFactory()
    page = testapp.get("/login")
    before = session_cookie(testapp)
    assert before is not None and session_row(dbsession, before) is not None
    form = page.forms["login"]
    form["email"] = user.email
    form["password"] = PASSWORD
    form.submit("login", status=302)
    after = session_cookie(testapp)
    assert after is not None and after != before
    # The pre-login session is gone; the new one belongs to the user.
    assert session_row(dbsession, before) is None
    assert session_row(dbsession, after).user_id == user.id


def test_login_replaces_the_csrf_token(testapp, dbsession):
    """Whoever planted the pre-login session knows its CSRF token: it must not survive."""
    user = UserFactory()
    page = testapp.get("/login")
    token_before = page.forms["login"]["csrf_token"].value
    form = page.forms["login"]
    form["email"] = user.email
    form["password"] = PASSWORD
    form.submit("login", status=302)
    token_after = testapp.get("/konto").forms["profile"]["csrf_token"].value
    assert token_after and token_after != token_before


def test_a_planted_pre_login_cookie_is_worthless_after_login(testapp, app, dbsession):
    user = UserFactory()
    page = testapp.get("/login")
    planted = session_cookie(testapp)
    form = page.forms["login"]
    form["email"] = user.email
    form["password"] = PASSWORD
    form.submit("login", status=302)
    attacker = second_client(app)
    attacker.set_cookie("sw_gremien_session", planted)
    assert attacker.get("/konto").status_int == 302


def _refused(testapp, email, password):
    response = submit_login(testapp, email, password, status=422)
    return response, form_error(response, "login")


def test_wrong_password_and_unknown_email_get_the_same_answer(testapp, dbsession):
    user = UserFactory()
    wrong, wrong_message = _refused(testapp, user.email, "falsches-Passwort-999")
    unknown, unknown_message = _refused(testapp, "niemand@stuttgart.example", "falsches-Passwort-999")
    assert wrong_message and wrong_message == unknown_message
    # The message is on the form, not on a field that would tell which one was wrong.
    for response in (wrong, unknown):
        for name in ("email", "password"):
            control = response.html.find("input", {"name": name})
            assert control.get("aria-invalid") is None


def test_refusal_keeps_the_email_but_not_the_password(testapp, dbsession):
    user = UserFactory()
    typed_password = "Geheim-und-falsch-4711"
    response, _message = _refused(testapp, user.email, typed_password)
    form = response.forms["login"]
    assert form["email"].value == user.email
    assert form["password"].value == ""
    assert typed_password not in response.text
    assert testapp.get("/konto", status=302)


def test_refusal_keeps_came_from(testapp, dbsession):
    user = UserFactory()
    response = submit_login(testapp, user.email, "falsch-falsch-falsch", came_from="/konto", status=422)
    form = response.forms["login"]
    assert form["came_from"].value == "/konto"
    form["password"] = PASSWORD
    response = form.submit("login", status=302)
    assert urlsplit(response.location).path == "/konto"


def test_each_refusal_is_recorded(testapp, dbsession):
    user = UserFactory()
    _refused(testapp, user.email, "falsch-falsch-falsch")
    _refused(testapp, "Niemand@Stuttgart.example", "falsch-falsch-falsch")
    dbsession.expire_all()
    rows = dbsession.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(row.email, row.ip_address) for row in rows] == [
        (user.email, "192.0.2.10"),
        ("niemand@stuttgart.example", "192.0.2.10"),
    ]


def test_deactivated_user_cannot_log_in(testapp, dbsession):
    user = UserFactory(active=False)
    deactivated, deactivated_message = _refused(testapp, user.email, PASSWORD)
    _unknown, unknown_message = _refused(testapp, "niemand@stuttgart.example", PASSWORD)
    # It does not even reveal that the account exists.
    assert deactivated_message == unknown_message
    assert session_row(dbsession, session_cookie(testapp)).user_id is None
    testapp.get("/konto", status=302)


def test_invited_user_without_password_cannot_log_in(testapp, dbsession):
    user = UserFactory(password_hash=None)
    _refused(testapp, user.email, "")
    _refused(testapp, user.email, PASSWORD)


def test_empty_fields_are_a_validation_error(testapp, dbsession):
    form = testapp.get("/login").forms["login"]
    response = form.submit("login", status=422)
    assert response.html.find("input", {"name": "email"})["aria-invalid"] == "true"
    assert attempt_count(dbsession) == 0


def test_login_without_csrf_token_is_refused(testapp, dbsession):
    user = UserFactory()
    testapp.get("/login")
    testapp.post("/login", {"email": user.email, "password": PASSWORD, "login": "login"}, status=400)
    testapp.get("/konto", status=302)


def test_the_session_stores_only_the_hash_of_its_token(testapp, dbsession):
    user = UserFactory()
    submit_login(testapp, user.email, status=302)
    cookie = session_cookie(testapp)
    token = cookie.split(".")[0]
    row = session_row(dbsession, cookie)
    assert row.id == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.id and token not in repr(row.data)
