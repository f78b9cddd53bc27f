"""/konto: the own name, language and password."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from sw_gremien.accounts import services
from sw_gremien.accounts.models import AccountEvent, User
from sw_gremien.i18n import LOCALE_COOKIE
from tests.factories import PASSWORD, UserFactory
from tests.functional.accounts.support import (
    field_error,
    is_login_redirect,
    lang_of,
    second_client,
    session_cookie,
    session_count,
    set_cookie_headers,
    submit_login,
)
from tests.functional.helpers import login

NEW_PASSWORD = "Ganz-neues-Passwort-2026"


@pytest.fixture
def user(dbsession):
    return UserFactory(display_name="Hans Muster", locale="de")


@pytest.fixture
def logged_in(testapp, user):
    login(testapp, user)
    return testapp


def stored(dbsession, user) -> User:
    dbsession.expire_all()
    return dbsession.get(User, user.id)


def test_anonymous_is_sent_to_the_login_and_back(testapp, dbsession, user):
    response = testapp.get("/konto", status=302)
    assert is_login_redirect(response, "/konto")
    login_page = response.follow()
    form = login_page.forms["login"]
    assert form["came_from"].value == "/konto"
    form["email"] = user.email
    form["password"] = PASSWORD
    back = form.submit("login", status=302)
    assert urlsplit(back.location).path == "/konto"


def test_page_shows_both_forms_with_the_current_values(logged_in, user):
    page = logged_in.get("/konto")
    profile = page.forms["profile"]
    assert profile["display_name"].value == "Hans Muster"
    assert profile["locale"].value == "de"
    assert {"current_password", "password", "password_repeat"} <= set(page.forms["password"].fields)
    # Two forms, no duplicate element ids.
    ids = [tag["id"] for tag in page.html.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_saving_name_and_language(logged_in, dbsession, user):
    form = logged_in.get("/konto").forms["profile"]
    form["display_name"] = "  Hans Peter Muster "
    form["locale"] = "en"
    response = form.submit("save", status=302)
    assert urlsplit(response.location).path == "/konto"
    (header,) = set_cookie_headers(response, LOCALE_COOKIE)
    assert header.startswith(f"{LOCALE_COOKIE}=en;")
    assert logged_in.cookies[LOCALE_COOKIE] == "en"

    saved = stored(dbsession, user)
    assert saved.display_name == "Hans Peter Muster"
    assert saved.locale == "en"
    assert lang_of(response.follow()) == "en"
    assert lang_of(logged_in.get("/")) == "en"


def test_switching_back_to_german(logged_in, dbsession, user):
    logged_in.get("/sprache/en")
    assert lang_of(logged_in.get("/konto")) == "en"
    form = logged_in.get("/konto").forms["profile"]
    form["locale"] = "de"
    form.submit("save", status=302)
    assert lang_of(logged_in.get("/konto")) == "de"
    assert stored(dbsession, user).locale == "de"


def test_the_account_language_applies_without_the_cookie(testapp, dbsession):
    user = UserFactory(locale="en")
    login(testapp, user)
    assert lang_of(testapp.get("/konto")) == "en"


def test_too_short_name_is_refused_next_to_the_field(logged_in, dbsession, user):
    form = logged_in.get("/konto").forms["profile"]
    form["display_name"] = "H"
    form["locale"] = "en"
    response = form.submit("save", status=422)
    assert field_error(response, "profile", "display_name")
    assert response.forms["profile"]["display_name"].value == "H"
    assert stored(dbsession, user).display_name == "Hans Muster"
    assert stored(dbsession, user).locale == "de"


def test_unknown_language_is_refused(logged_in, dbsession, user):
    form = logged_in.get("/konto").forms["profile"]
    form["locale"].force_value("fr")
    response = form.submit("save", status=422)
    assert field_error(response, "profile", "locale")
    assert stored(dbsession, user).locale == "de"


def test_saving_without_csrf_token_is_refused(logged_in, dbsession, user):
    logged_in.post("/konto", {"display_name": "Eindringling", "locale": "en", "save": "save"}, status=400)
    assert stored(dbsession, user).display_name == "Hans Muster"


def _change_password(testapp, current, new=NEW_PASSWORD, repeat=None, status=302):
    form = testapp.get("/konto").forms["password"]
    form["current_password"] = current
    form["password"] = new
    form["password_repeat"] = new if repeat is None else repeat
    return form.submit("change_password", status=status)


def test_wrong_current_password_is_refused_next_to_the_field(logged_in, dbsession, user):
    response = _change_password(logged_in, "nicht-das-aktuelle-Passwort", status=422)
    assert field_error(response, "password", "current_password")
    assert field_error(response, "password", "password") is None
    assert "nicht-das-aktuelle-Passwort" not in response.text
    assert NEW_PASSWORD not in response.text
    # The profile form is still on the page and untouched.
    assert response.forms["profile"]["display_name"].value == "Hans Muster"
    assert services.verify_password(stored(dbsession, user), PASSWORD)
    assert logged_in.get("/konto").status_int == 200


def test_new_password_too_short_or_not_repeated(logged_in, dbsession, user):
    response = _change_password(logged_in, PASSWORD, "kurz", status=422)
    assert field_error(response, "password", "password")
    response = _change_password(logged_in, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", status=422)
    assert field_error(response, "password", "password_repeat")
    assert services.verify_password(stored(dbsession, user), PASSWORD)


def test_changing_the_password_logs_out_the_other_sessions(logged_in, app, dbsession, user):
    other = second_client(app)
    login(other, user)
    assert other.get("/konto").status_int == 200
    cookie_before = session_cookie(logged_in)

    response = _change_password(logged_in, PASSWORD)
    assert urlsplit(response.location).path == "/konto"

    saved = stored(dbsession, user)
    assert services.verify_password(saved, NEW_PASSWORD)
    assert not services.verify_password(saved, PASSWORD)
    assert "password_changed" in dbsession.scalars(
        select(AccountEvent.tag).where(AccountEvent.user_id == user.id)
    ).all()
    # The other browser is out; this one stays in, under a new session id.
    assert is_login_redirect(other.get("/konto", status=302), "/konto")
    assert logged_in.get("/konto").status_int == 200
    assert session_cookie(logged_in) != cookie_before
    assert session_count(dbsession, user_id=user.id) == 1
    # And the new password is the one that works.
    submit_login(second_client(app, "203.0.113.3"), user.email, PASSWORD, status=422)
    submit_login(second_client(app, "203.0.113.4"), user.email, NEW_PASSWORD, status=302)
