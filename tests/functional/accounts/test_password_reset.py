"""Password forgotten: the mailed link, its single use and expiry, and what setting does."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, text, update

from sw_gremien.accounts import services
from sw_gremien.accounts.models import AccountEvent, AccountToken, LoginAttempt, TokenPurpose, User
from sw_gremien.db import utcnow
from tests.factories import PASSWORD, UserFactory
from tests.functional.accounts.support import (
    attempt_count,
    field_error,
    flash_messages,
    is_login_redirect,
    mailed_token,
    second_client,
    session_count,
    submit_login,
)
from tests.functional.helpers import login

NEW_PASSWORD = "Neues-Passwort-fuer-Stuttgart"


def request_reset(testapp, email: str):
    form = testapp.get("/passwort-vergessen").forms["password-forgotten"]
    form["email"] = email
    return form.submit("send", status=302)


def set_password(testapp, token: str, password=NEW_PASSWORD, repeat=None, status=302):
    form = testapp.get(f"/passwort-setzen/{token}", status=200).forms["password-set"]
    form["password"] = password
    form["password_repeat"] = password if repeat is None else repeat
    return form.submit("save", status=status)


@pytest.fixture
def user(dbsession):
    return UserFactory(display_name="Erika Beispiel")


def test_known_email_gets_one_mail_with_a_link(testapp, dbsession, mailer, user):
    response = request_reset(testapp, user.email)
    assert urlsplit(response.location).path == "/login"
    assert len(mailer.outbox) == 1
    message = mailer.outbox[0]
    assert message.recipients == [user.email]
    assert message.sender
    token = mailed_token(message)
    assert f"http://localhost/passwort-setzen/{token}" in message.body
    # Only the hash of the token is stored.
    dbsession.expire_all()
    row = dbsession.scalars(select(AccountToken).where(AccountToken.user_id == user.id)).one()
    assert row.purpose == TokenPurpose.PASSWORD_RESET
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(dbsession.execute(text("SELECT * FROM account_tokens")).all())
    assert dt.timedelta(hours=1, minutes=59) < row.expires_at - utcnow() <= dt.timedelta(hours=2)


def test_the_address_is_matched_case_insensitively(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email.upper())
    assert [m.recipients for m in mailer.outbox] == [[user.email]]


def test_unknown_email_gets_the_same_answer_and_no_mail(testapp, dbsession, mailer, user):
    known = request_reset(testapp, user.email)
    known_page = known.follow()
    mailer.outbox.clear()
    other = second_client(testapp.app)
    other.get("/login")
    unknown = request_reset(other, "niemand@stuttgart.example")
    unknown_page = unknown.follow()
    assert mailer.outbox == []
    assert unknown.location == known.location
    # The same notice, apart from the address typed in.
    (known_notice,) = flash_messages(known_page)
    (unknown_notice,) = flash_messages(unknown_page)
    assert known_notice.replace(user.email, "X") == unknown_notice.replace("niemand@stuttgart.example", "X")
    assert dbsession.scalar(select(AccountToken.id)) is not None  # only the known one's token


def test_deactivated_account_gets_no_mail(testapp, dbsession, mailer):
    user = UserFactory(active=False)
    request_reset(testapp, user.email)
    assert mailer.outbox == []


def test_invalid_address_is_a_field_error(testapp, dbsession, mailer):
    form = testapp.get("/passwort-vergessen").forms["password-forgotten"]
    form["email"] = "kein-at-zeichen"
    response = form.submit("send", status=422)
    assert field_error(response, "password-forgotten", "email")
    assert response.forms["password-forgotten"]["email"].value == "kein-at-zeichen"
    assert mailer.outbox == []


def test_link_sets_a_new_password_and_logs_in(testapp, app, dbsession, mailer, user):
    request_reset(testapp, user.email)
    token = mailed_token(mailer.outbox[0])
    browser = second_client(app)  # the mail may be opened anywhere
    page = browser.get(f"/passwort-setzen/{token}", status=200)
    assert "password-set" in page.forms
    response = set_password(browser, token)
    assert urlsplit(response.location).path == "/"
    assert browser.get("/konto").status_int == 200

    dbsession.expire_all()
    stored = dbsession.get(User, user.id)
    assert services.verify_password(stored, NEW_PASSWORD)
    assert not services.verify_password(stored, PASSWORD)
    assert dbsession.scalars(select(AccountToken.used_at)).one() is not None
    assert "password_set_by_token" in dbsession.scalars(
        select(AccountEvent.tag).where(AccountEvent.user_id == user.id)
    ).all()
    # The new password works at the login, the old one no longer.
    submit_login(second_client(app, "203.0.113.1"), user.email, PASSWORD, status=422)
    submit_login(second_client(app, "203.0.113.2"), user.email, NEW_PASSWORD, status=302)


def test_too_short_password_is_refused_next_to_the_field(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email)
    token = mailed_token(mailer.outbox[0])
    response = set_password(testapp, token, "kurz123", status=422)
    assert field_error(response, "password-set", "password")
    assert field_error(response, "password-set", "password_repeat") is None
    # Never echoed back.
    assert response.forms["password-set"]["password"].value == ""
    dbsession.expire_all()
    assert services.verify_password(dbsession.get(User, user.id), PASSWORD)
    # The token is still good for a second try.
    set_password(testapp, token)


def test_spaces_only_password_is_refused(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email)
    response = set_password(testapp, mailed_token(mailer.outbox[0]), " " * 12, status=422)
    assert field_error(response, "password-set", "password")


def test_mismatching_repeat_is_refused_next_to_the_repeat_field(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email)
    token = mailed_token(mailer.outbox[0])
    response = set_password(testapp, token, NEW_PASSWORD, NEW_PASSWORD + "x", status=422)
    assert field_error(response, "password-set", "password_repeat")
    assert field_error(response, "password-set", "password") is None
    dbsession.expire_all()
    assert services.verify_password(dbsession.get(User, user.id), PASSWORD)


def test_token_is_single_use(testapp, app, dbsession, mailer, user):
    request_reset(testapp, user.email)
    token = mailed_token(mailer.outbox[0])
    # The link is open in two browsers; the first one uses it.
    other_form = second_client(app, "198.51.100.30").get(f"/passwort-setzen/{token}").forms["password-set"]
    set_password(testapp, token)
    other_form["password"] = other_form["password_repeat"] = "Ein-anderes-Passwort-123"
    other_form.submit("save", status=410)
    dbsession.expire_all()
    assert services.verify_password(dbsession.get(User, user.id), NEW_PASSWORD)
    page = second_client(app).get(f"/passwort-setzen/{token}", status=410)
    assert "password-set" not in page.forms
    assert page.html.find("a", href="/passwort-vergessen") is not None


def test_expired_token_is_gone(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email)
    token = mailed_token(mailer.outbox[0])
    dbsession.execute(update(AccountToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    dbsession.flush()
    testapp.get(f"/passwort-setzen/{token}", status=410)


def test_token_expiring_while_the_form_is_open_is_refused(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email)
    token = mailed_token(mailer.outbox[0])
    form = testapp.get(f"/passwort-setzen/{token}").forms["password-set"]
    dbsession.execute(update(AccountToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
    dbsession.flush()
    form["password"] = form["password_repeat"] = NEW_PASSWORD
    form.submit("save", status=410)
    dbsession.expire_all()
    assert services.verify_password(dbsession.get(User, user.id), PASSWORD)


def test_unknown_token_is_gone(testapp, dbsession):
    testapp.get("/passwort-setzen/ausgedacht", status=410)


def test_token_of_a_deactivated_user_is_gone(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email)
    token = mailed_token(mailer.outbox[0])
    dbsession.execute(update(User).where(User.id == user.id).values(active=False))
    dbsession.flush()
    testapp.get(f"/passwort-setzen/{token}", status=410)


def test_new_request_invalidates_the_previous_link(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email)
    request_reset(testapp, user.email)
    first, second = (mailed_token(m) for m in mailer.outbox)
    assert first != second
    testapp.get(f"/passwort-setzen/{first}", status=410)
    set_password(testapp, second)


def test_setting_the_password_ends_the_users_other_sessions(testapp, app, dbsession, mailer, user):
    laptop = second_client(app, "198.51.100.20")
    login(laptop, user)
    laptop.get("/konto", status=200)
    bystander = UserFactory()
    phone = second_client(app, "198.51.100.21")
    login(phone, bystander)

    request_reset(testapp, user.email)
    set_password(testapp, mailed_token(mailer.outbox[0]))

    assert is_login_redirect(laptop.get("/konto", status=302), "/konto")
    assert testapp.get("/konto").status_int == 200
    assert session_count(dbsession, user_id=user.id) == 1
    # Someone else's session is untouched.
    assert phone.get("/konto").status_int == 200


def test_setting_the_password_clears_the_login_block(testapp, app, dbsession, mailer, user):
    now = utcnow()
    dbsession.add_all([LoginAttempt(email=user.email, ip_address="192.0.2.10", attempted_at=now) for _ in range(10)])
    dbsession.flush()
    submit_login(testapp, user.email, status=429)
    request_reset(testapp, user.email)
    set_password(testapp, mailed_token(mailer.outbox[0]))
    assert attempt_count(dbsession, email=user.email) == 0
    submit_login(second_client(app), user.email, NEW_PASSWORD, status=302)


def test_set_password_without_csrf_token_is_refused(testapp, dbsession, mailer, user):
    request_reset(testapp, user.email)
    token = mailed_token(mailer.outbox[0])
    testapp.post(
        f"/passwort-setzen/{token}",
        {"password": NEW_PASSWORD, "password_repeat": NEW_PASSWORD, "save": "save"},
        status=400,
    )
    dbsession.expire_all()
    assert services.verify_password(dbsession.get(User, user.id), PASSWORD)


def test_forgotten_password_without_csrf_token_sends_nothing(testapp, dbsession, mailer, user):
    testapp.get("/login")
    testapp.post("/passwort-vergessen", {"email": user.email, "send": "send"}, status=400)
    assert mailer.outbox == []
