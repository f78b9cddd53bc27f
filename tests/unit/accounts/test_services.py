"""sw_gremien.accounts.services: hashing, the rate limit, mailed tokens, administration."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from sw_gremien.accounts import services
from sw_gremien.accounts.models import AccountEvent, AccountToken, LoginAttempt, TokenPurpose, User, WebSession
from sw_gremien.db import utcnow
from tests.factories import PASSWORD, AdminFactory, UserFactory

LIMIT = services.RateLimit(max_per_account=10, max_per_ip=50, window=dt.timedelta(minutes=5))
IP = "192.0.2.1"


# -- passwords -------------------------------------------------------------------------------
def test_hash_is_argon2id_and_salted():
    first = services.hash_password("ein-Passwort-123")
    second = services.hash_password("ein-Passwort-123")
    assert first.startswith("$argon2id$")
    assert first != second


def test_verify_accepts_the_right_password_only():
    user = User(password_hash=services.hash_password("ein-Passwort-123"))
    assert services.verify_password(user, "ein-Passwort-123") is True
    assert services.verify_password(user, "ein-Passwort-124") is False
    assert services.verify_password(user, "") is False
    assert services.verify_password(user, "EIN-PASSWORT-123") is False


def test_verify_without_user_or_hash_is_false():
    assert services.verify_password(None, PASSWORD) is False
    assert services.verify_password(User(password_hash=None), PASSWORD) is False


def test_verify_with_a_broken_hash_is_false():
    assert services.verify_password(User(password_hash="kein-hash"), PASSWORD) is False
    assert services.verify_password(User(password_hash="$argon2id$v=19$kaputt"), PASSWORD) is False


def test_a_hash_with_old_parameters_is_renewed_on_login():
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    user = User(password_hash=weak)
    assert services.verify_password(user, PASSWORD) is True
    assert user.password_hash != weak
    assert user.password_hash.startswith("$argon2id$")
    assert not services._hasher.check_needs_rehash(user.password_hash)
    assert services.verify_password(user, PASSWORD) is True


def test_a_wrong_password_does_not_renew_the_hash():
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    user = User(password_hash=weak)
    assert services.verify_password(user, "falsch") is False
    assert user.password_hash == weak


def test_a_current_hash_is_left_alone():
    current = services.hash_password(PASSWORD)
    user = User(password_hash=current)
    services.verify_password(user, PASSWORD)
    assert user.password_hash == current


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Anna@Stuttgart.DE", "anna@stuttgart.de"),
        ("  anna@stuttgart.de\t\n", "anna@stuttgart.de"),
        ("ANNA.MÜLLER@stuttgart.de", "anna.müller@stuttgart.de"),
        ("", ""),
    ],
)
def test_normalize_email(raw, normal):
    assert services.normalize_email(raw) == normal


def test_find_user_by_email(dbsession):
    user = UserFactory(email="finde.mich@stuttgart.example")
    assert services.find_user_by_email(dbsession, " Finde.Mich@Stuttgart.example ") is user
    assert services.find_user_by_email(dbsession, "niemand@stuttgart.example") is None


# -- rate limit --------------------------------------------------------------------------------
def _attempts(dbsession, count, *, email="a@stuttgart.example", ip=IP, age_seconds=10):
    when = utcnow() - dt.timedelta(seconds=age_seconds)
    for _ in range(count):
        dbsession.add(LoginAttempt(email=email, ip_address=ip, attempted_at=when))
    dbsession.flush()


def test_rate_limit_settings_and_defaults():
    assert services.RateLimit.from_settings({}) == LIMIT
    custom = services.RateLimit.from_settings(
        {
            "sw_gremien.login.max_failures_per_account": "3",
            "sw_gremien.login.max_failures_per_ip": "7",
            "sw_gremien.login.window_seconds": "60",
        }
    )
    assert custom == services.RateLimit(3, 7, dt.timedelta(seconds=60))


def test_not_blocked_below_the_account_limit(dbsession):
    _attempts(dbsession, 9)
    assert services.login_blocked_for(dbsession, LIMIT, "a@stuttgart.example", IP) is None


def test_blocked_at_the_account_limit_until_the_oldest_failure_leaves(dbsession):
    _attempts(dbsession, 1, age_seconds=120)
    _attempts(dbsession, 9, age_seconds=10)
    wait = services.login_blocked_for(dbsession, LIMIT, "A@Stuttgart.example ", "198.51.100.9")
    # The oldest failure is two minutes old: three minutes to go.
    assert dt.timedelta(seconds=170) < wait <= dt.timedelta(seconds=180)


def test_failures_outside_the_window_do_not_count(dbsession):
    _attempts(dbsession, 10, age_seconds=301)
    _attempts(dbsession, 9, age_seconds=299)
    assert services.login_blocked_for(dbsession, LIMIT, "a@stuttgart.example", IP) is None


def test_other_accounts_do_not_count_for_the_account_limit(dbsession):
    _attempts(dbsession, 10, email="b@stuttgart.example", ip="198.51.100.1")
    assert services.login_blocked_for(dbsession, LIMIT, "a@stuttgart.example", IP) is None


def test_blocked_at_the_address_limit_across_accounts(dbsession):
    for n in range(50):
        _attempts(dbsession, 1, email=f"p{n}@stuttgart.example", age_seconds=100)
    wait = services.login_blocked_for(dbsession, LIMIT, "frisch@stuttgart.example", IP)
    assert dt.timedelta(seconds=190) < wait <= dt.timedelta(seconds=200)
    assert services.login_blocked_for(dbsession, LIMIT, "frisch@stuttgart.example", "198.51.100.2") is None


def test_longer_of_two_blocks_wins(dbsession):
    _attempts(dbsession, 10, email="a@stuttgart.example", ip="198.51.100.3", age_seconds=30)
    for n in range(50):
        _attempts(dbsession, 1, email=f"p{n}@stuttgart.example", age_seconds=250)
    wait = services.login_blocked_for(dbsession, LIMIT, "a@stuttgart.example", IP)
    assert wait > dt.timedelta(seconds=260)


def test_wait_is_at_least_a_second(dbsession):
    # Half a second of the block is left: the answer rounds up to one second, never to zero.
    _attempts(dbsession, 10, age_seconds=299.5)
    wait = services.login_blocked_for(dbsession, LIMIT, "a@stuttgart.example", IP)
    assert wait == dt.timedelta(seconds=1)


def test_record_and_clear_failures(dbsession):
    services.record_login_failure(dbsession, " A@Stuttgart.example", IP)
    services.record_login_failure(dbsession, "b@stuttgart.example", IP)
    services.record_login_failure(dbsession, "x" * 300, "1" * 100)
    dbsession.flush()
    rows = dbsession.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert rows[0].email == "a@stuttgart.example"
    assert len(rows[2].email) == 254 and len(rows[2].ip_address) == 64
    services.clear_login_failures(dbsession, "A@STUTTGART.example")
    remaining = dbsession.scalars(select(LoginAttempt.email)).all()
    assert sorted(remaining) == ["b@stuttgart.example", "x" * 254]


def test_purge_old_login_attempts(dbsession):
    _attempts(dbsession, 2, age_seconds=400)
    _attempts(dbsession, 3, age_seconds=10)
    assert services.purge_old_login_attempts(dbsession, LIMIT) == 2
    assert dbsession.scalar(select(func.count()).select_from(LoginAttempt)) == 3


# -- tokens ------------------------------------------------------------------------------------
def test_issue_token_stores_only_its_hash(dbsession):
    user = UserFactory()
    token = services.issue_token(dbsession, user, TokenPurpose.PASSWORD_RESET)
    dbsession.flush()
    row = dbsession.scalars(select(AccountToken)).one()
    assert len(token) >= 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.user_id == user.id and row.used_at is None
    assert row.expires_at - row.created_at == dt.timedelta(hours=2)
    assert services.find_valid_token(dbsession, token) is row


def test_invitation_lasts_fourteen_days(dbsession):
    user = UserFactory()
    token = services.issue_token(dbsession, user, TokenPurpose.INVITATION)
    dbsession.flush()
    row = services.find_valid_token(dbsession, token)
    assert row.purpose == TokenPurpose.INVITATION
    assert row.expires_at - row.created_at == dt.timedelta(days=14)


def test_new_token_replaces_unused_ones_of_the_same_purpose(dbsession):
    user = UserFactory()
    other = UserFactory()
    old = services.issue_token(dbsession, user, TokenPurpose.PASSWORD_RESET)
    invitation = services.issue_token(dbsession, user, TokenPurpose.INVITATION)
    others = services.issue_token(dbsession, other, TokenPurpose.PASSWORD_RESET)
    dbsession.flush()
    new = services.issue_token(dbsession, user, TokenPurpose.PASSWORD_RESET)
    dbsession.flush()
    assert services.find_valid_token(dbsession, old) is None
    assert services.find_valid_token(dbsession, new) is not None
    assert services.find_valid_token(dbsession, invitation) is not None
    assert services.find_valid_token(dbsession, others) is not None
    assert new != old


def test_expired_used_unknown_and_inactive_tokens_are_invalid(dbsession):
    user = UserFactory()
    token = services.issue_token(dbsession, user, TokenPurpose.PASSWORD_RESET)
    dbsession.flush()
    row = services.find_valid_token(dbsession, token)

    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    assert services.find_valid_token(dbsession, token) is None
    row.expires_at = utcnow() + dt.timedelta(minutes=1)
    assert services.find_valid_token(dbsession, token) is row

    user.active = False
    assert services.find_valid_token(dbsession, token) is None
    user.active = True

    row.used_at = utcnow()
    assert services.find_valid_token(dbsession, token) is None
    assert services.find_valid_token(dbsession, "ausgedacht") is None
    assert services.find_valid_token(dbsession, "") is None


def test_set_password_with_token(dbsession):
    user = UserFactory()
    token = services.issue_token(dbsession, user, TokenPurpose.PASSWORD_RESET)
    dbsession.add(WebSession(id="a" * 64, user_id=user.id, data={"user_id": user.id}))
    dbsession.flush()
    row = services.find_valid_token(dbsession, token)
    assert services.set_password_with_token(dbsession, row, "Neues-Passwort-42") is user
    dbsession.flush()
    assert row.used_at is not None
    assert services.find_valid_token(dbsession, token) is None
    assert services.verify_password(user, "Neues-Passwort-42")
    assert dbsession.get(WebSession, "a" * 64) is None
    event = dbsession.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id)).one()
    assert (event.tag, event.actor_id) == ("password_set_by_token", user.id)


def test_change_password_ends_every_session_of_the_person_only(dbsession):
    user = UserFactory()
    other = UserFactory()
    for n, owner in enumerate((user, user, other, None)):
        dbsession.add(WebSession(id=str(n) * 64, user_id=owner.id if owner else None, data={}))
    dbsession.flush()
    services.change_password(dbsession, user, "Anderes-Passwort-1")
    dbsession.expire_all()
    remaining = dbsession.scalars(select(WebSession.user_id)).all()
    assert sorted(remaining, key=str) == sorted([other.id, None], key=str)
    assert services.verify_password(dbsession.get(User, user.id), "Anderes-Passwort-1")


# -- administration ----------------------------------------------------------------------------
def test_create_user(dbsession):
    admin = AdminFactory()
    user = services.create_user(
        dbsession, email=" Neu@Stuttgart.Example ", display_name="  Neue Person ", global_role="", actor=admin
    )
    assert user.id is not None
    assert (user.email, user.display_name, user.global_role, user.locale, user.active) == (
        "neu@stuttgart.example", "Neue Person", None, "de", True
    )
    assert user.password_hash is None and not user.can_log_in
    dbsession.flush()
    event = dbsession.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id)).one()
    assert (event.tag, event.actor_id) == ("created", admin.id)


def test_email_taken(dbsession):
    user = UserFactory(email="da@stuttgart.example")
    assert services.email_taken(dbsession, "DA@stuttgart.example ")
    assert not services.email_taken(dbsession, "da@stuttgart.example", except_user=user)
    assert services.email_taken(dbsession, "da@stuttgart.example", except_user=UserFactory())
    assert not services.email_taken(dbsession, "frei@stuttgart.example")


def test_deactivate_user_deletes_only_their_sessions(dbsession):
    admin = AdminFactory()
    user = UserFactory()
    dbsession.add_all(
        [
            WebSession(id="1" * 64, user_id=user.id, data={"user_id": user.id}),
            WebSession(id="2" * 64, user_id=user.id, data={"user_id": user.id}),
            WebSession(id="3" * 64, user_id=admin.id, data={"user_id": admin.id}),
        ]
    )
    dbsession.flush()
    services.deactivate_user(dbsession, user, actor=admin)
    dbsession.flush()
    dbsession.expire_all()
    assert dbsession.scalars(select(WebSession.id)).all() == ["3" * 64]
    assert dbsession.get(User, user.id).active is False
    event = dbsession.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id)).one()
    assert (event.tag, event.actor_id) == ("deactivated", admin.id)

    services.reactivate_user(dbsession, dbsession.get(User, user.id), actor=admin)
    dbsession.flush()
    assert dbsession.get(User, user.id).active is True
    assert dbsession.scalars(
        select(AccountEvent.tag).where(AccountEvent.user_id == user.id).order_by(AccountEvent.id)
    ).all() == ["deactivated", "reactivated"]


def test_user_properties():
    assert User(global_role="admin").is_admin
    assert not User(global_role=None).is_admin
    assert User(active=True, password_hash="x").can_log_in
    assert not User(active=False, password_hash="x").can_log_in
    assert not User(active=True, password_hash=None).can_log_in
