"""sw_gremien.sessions without the web stack: signing, loading, saving, rotation."""

from __future__ import annotations

import datetime as dt

import pytest
import transaction
from sqlalchemy import func, select
from webob import Response

from sw_gremien.accounts.models import WebSession
from sw_gremien.db import utcnow
from sw_gremien.sessions import (
    COOKIE_NAME,
    CSRF_KEY,
    DatabaseSession,
    SessionConfig,
    delete_sessions_of,
    hash_token,
    purge_expired,
    session_config_from_settings,
)
from tests.factories import UserFactory

SECRET = "unit-test-secret-0123456789-0123456789"
CONFIG = SessionConfig(SECRET, idle_timeout=1800, absolute_timeout=43200)


class FakeRequest:
    """Just what DatabaseSession uses of a Pyramid request."""

    def __init__(self, dbsession, cookie: str | None = None, scheme: str = "http"):
        self.dbsession = dbsession
        self.cookies = {} if cookie is None else {COOKIE_NAME: cookie}
        self.scheme = scheme
        self.tm = transaction.TransactionManager(explicit=True)
        self.callbacks = []

    def add_response_callback(self, callback):
        self.callbacks.append(callback)

    def finish(self) -> Response:
        response = Response()
        for callback in self.callbacks:
            callback(self, response)
        return response


