"""Server-side sessions stored in the database.

The cookie carries a random token and its HMAC; the table stores only the token's SHA-256,
so neither a forged cookie nor a leaked table yields a session. Sessions expire after an
idle period and after an absolute lifetime. A session row is written only when something
changed (or, at most once a minute, to note activity), and in its own short transaction
after the request's transaction, so a failed request still keeps its flash message and CSRF
token, and a read-only page view writes nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import secrets
import time

from pyramid.interfaces import ISession
from sqlalchemy import delete
from sqlalchemy.exc import OperationalError
from zope.interface import implementer

from sw_gremien.accounts.models import WebSession
from sw_gremien.db import utcnow

log = logging.getLogger(__name__)

COOKIE_NAME = "sw_gremien_session"
SAVE_ATTEMPTS = 3
TOUCH_INTERVAL = dt.timedelta(seconds=60)
CSRF_KEY = "_csrft_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class SessionConfig:
    def __init__(self, secret: str, idle_timeout: int, absolute_timeout: int):
        if not secret or len(secret) < 32:
            raise ValueError("sw_gremien.secret must be set to at least 32 characters")
        self.secret = secret.encode("utf-8")
        self.idle = dt.timedelta(seconds=idle_timeout)
        self.absolute = dt.timedelta(seconds=absolute_timeout)

    def sign(self, token: str) -> str:
        mac = hmac.new(self.secret, token.encode("ascii"), hashlib.sha256).digest()
        return f"{token}.{base64.urlsafe_b64encode(mac[:18]).decode('ascii')}"

    def unsign(self, cookie: str | None) -> str | None:
        # A forged cookie may carry anything; only ASCII can be signed and compared.
        if not cookie or cookie.count(".") != 1 or not cookie.isascii():
            return None
        token, _sig = cookie.split(".")
        if not hmac.compare_digest(self.sign(token), cookie):
            return None
        return token


@implementer(ISession)
class DatabaseSession(dict):
    """A dict-like ISession. Reading loads the row once; writes are collected and saved by a
    response callback."""

    def __init__(self, request, config: SessionConfig):
        super().__init__()
        self._request = request
        self._config = config
        self._token: str | None = None
        self._row_created: dt.datetime | None = None
        self._dirty = False
        self._touch = False
        self._delete_ids: list[str] = []
        self.new = True
        self.created = utcnow().timestamp()
        self._load()
        request.add_response_callback(self._persist)

    # -- loading ---------------------------------------------------------------------------
    def _load(self) -> None:
        token = self._config.unsign(self._request.cookies.get(COOKIE_NAME))
        if token is None:
            return
        row = self._request.dbsession.get(WebSession, hash_token(token))
        if row is None:
            return
        now = utcnow()
        if now - row.last_seen_at > self._config.idle or now - row.created_at > self._config.absolute:
            self._delete_ids.append(row.id)
            return
        self._token = token
        self._row_created = row.created_at
        self.created = row.created_at.timestamp()
        self.new = False
        dict.update(self, row.data or {})
        self._touch = now - row.last_seen_at > TOUCH_INTERVAL

    # -- ISession ----------------------------------------------------------------------------
    def invalidate(self) -> None:
        if self._token is not None:
            self._delete_ids.append(hash_token(self._token))
        self._token = None
        self._row_created = None
        dict.clear(self)
        self._dirty = False
        # An ended session needs no activity note (that would mint an empty new session).
        self._touch = False
        self.new = True

    def rotate(self) -> None:
        """Keep the data under a new id (at login), so a planted session id is worthless."""
        data = dict(self)
        # A planted session's CSRF token is known to whoever planted it: mint a new one.
        data.pop(CSRF_KEY, None)
        self.invalidate()
        dict.update(self, data)
        self._dirty = True

    def changed(self) -> None:
        self._dirty = True

    def flash(self, msg, queue: str = "", allow_duplicate: bool = True) -> None:
        storage = self.setdefault("_f_" + queue, [])
        if allow_duplicate or msg not in storage:
            storage.append(str(msg))
            self.changed()

    def pop_flash(self, queue: str = "") -> list:
        storage = dict.pop(self, "_f_" + queue, [])
        if storage:
            self.changed()
        return storage

    def peek_flash(self, queue: str = "") -> list:
        return list(self.get("_f_" + queue, []))

    def new_csrf_token(self) -> str:
        token = secrets.token_hex(32)
        self[CSRF_KEY] = token
        return token

    def get_csrf_token(self) -> str:
        token = self.get(CSRF_KEY)
        if token is None:
            token = self.new_csrf_token()
        return token

    # -- dict mutators mark the session dirty -----------------------------------------------
    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self._dirty = True

    def __delitem__(self, key):
        super().__delitem__(key)
        self._dirty = True

    def setdefault(self, key, default=None):
        if key not in self:
            self._dirty = True
        return super().setdefault(key, default)

    def pop(self, key, *args):
        if key in self:
            self._dirty = True
        return super().pop(key, *args)

    def update(self, *args, **kw):
        super().update(*args, **kw)
        self._dirty = True

    def clear(self):
        super().clear()
        self._dirty = True

    def popitem(self):
        self._dirty = True
        return super().popitem()

    # -- saving ------------------------------------------------------------------------------
    def _persist(self, request, response) -> None:
        # An existing row is rewritten when its data changed (even to empty, so a popped flash
        # message stays popped); a new row only once there is something to keep.
        write = self._touch or (self._dirty and (self._token is not None or len(self) > 0))
        if not (write or self._delete_ids):
            return
        now = utcnow()
        issued = False
        if write and self._token is None:
            self._token = secrets.token_urlsafe(32)
            self._row_created = now
            issued = True
        # The request's own transaction is over; a passing lock (SQLite) or hiccup must not
        # turn its answer into an error page, so this small write gets a few attempts.
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                with request.tm:
                    self._write(request.dbsession, write, issued, now)
                break
            except OperationalError:
                if attempt == SAVE_ATTEMPTS:
                    raise
                log.warning("saving the session failed, attempt %d of %d", attempt, SAVE_ATTEMPTS)
                time.sleep(0.05 * attempt)
        if issued:
            response.set_cookie(
                COOKIE_NAME,
                self._config.sign(self._token),
                httponly=True,
                samesite="Lax",
                secure=request.scheme == "https",
                path="/",
            )
        elif self._token is None and COOKIE_NAME in request.cookies:
            response.delete_cookie(COOKIE_NAME, path="/")

    def _write(self, dbsession, write: bool, issued: bool, now) -> None:
        if self._delete_ids:
            dbsession.execute(delete(WebSession).where(WebSession.id.in_(self._delete_ids)))
        if write and self._token is not None:
            row = dbsession.get(WebSession, hash_token(self._token))
            if row is None and not issued:
                # Another request ended this session meanwhile (logout, password change,
                # deactivation): never bring it back.
                self._token = None
            else:
                if row is None:
                    row = WebSession(id=hash_token(self._token), created_at=self._row_created or now)
                    dbsession.add(row)
                row.data = dict(self)
                row.user_id = self.get("user_id")
                row.last_seen_at = now
        dbsession.flush()


def delete_sessions_of(dbsession, user_id: int) -> None:
    """End every session of a person: after a password change or deactivation."""
    dbsession.execute(delete(WebSession).where(WebSession.user_id == user_id))


def purge_expired(dbsession, config: SessionConfig) -> int:
    now = utcnow()
    result = dbsession.execute(
        delete(WebSession).where(
            (WebSession.last_seen_at < now - config.idle)
            | (WebSession.created_at < now - config.absolute)
        )
    )
    return result.rowcount or 0


def session_config_from_settings(settings) -> SessionConfig:
    return SessionConfig(
        secret=settings.get("sw_gremien.secret", ""),
        idle_timeout=int(settings.get("sw_gremien.session.idle_timeout", 1800)),
        absolute_timeout=int(settings.get("sw_gremien.session.absolute_timeout", 43200)),
    )


def includeme(config):
    from pyramid.csrf import SessionCSRFStoragePolicy

    session_config = session_config_from_settings(config.get_settings())
    config.registry["session_config"] = session_config
    config.set_session_factory(lambda request: DatabaseSession(request, session_config))
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy(key=CSRF_KEY))
