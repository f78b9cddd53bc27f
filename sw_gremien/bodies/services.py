"""Rules about bodies and memberships."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import MEMBERSHIP_ROLE_ORDER, Body, Membership

_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"}


def slugify(text: str) -> str:
    """"AG-FÖ" → "ag-foe": readable URLs from the city's abbreviations."""
    text = "".join(_UMLAUTS.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def bodies_with_member_counts(dbsession, today: dt.date) -> list[tuple[Body, int]]:
    """All active bodies in their display order, each with its number of current members,
    in one statement."""
    counts = (
        select(Membership.body_id, func.count(Membership.id).label("n"))
        .where(Membership.active_on(today))
        .group_by(Membership.body_id)
        .subquery()
    )
    rows = dbsession.execute(
        select(Body, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.body_id == Body.id)
        .where(Body.active.is_(True))
        .order_by(Body.position, Body.name)
    ).all()
    return [(body, count) for body, count in rows]


def memberships_of(dbsession, body: Body, today: dt.date) -> tuple[list[Membership], list[Membership]]:
    """Current and former memberships of a body, current ones ordered by role then name."""
    memberships = dbsession.scalars(
        select(Membership)
        .join(Membership.user)
        .where(Membership.body_id == body.id)
        .options(selectinload(Membership.user))
        .order_by(User.display_name)
    ).all()
    current = [m for m in memberships if m.is_active_on(today)]
    current.sort(key=lambda m: MEMBERSHIP_ROLE_ORDER.index(m.role))
    former = [m for m in memberships if m.end_date is not None and m.end_date < today]
    former.sort(key=lambda m: m.end_date, reverse=True)
    future = [m for m in memberships if m.start_date > today]
    return current + future, former


def overlapping_membership(
    dbsession, body_id: int, user_id: int, start: dt.date, end: dt.date | None, except_id: int | None = None
) -> Membership | None:
    """A person holds one membership in a body at a time: the one that would overlap, if any."""
    far_future = dt.date.max
    query = select(Membership).where(
        Membership.body_id == body_id,
        Membership.user_id == user_id,
        Membership.start_date <= (end or far_future),
        (Membership.end_date.is_(None)) | (Membership.end_date >= start),
    )
    if except_id is not None:
        query = query.where(Membership.id != except_id)
    return dbsession.scalars(query).first()


def unique_slug(dbsession, short_name: str) -> str:
    base = slugify(short_name) or "gremium"
    slug, n = base, 2
    while dbsession.scalar(select(Body.id).where(Body.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug
