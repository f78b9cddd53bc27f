"""Helpers shared by the account tests: cookies, session rows, field errors, mailed links."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import webtest
from sqlalchemy import func, select

from sw_gremien.accounts.models import LoginAttempt, WebSession
from sw_gremien.sessions import COOKIE_NAME
from tests.factories import PASSWORD

LINK_RE = re.compile(r"https?://[^\s]+/passwort-setzen/([A-Za-z0-9_\-]+)")


def second_client(app, remote_addr: str = "192.0.2.99") -> webtest.TestApp:
    """Another browser: its own cookie jar, its own address."""
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": remote_addr})


def submit_login(testapp, email: str, password: str = PASSWORD, came_from: str | None = None, status="*"):
    """Fill and send the login form; return the response whatever its status."""
    url = "/login" if came_from is None else f"/login?came_from={came_from}"
    form = testapp.get(url).forms["login"]
    form["email"] = email
    form["password"] = password
    return form.submit("login", status=status)


def session_cookie(testapp) -> str | None:
    return testapp.cookies.get(COOKIE_NAME)


def token_of(cookie_value: str) -> str:
    return cookie_value.split(".")[0]


def session_row(dbsession, cookie_value: str) -> WebSession | None:
    dbsession.expire_all()
    return dbsession.get(WebSession, hashlib.sha256(token_of(cookie_value).encode()).hexdigest())


def session_count(dbsession, **where) -> int:
    dbsession.expire_all()
    statement = select(func.count()).select_from(WebSession)
    for column, value in where.items():
        statement = statement.where(getattr(WebSession, column) == value)
    return dbsession.scalar(statement)


def attempt_count(dbsession, **where) -> int:
    dbsession.expire_all()
    statement = select(func.count()).select_from(LoginAttempt)
    for column, value in where.items():
        statement = statement.where(getattr(LoginAttempt, column) == value)
    return dbsession.scalar(statement)


def set_cookie_headers(response, name: str = COOKIE_NAME) -> list[str]:
    return [value for value in response.headers.getall("Set-Cookie") if value.startswith(name + "=")]


def field_error(page, form_id: str, name: str) -> str | None:
    """The error message shown next to one field of one form, or None.

    "Next to" means: inside the field's item, with the input pointing at it through
    aria-describedby and marked aria-invalid.
    """
    form = page.html.find("form", id=form_id)
    assert form is not None, f"no form #{form_id} on the page"
    control = form.find(["input", "select", "textarea"], attrs={"name": name})
    assert control is not None, f"no field {name!r} in form #{form_id}"
    oid = control["id"]
    item = form.find(id=f"item-{oid}")
    error = item.find(id=f"error-{oid}") if item is not None else None
    if error is None:
        assert control.get("aria-invalid") is None
        return None
    assert control.get("aria-invalid") == "true"
    assert f"error-{oid}" in control.get("aria-describedby", "").split()
    return error.get_text(strip=True)


def form_error(page, form_id: str) -> str | None:
    """The message above a form (not tied to a field), or None."""
    box = page.html.find(id=f"{form_id}-errors")
    return None if box is None else box.get_text(" ", strip=True)


def flash_messages(page) -> list[str]:
    return [div.get_text(strip=True) for div in page.html.select("main div.alert[role=status]")]


def mailed_token(message) -> str:
    match = LINK_RE.search(message.body)
    assert match, message.body
    return match.group(1)


def is_login_redirect(response, came_from: str | None = None) -> bool:
    if response.status_int != 302:
        return False
    location = urlsplit(response.location)
    if location.path != "/login":
        return False
    if came_from is not None:
        return parse_qs(location.query).get("came_from") == [came_from]
    return True


def lang_of(page) -> str:
    return page.html.find("html")["lang"]
