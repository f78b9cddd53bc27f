"""Helpers for the WebTest functional tests."""

from __future__ import annotations

from tests.factories import PASSWORD


def login(testapp, user, password: str = PASSWORD):
    page = testapp.get("/login")
    form = page.forms["login"]
    form["email"] = user.email
    form["password"] = password
    response = form.submit("login")
    assert response.status_int == 302, response.text[:2000]
    return response


def csrf_token(testapp) -> str:
    """The session's CSRF token, read from a page that carries one."""
    page = testapp.get("/login") if "sw_gremien_session" not in testapp.cookies else testapp.get("/konto")
    return page.html.find("input", {"name": "csrf_token"})["value"]


def set_date(form, name: str, value: str) -> None:
    """Deform date widgets post as a mapping whose input is called "date"; find ours by the
    __start__ marker that precedes it."""
    fields = form.field_order
    for index, (field_name, field) in enumerate(fields):
        if field_name == "__start__" and field.value == f"{name}:mapping":
            fields[index + 1][1].value = value
            return
    raise KeyError(name)
