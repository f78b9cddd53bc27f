"""Server-side sessions (sw_gremien/sessions.py): logout, timeouts, forged cookies, storage."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select, text, update

from sw_gremien.accounts.models import WebSession
from sw_gremien.db import utcnow
from sw_gremien.sessions import COOKIE_NAME
from tests.factories import UserFactory
from tests.functional.accounts.support import (
    flash_messages,
    is_login_redirect,
    second_client,
    session_cookie,
    session_count,
    session_row,
    set_cookie_headers,
    submit_login,
)
from tests.functional.helpers import login


@pytest.fixture
def user(dbsession):
    return UserFactory()


@pytest.fixture
def logged_in(testapp, user):
    login(testapp, user)
    return testapp


def age_session(dbsession, cookie, **ages):
    """Move a session's timestamps into the past."""
    now = utcnow()
    values = {column: now - dt.timedelta(seconds=seconds) for column, seconds in ages.items()}
    dbsession.execute(update(WebSession).where(WebSession.id == session_row(dbsession, cookie).id).values(**values))
    dbsession.flush()


# -- logout --------------------------------------------------------------------------------
def test_logout_deletes_the_session_row_and_replaces_the_cookie(logged_in, dbsession, user):
    cookie = session_cookie(logged_in)
    assert session_row(dbsession, cookie).user_id == user.id
    page = logged_in.get("/logout")
    form = page.forms[0]
    assert form.action == "/logout" and form["csrf_token"].value
    response = form.submit(status=302)
    assert response.location.endswith("/")

    assert session_row(dbsession, cookie) is None
    assert session_count(dbsession, user_id=user.id) == 0
    assert session_cookie(logged_in) != cookie
    # The "logged out" notice survives the redirect, in a fresh anonymous session.
    home = response.follow()
    assert flash_messages(home)
    assert home.html.find("form", action="/logout") is None
    logged_in.get("/konto", status=302)


def test_old_cookie_is_dead_after_logout(logged_in, app, dbsession):
    cookie = session_cookie(logged_in)
    logged_in.get("/logout").forms[0].submit(status=302)
    replay = second_client(app)
    replay.set_cookie(COOKIE_NAME, cookie)
    response = replay.get("/konto", status=302)
    assert is_login_redirect(response, "/konto")
    assert session_count(dbsession, user_id=None) == 1  # only the fresh one with the notice


def test_logout_via_the_navigation_form(logged_in, dbsession, user):
    page = logged_in.get("/konto")
    form = next(f for f in page.forms.values() if f.action == "/logout")
    form.submit(status=302)
    assert session_count(dbsession, user_id=user.id) == 0


def test_logout_post_without_csrf_token_is_refused(logged_in, dbsession, user):
    cookie = session_cookie(logged_in)
    logged_in.post("/logout", status=400)
    logged_in.post("/logout", {"csrf_token": "0" * 64}, status=400)
    assert session_row(dbsession, cookie).user_id == user.id
    assert logged_in.get("/konto").status_int == 200


def test_logout_by_get_only_asks(logged_in, dbsession, user):
    page = logged_in.get("/logout", status=200)
    assert page.html.find("form", action="/logout") is not None
    assert session_count(dbsession, user_id=user.id) == 1


def test_logout_page_sends_anonymous_visitors_home(testapp, dbsession):
    response = testapp.get("/logout", status=302)
    assert response.location.endswith("/")


def test_logout_ends_only_this_session(logged_in, app, dbsession, user):
    other = second_client(app)
    login(other, user)
    logged_in.get("/logout").forms[0].submit(status=302)
    assert other.get("/konto").status_int == 200
    assert session_count(dbsession, user_id=user.id) == 1


# -- timeouts ------------------------------------------------------------------------------
def test_idle_timeout_logs_out(logged_in, dbsession):
    cookie = session_cookie(logged_in)
    age_session(dbsession, cookie, last_seen_at=1801)
    response = logged_in.get("/konto", status=302)
    assert is_login_redirect(response, "/konto")
    assert session_row(dbsession, cookie) is None
    # The expired cookie is removed from the browser.
    (header,) = set_cookie_headers(response)
    assert header.startswith(f"{COOKIE_NAME}=;") and "max-age=0" in header.lower()
    assert session_cookie(logged_in) is None


def test_activity_within_the_idle_timeout_keeps_the_session(logged_in, dbsession):
    cookie = session_cookie(logged_in)
    age_session(dbsession, cookie, last_seen_at=1700)
    logged_in.get("/konto", status=200)
    # The visit was noted: the idle clock starts again.
    assert utcnow() - session_row(dbsession, cookie).last_seen_at < dt.timedelta(seconds=60)
    age_session(dbsession, cookie, last_seen_at=1700)
    logged_in.get("/konto", status=200)


def test_activity_is_written_at_most_once_a_minute(logged_in, dbsession):
    logged_in.get("/konto")  # the first page after login mints a CSRF token: a write
    cookie = session_cookie(logged_in)
    age_session(dbsession, cookie, last_seen_at=30)
    before = session_row(dbsession, cookie).last_seen_at
    logged_in.get("/gremien", status=200)
    logged_in.get("/konto", status=200)
    assert session_row(dbsession, cookie).last_seen_at == before
    age_session(dbsession, cookie, last_seen_at=61)
    logged_in.get("/gremien", status=200)
    assert utcnow() - session_row(dbsession, cookie).last_seen_at < dt.timedelta(seconds=5)


