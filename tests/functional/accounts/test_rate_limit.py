"""The login rate limit: ten failures per account and fifty per address in five minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from sw_gremien.accounts import services
from sw_gremien.accounts.models import LoginAttempt
from sw_gremien.db import utcnow
from tests.factories import PASSWORD, UserFactory
from tests.functional.accounts.support import (
    attempt_count,
    form_error,
    second_client,
    submit_login,
)

TEST_IP = "192.0.2.10"  # the testapp fixture's REMOTE_ADDR


def fail_logins(testapp, email: str, times: int) -> None:
    for _ in range(times):
        submit_login(testapp, email, "falsches-Passwort-000", status=422)


def add_attempts(dbsession, count: int, *, email=None, ip=TEST_IP, age=dt.timedelta(seconds=10)):
    """Failures written straight into the table (cheaper than argon2 checks through HTTP)."""
    when = utcnow() - age
    for n in range(count):
        dbsession.add(LoginAttempt(email=email or f"opfer{n}@stuttgart.example", ip_address=ip, attempted_at=when))
    dbsession.flush()


@pytest.fixture
def no_password_checks(monkeypatch):
    """Fails the test if the login view checks a password."""
    calls = []

    def spy(user, password):
        calls.append(user)
        raise AssertionError("a blocked login must not check the password")

    monkeypatch.setattr(services, "verify_password", spy)
    return calls


def test_eleventh_try_for_an_account_is_refused_even_with_the_right_password(testapp, dbsession, monkeypatch):
    user = UserFactory()
    fail_logins(testapp, user.email, 10)
    assert attempt_count(dbsession, email=user.email) == 10

    calls = []
    real_verify = services.verify_password
    monkeypatch.setattr(services, "verify_password", lambda *a: calls.append(a) or real_verify(*a))
    response = submit_login(testapp, user.email, PASSWORD, status=429)
    assert calls == []  # the password was never checked
    assert attempt_count(dbsession, email=user.email) == 10
    assert form_error(response, "login")
    assert response.forms["login"]["email"].value == user.email
    assert PASSWORD not in response.text
    testapp.get("/konto", status=302)


def test_tenth_try_is_still_checked(testapp, dbsession):
    user = UserFactory()
    add_attempts(dbsession, 9, email=user.email)
    submit_login(testapp, user.email, PASSWORD, status=302)


def test_blocked_account_is_blocked_from_every_address(testapp, app, dbsession, no_password_checks):
    user = UserFactory()
    add_attempts(dbsession, 10, email=user.email, ip="198.51.100.1")
    submit_login(testapp, user.email, status=429)
    submit_login(second_client(app, "203.0.113.5"), user.email, status=429)


def test_another_account_from_the_same_address_can_still_log_in(testapp, app, dbsession):
    victim = UserFactory()
    colleague = UserFactory()
    fail_logins(testapp, victim.email, 10)
    submit_login(testapp, victim.email, status=429)
    # Same address, another browser and account (an office behind one proxy).
    other = second_client(app, TEST_IP)
    submit_login(other, colleague.email, status=302)
    assert other.get("/konto").status_int == 200


def test_the_address_limit_counts_failures_across_accounts(testapp, app, dbsession, monkeypatch):
    fresh = UserFactory()
    add_attempts(dbsession, 49)  # 49 accounts tried from the test address
    # The 50th failure comes through the form, for yet another account.
    submit_login(testapp, "noch-einer@stuttgart.example", "falsch-falsch-falsch", status=422)
    assert attempt_count(dbsession, ip_address=TEST_IP) == 50

    monkeypatch.setattr(services, "verify_password", lambda *a: pytest.fail("password checked"))
    response = submit_login(second_client(app, TEST_IP), fresh.email, status=429)
    assert form_error(response, "login")
    monkeypatch.undo()
    # From another address the same account logs in.
    submit_login(second_client(app, "203.0.113.7"), fresh.email, status=302)


def test_below_the_address_limit_login_works(testapp, dbsession):
    user = UserFactory()
    add_attempts(dbsession, 49)
    submit_login(testapp, user.email, status=302)


def test_login_works_again_after_the_window(testapp, dbsession):
    user = UserFactory()
    fail_logins(testapp, user.email, 10)
    submit_login(testapp, user.email, status=429)
    dbsession.execute(
        update(LoginAttempt).values(attempted_at=utcnow() - dt.timedelta(seconds=301))
    )
    dbsession.flush()
    submit_login(testapp, user.email, status=302)


def test_window_is_sliding_one_old_failure_does_not_free_the_account(testapp, dbsession):
    user = UserFactory()
    add_attempts(dbsession, 1, email=user.email, age=dt.timedelta(seconds=299))
    add_attempts(dbsession, 9, email=user.email, age=dt.timedelta(seconds=60))
    submit_login(testapp, user.email, status=429)
    # Once the oldest leaves the window, nine remain: one more try is allowed.
    dbsession.execute(
        update(LoginAttempt)
        .where(LoginAttempt.attempted_at < utcnow() - dt.timedelta(seconds=200))
        .values(attempted_at=utcnow() - dt.timedelta(seconds=400))
    )
    dbsession.flush()
    submit_login(testapp, user.email, status=302)


def test_address_block_ends_after_the_window(testapp, dbsession):
    user = UserFactory()
    add_attempts(dbsession, 50, age=dt.timedelta(seconds=299))
    submit_login(testapp, user.email, status=429)
    dbsession.execute(update(LoginAttempt).values(attempted_at=utcnow() - dt.timedelta(seconds=301)))
    dbsession.flush()
    submit_login(testapp, user.email, status=302)


def test_success_clears_the_accounts_failures(testapp, dbsession):
    user = UserFactory()
    other = UserFactory()
    fail_logins(testapp, user.email, 9)
    add_attempts(dbsession, 3, email=other.email)
    submit_login(testapp, user.email, status=302)
    assert attempt_count(dbsession, email=user.email) == 0
    assert attempt_count(dbsession, email=other.email) == 3
    # The counter starts again from zero: nine more failures do not block.
    add_attempts(dbsession, 9, email=user.email)
    submit_login(second_client(testapp.app, TEST_IP), user.email, status=302)


def test_block_is_per_account_case_insensitively(testapp, dbsession, no_password_checks):
    user = UserFactory(email="gross.klein@stuttgart.example")
    add_attempts(dbsession, 10, email=user.email)
    submit_login(testapp, "GROSS.Klein@Stuttgart.example", status=429)