def new_cookie(response) -> str | None:
    for header in response.headers.getall("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name == COOKIE_NAME:
            return rest.split(";")[0]
    return None


def count_rows(dbsession) -> int:
    dbsession.expire_all()
    return dbsession.scalar(select(func.count()).select_from(WebSession))


def start_session(dbsession, **data) -> str:
    """A saved session holding data; returns its cookie."""
    request = FakeRequest(dbsession)
    session = DatabaseSession(request, CONFIG)
    session.update(data)
    cookie = new_cookie(request.finish())
    assert cookie
    return cookie


def load(dbsession, cookie):
    request = FakeRequest(dbsession, cookie)
    return request, DatabaseSession(request, CONFIG)


def row_of(dbsession, cookie) -> WebSession | None:
    dbsession.expire_all()
    return dbsession.get(WebSession, hash_token(cookie.split(".")[0]))


# -- signing -----------------------------------------------------------------------------------
def test_secret_must_be_long():
    with pytest.raises(ValueError):
        SessionConfig("zu-kurz", 1, 1)
    with pytest.raises(ValueError):
        SessionConfig("", 1, 1)


def test_sign_and_unsign():
    signed = CONFIG.sign("token123")
    assert signed.startswith("token123.")
    assert CONFIG.unsign(signed) == "token123"


@pytest.mark.parametrize(
    "cookie",
    [None, "", "token123", "token123.", ".sig", "a.b.c", "token123.AAAAAAAAAAAAAAAAAAAAAAAA",
     "äöü.xyz", "token123.ä", "\x00.\x00"],
)
def test_unsign_rejects_forgeries(cookie):
    assert CONFIG.unsign(cookie) is None


def test_unsign_rejects_another_secret():
    other = SessionConfig("another-secret-0123456789-0123456789", 1, 1)
    assert CONFIG.unsign(other.sign("token123")) is None


def test_unsign_rejects_a_signature_of_another_token():
    signature = CONFIG.sign("token123").split(".")[1]
    assert CONFIG.unsign(f"token124.{signature}") is None


def test_settings():
    config = session_config_from_settings({"sw_gremien.secret": SECRET})
    assert config.idle == dt.timedelta(minutes=30)
    assert config.absolute == dt.timedelta(hours=12)


# -- saving and loading --------------------------------------------------------------------------
def test_empty_session_writes_nothing(dbsession):
    request = FakeRequest(dbsession)
    session = DatabaseSession(request, CONFIG)
    assert session.get("user_id") is None
    session.pop_flash()
    response = request.finish()
    assert new_cookie(response) is None
    assert count_rows(dbsession) == 0


def test_data_is_saved_under_the_hash_and_loaded_again(dbsession):
    cookie = start_session(dbsession, user_id=None, farbe="blau")
    token = CONFIG.unsign(cookie)
    row = row_of(dbsession, cookie)
    assert row.id == hash_token(token) != token
    assert row.data == {"user_id": None, "farbe": "blau"}
    _request, session = load(dbsession, cookie)
    assert session["farbe"] == "blau" and session.new is False


def test_cookie_flags(dbsession):
    request = FakeRequest(dbsession, scheme="https")
    DatabaseSession(request, CONFIG)["x"] = 1
    header = request.finish().headers["Set-Cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header and "secure" in header


def test_flash_messages_are_kept_until_popped(dbsession):
    request = FakeRequest(dbsession)
    session = DatabaseSession(request, CONFIG)
    session.flash("gespeichert", "success")
    cookie = new_cookie(request.finish())
    request, session = load(dbsession, cookie)
    assert session.peek_flash("success") == ["gespeichert"]
    assert session.pop_flash("success") == ["gespeichert"]
    request.finish()
    _request, session = load(dbsession, cookie)
    assert session.pop_flash("success") == []


def test_expired_sessions_are_deleted_on_load(dbsession):
    for column, seconds in (("last_seen_at", 1801), ("created_at", 43201)):
        cookie = start_session(dbsession, user_id=UserFactory().id)
        row = row_of(dbsession, cookie)
        setattr(row, column, utcnow() - dt.timedelta(seconds=seconds))
        dbsession.flush()
        request, session = load(dbsession, cookie)
        assert "user_id" not in session and session.new
        response = request.finish()
        assert row_of(dbsession, cookie) is None
        assert f"{COOKIE_NAME}=;" in response.headers["Set-Cookie"]


def test_invalidate_ends_the_session(dbsession):
    cookie = start_session(dbsession, user_id=None, x=1)
    request, session = load(dbsession, cookie)
    session.invalidate()
    assert dict(session) == {}
    response = request.finish()
    assert row_of(dbsession, cookie) is None
    assert f"{COOKIE_NAME}=;" in response.headers["Set-Cookie"]


def test_invalidating_a_session_due_for_a_touch_mints_no_new_one(dbsession):
    cookie = start_session(dbsession, x=1)
    row_of(dbsession, cookie).last_seen_at = utcnow() - dt.timedelta(minutes=5)
    dbsession.flush()
    request, session = load(dbsession, cookie)
    session.invalidate()
    response = request.finish()
    assert count_rows(dbsession) == 0
    assert new_cookie(response) == ""


def test_rotate_keeps_the_data_under_a_new_id_and_drops_the_csrf_token(dbsession):
    cookie = start_session(dbsession, farbe="rot")
    request, session = load(dbsession, cookie)
    old_csrf = session.get_csrf_token()
    session.rotate()
    user = UserFactory()
    session["user_id"] = user.id
    response = request.finish()
    rotated = new_cookie(response)
    assert rotated and rotated != cookie
    assert row_of(dbsession, cookie) is None
    row = row_of(dbsession, rotated)
    assert row.data["farbe"] == "rot" and row.user_id == user.id
    assert CSRF_KEY not in row.data
    _request, session = load(dbsession, rotated)
    assert session.get_csrf_token() != old_csrf


def test_session_ended_elsewhere_is_not_brought_back(dbsession):
    """A request that loaded the session before another one ended it (logout, password change,
    deactivation) must not write the row back when it finishes."""
    user = UserFactory()
    cookie = start_session(dbsession, user_id=user.id)
    request, session = load(dbsession, cookie)
    assert session["user_id"] == user.id
    # Meanwhile, another request ends all of the user's sessions and commits.
    delete_sessions_of(dbsession, user.id)
    dbsession.flush()
    dbsession.expunge_all()
    session.flash("noch etwas")
    response = request.finish()
    assert count_rows(dbsession) == 0
    assert new_cookie(response) == ""


def test_session_ended_elsewhere_is_not_revived_by_a_touch(dbsession):
    user = UserFactory()
    cookie = start_session(dbsession, user_id=user.id)
    row_of(dbsession, cookie).last_seen_at = utcnow() - dt.timedelta(minutes=5)
    dbsession.flush()
    request, _session = load(dbsession, cookie)
    delete_sessions_of(dbsession, user.id)
    dbsession.flush()
    dbsession.expunge_all()
    request.finish()
    assert count_rows(dbsession) == 0


def test_touch_updates_last_seen_at_most_once_a_minute(dbsession):
    cookie = start_session(dbsession, x=1)
    past = utcnow() - dt.timedelta(seconds=30)
    row_of(dbsession, cookie).last_seen_at = past
    dbsession.flush()
    request, _session = load(dbsession, cookie)
    request.finish()
    assert row_of(dbsession, cookie).last_seen_at == past
    row_of(dbsession, cookie).last_seen_at = utcnow() - dt.timedelta(seconds=90)
    dbsession.flush()
    request, _session = load(dbsession, cookie)
    request.finish()
    assert utcnow() - row_of(dbsession, cookie).last_seen_at < dt.timedelta(seconds=5)


def test_purge_expired(dbsession):
    now = utcnow()
    dbsession.add_all(
        [
            WebSession(id="1" * 64, data={}, created_at=now, last_seen_at=now),
            WebSession(id="2" * 64, data={}, created_at=now, last_seen_at=now - dt.timedelta(hours=1)),
            WebSession(id="3" * 64, data={}, created_at=now - dt.timedelta(hours=13), last_seen_at=now),
        ]
    )
    dbsession.flush()
    assert purge_expired(dbsession, CONFIG) == 2
    assert dbsession.scalars(select(WebSession.id)).all() == ["1" * 64]
