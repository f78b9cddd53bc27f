"""Telling people: one call writes the in-app notification and queues the mail (sent only
after the transaction commits)."""

from __future__ import annotations

from collections.abc import Callable

from pyramid_mailer.message import Attachment
from sqlalchemy import func, select, update

from sw_gremien.accounts.models import User
from sw_gremien.db import utcnow
from sw_gremien.mail import render_mail, queue_message
from sw_gremien.notifications.models import Notification


def notify(request, users, subject, template: str, values: dict, link: str,
           attachments: Callable[[str], list[Attachment]] | None = None) -> None:
    """Each active recipient once, in their own language. ``attachments(locale)`` gives the
    files for a recipient's language (called once per language: the caller caches)."""
    seen = set()
    for user in users:
        if user is None or not user.active or user.id in seen:
            continue
        seen.add(user.id)
        message, body = render_mail(request, [user.email], subject, template,
                                    {**values, "recipient": user, "link": link}, locale=user.locale)
        if attachments is not None:
            for attachment in attachments(user.locale or "de"):
                message.attach(attachment)
        request.dbsession.add(Notification(user_id=user.id, subject=message.subject, body=body, link=link))
        queue_message(request, message)


def unread_count(dbsession, user: User) -> int:
    return dbsession.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def recent(dbsession, user: User, limit: int = 50) -> list[Notification]:
    return list(dbsession.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def mark_all_read(dbsession, user: User) -> None:
    dbsession.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