def test_absolute_timeout_logs_out_even_an_active_session(logged_in, dbsession):
    cookie = session_cookie(logged_in)
    age_session(dbsession, cookie, created_at=43201, last_seen_at=5)
    response = logged_in.get("/konto", status=302)
    assert is_login_redirect(response, "/konto")
    assert session_row(dbsession, cookie) is None


def test_just_before_the_absolute_timeout_the_session_holds(logged_in, dbsession):
    cookie = session_cookie(logged_in)
    age_session(dbsession, cookie, created_at=43100, last_seen_at=5)
    logged_in.get("/konto", status=200)


# -- forged cookies --------------------------------------------------------------------------
def _swap_cookie(testapp, value):
    testapp.cookies.clear()
    testapp.set_cookie(COOKIE_NAME, value)


def test_valid_token_with_a_forged_signature_is_ignored(logged_in, dbsession):
    cookie = session_cookie(logged_in)
    token = cookie.split(".")[0]
    assert session_row(dbsession, cookie) is not None  # the token itself is a live session
    for forged in (f"{token}.AAAAAAAAAAAAAAAAAAAAAAAA", f"{token}.", token, f"{token}.{token}"):
        _swap_cookie(logged_in, forged)
        response = logged_in.get("/konto", status=302)
        assert is_login_redirect(response)
    # The real session was not harmed by the forgeries.
    _swap_cookie(logged_in, cookie)
    logged_in.get("/konto", status=200)


def test_the_stored_hash_as_cookie_is_ignored(logged_in, dbsession):
    """A leaked table does not yield a session: its ids are not cookies."""
    cookie = session_cookie(logged_in)
    row_id = session_row(dbsession, cookie).id
    _swap_cookie(logged_in, row_id)
    logged_in.get("/konto", status=302)


def test_garbage_cookie_is_ignored(testapp, dbsession):
    testapp.set_cookie(COOKIE_NAME, "nonsense.value")
    testapp.get("/", status=200)
    testapp.get("/konto", status=302)
    assert session_count(dbsession) == 0


def test_non_ascii_cookie_does_not_break_the_page(testapp, dbsession):
    # A quoted cookie may carry UTF-8; it must be ignored, not crash the signature check.
    raw = '"\u00e4bc.d\u00e9f"'.encode("utf-8").decode("latin-1")
    response = testapp.get("/", headers={"Cookie": f"{COOKIE_NAME}={raw}"}, status=200)
    assert 'lang="de"' in response.text


# -- storage ---------------------------------------------------------------------------------
def test_the_table_holds_only_the_sha256_of_the_token(logged_in, dbsession):
    cookie = session_cookie(logged_in)
    token = cookie.split(".")[0]
    dump = repr(dbsession.execute(text("SELECT * FROM web_sessions")).all())
    assert token not in dump and cookie not in dump
    assert hashlib.sha256(token.encode()).hexdigest() in dump


def test_anonymous_page_views_create_no_session(testapp, dbsession):
    for path in ("/", "/gremien", "/", "/gibt-es-nicht"):
        response = testapp.get(path, expect_errors=True)
        assert not set_cookie_headers(response)
    assert session_count(dbsession) == 0
    assert session_cookie(testapp) is None


def test_showing_the_login_form_creates_a_session_for_the_csrf_token(testapp, dbsession):
    page = testapp.get("/login")
    cookie = session_cookie(testapp)
    assert cookie is not None
    row = session_row(dbsession, cookie)
    assert row.user_id is None
    assert row.data["_csrft_"] == page.forms["login"]["csrf_token"].value
    assert session_count(dbsession) == 1
    # Showing it again reuses the session and the token.
    again = testapp.get("/login")
    assert session_cookie(testapp) == cookie
    assert again.forms["login"]["csrf_token"].value == row.data["_csrft_"]
    assert session_count(dbsession) == 1


def test_sessions_of_a_user_deactivated_directly_give_no_access(logged_in, dbsession, user):
    """Even if a row survived, an inactive account has no identity."""
    dbsession.execute(update(type(user)).where(type(user).id == user.id).values(active=False))
    dbsession.flush()
    response = logged_in.get("/konto", status=302)
    assert is_login_redirect(response)


def test_session_rows_reference_their_user(logged_in, app, dbsession, user):
    other = second_client(app)
    login(other, user)
    rows = dbsession.scalars(select(WebSession).where(WebSession.user_id == user.id)).all()
    assert len(rows) == 2
    assert {row.id for row in rows} == {
        session_row(dbsession, session_cookie(c)).id for c in (logged_in, other)
    }


def test_failed_login_keeps_the_anonymous_session(testapp, dbsession, user):
    testapp.get("/login")
    cookie = session_cookie(testapp)
    submit_login(testapp, user.email, "falsch-falsch-falsch", status=422)
    assert session_cookie(testapp) == cookie
    assert session_row(dbsession, cookie).user_id is None


def test_a_passing_database_lock_does_not_lose_the_session(testapp, dbsession, monkeypatch):
    """The session is saved after the request's transaction; a failing first attempt (a
    locked SQLite file, say) is retried instead of turning the page into an error."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from sw_gremien import sessions

    original = sessions.DatabaseSession._write
    failures = []

    def flaky(self, *args, **kw):
        if not failures:
            failures.append(1)
            raise OperationalError("UPDATE web_sessions", {}, sqlite3.OperationalError("database is locked"))
        return original(self, *args, **kw)

    monkeypatch.setattr(sessions, "time", type("NoSleep", (), {"sleep": staticmethod(lambda s: None)}))
    monkeypatch.setattr(sessions.DatabaseSession, "_write", flaky)
    response = testapp.get("/login")
    assert failures == [1]
    assert response.status_int == 200
    assert "sw_gremien_session" in testapp.cookies
