"""Account rules: password hashing, the login rate limit, mailed tokens and user administration.

Views call these; they never hash, count or mint tokens themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from sw_gremien.accounts.models import AccountEvent, AccountToken, LoginAttempt, TokenPurpose, User
from sw_gremien.db import utcnow
from sw_gremien.sessions import delete_sessions_of

MIN_PASSWORD_LENGTH = 10
TOKEN_LIFETIMES = {
    TokenPurpose.PASSWORD_RESET: dt.timedelta(hours=2),
    TokenPurpose.INVITATION: dt.timedelta(days=14),
}

_hasher = PasswordHasher()
# Verifying against this when the account does not exist costs as much as a real check, so
# response times do not reveal which addresses have accounts.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    if user is None or user.password_hash is None:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def find_user_by_email(dbsession, email: str) -> User | None:
    return dbsession.scalar(select(User).where(User.email == normalize_email(email)))


# -- Login rate limit ------------------------------------------------------------------------
@dataclass(frozen=True)
class RateLimit:
    max_per_account: int
    max_per_ip: int
    window: dt.timedelta

    @classmethod
    def from_settings(cls, settings) -> RateLimit:
        # Ten failures per account in five minutes; an address may try more accounts, since
        # a whole office can sit behind one proxy address.
        return cls(
            max_per_account=int(settings.get("sw_gremien.login.max_failures_per_account", 10)),
            max_per_ip=int(settings.get("sw_gremien.login.max_failures_per_ip", 50)),
            window=dt.timedelta(seconds=int(settings.get("sw_gremien.login.window_seconds", 300))),
        )


def login_blocked_for(dbsession, limit: RateLimit, email: str, ip_address: str) -> dt.timedelta | None:
    """How long this account or address must wait, or None when it may try.

    Counts failed attempts in the sliding window; the wait ends when the oldest counted
    failure leaves the window.
    """
    since = utcnow() - limit.window
    email = normalize_email(email)
    waits = []
    for column, value, maximum in (
        (LoginAttempt.email, email, limit.max_per_account),
        (LoginAttempt.ip_address, ip_address, limit.max_per_ip),
    ):
        count, oldest = dbsession.execute(
            select(func.count(), func.min(LoginAttempt.attempted_at)).where(
                column == value, LoginAttempt.attempted_at > since
            )
        ).one()
        if count >= maximum:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=dt.UTC)
            waits.append(oldest + limit.window - utcnow())
    if not waits:
        return None
    return max(max(waits), dt.timedelta(seconds=1))


def record_login_failure(dbsession, email: str, ip_address: str) -> None:
    dbsession.add(LoginAttempt(email=normalize_email(email)[:254], ip_address=ip_address[:64]))


def clear_login_failures(dbsession, email: str) -> None:
    dbsession.execute(delete(LoginAttempt).where(LoginAttempt.email == normalize_email(email)))


def purge_old_login_attempts(dbsession, limit: RateLimit) -> int:
    result = dbsession.execute(
        delete(LoginAttempt).where(LoginAttempt.attempted_at < utcnow() - limit.window)
    )
    return result.rowcount or 0


# -- Mailed tokens ---------------------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(dbsession, user: User, purpose: TokenPurpose) -> str:
    """A new single-use token; earlier unused ones of the same purpose stop working."""
    now = utcnow()
    dbsession.execute(
        delete(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
    )
    token = secrets.token_urlsafe(32)
    dbsession.add(
        AccountToken(
            token_hash=_token_hash(token),
            user_id=user.id,
            purpose=purpose,
            created_at=now,
            expires_at=now + TOKEN_LIFETIMES[purpose],
        )
    )
    return token


def find_valid_token(dbsession, token: str) -> AccountToken | None:
    row = dbsession.scalar(select(AccountToken).where(AccountToken.token_hash == _token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at < utcnow() or not row.user.active:
        return None
    return row


def set_password_with_token(dbsession, row: AccountToken, password: str) -> User:
    user = row.user
    row.used_at = utcnow()
    change_password(dbsession, user, password)
    record_event(dbsession, user, "password_set_by_token", actor=user)
    return user


def change_password(dbsession, user: User, password: str) -> None:
    """Set a new password and end every session of the person: a stolen session dies with
    the old password."""
    user.password_hash = hash_password(password)
    delete_sessions_of(dbsession, user.id)


# -- Administration --------------------------------------------------------------------------
def record_event(dbsession, user: User, tag: str, actor: User | None = None, detail=None, ip_address=None):
    dbsession.add(
        AccountEvent(
            user_id=user.id,
            actor_id=actor.id if actor else None,
            tag=tag,
            detail=detail,
            ip_address=ip_address,
        )
    )


def email_taken(dbsession, email: str, except_user: User | None = None) -> bool:
    query = select(User.id).where(User.email == normalize_email(email))
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return dbsession.scalar(query) is not None


def create_user(dbsession, *, email: str, display_name: str, global_role=None, locale="de", actor=None) -> User:
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        global_role=global_role or None,
        locale=locale,
        active=True,
    )
    dbsession.add(user)
    dbsession.flush()
    record_event(dbsession, user, "created", actor=actor)
    return user


def deactivate_user(dbsession, user: User, actor: User | None) -> None:
    user.active = False
    delete_sessions_of(dbsession, user.id)
    record_event(dbsession, user, "deactivated", actor=actor)


def reactivate_user(dbsession, user: User, actor: User | None) -> None:
    user.active = True
    record_event(dbsession, user, "reactivated", actor=actor)
