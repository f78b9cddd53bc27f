"""Bodies (Gremien) of the Stuttgarter Weg and the memberships of people in them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sw_gremien.accounts.models import User
from sw_gremien.db import Base, UTCDateTime, utcnow
from sw_gremien.i18n import _


class BodyKind(enum.StrEnum):
    WORKING_GROUP = "working_group"
    STEERING_GROUP = "steering_group"
    ADVISORY_COMMITTEE = "advisory_committee"


BODY_KIND_LABELS = {
    BodyKind.WORKING_GROUP: _("Working group"),
    BodyKind.STEERING_GROUP: _("Steering group"),
    BodyKind.ADVISORY_COMMITTEE: _("Advisory committee of the city council"),
}


class Rhythm(enum.StrEnum):
    """How often a body meets; later the meeting planner derives series from it."""

    QUARTERLY = "quarterly"
    TWICE_A_YEAR = "twice_a_year"
    SEVERAL_A_YEAR = "several_a_year"
    AS_NEEDED = "as_needed"


RHYTHM_LABELS = {
    Rhythm.QUARTERLY: _("at least quarterly"),
    Rhythm.TWICE_A_YEAR: _("twice a year"),
    Rhythm.SEVERAL_A_YEAR: _("several times a year"),
    Rhythm.AS_NEEDED: _("as needed"),
}


class MembershipRole(enum.StrEnum):
    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    GUEST = "guest"


MEMBERSHIP_ROLE_LABELS = {
    MembershipRole.CHAIR: _("Chair"),
    MembershipRole.DEPUTY_CHAIR: _("Deputy chair"),
    MembershipRole.SECRETARY: _("Secretary"),
    MembershipRole.MEMBER: _("Member"),
    MembershipRole.GUEST: _("Guest"),
}

# The order in which a body's page lists its people.
MEMBERSHIP_ROLE_ORDER = list(MembershipRole)


class Body(Base):
    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The city's abbreviation, e.g. "AG-SA"; the slug ("ag-sa") forms the URL.
    short_name: Mapped[str] = mapped_column(String(20), unique=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    rhythm: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")
    # The Internationaler Ausschuss meets partly in public; the other bodies do not.
    has_public_part: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_period_days: Mapped[int] = mapped_column(Integer, default=7)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="body", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self):
        return BODY_KIND_LABELS[BodyKind(self.kind)]

    @property
    def rhythm_label(self):
        return RHYTHM_LABELS[Rhythm(self.rhythm)]

    def __repr__(self) -> str:
        return f"<Body {self.short_name}>"


class Membership(Base):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    voting: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")

    body: Mapped[Body] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    __table_args__ = (
        Index("ix_memberships_body_id", "body_id"),
        Index("ix_memberships_user_id", "user_id"),
    )

    @property
    def role_label(self):
        return MEMBERSHIP_ROLE_LABELS[MembershipRole(self.role)]

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    @classmethod
    def active_on(cls, day: dt.date):
        """The SQL condition matching is_active_on, so queries and Python agree."""
        return (cls.start_date <= day) & ((cls.end_date.is_(None)) | (cls.end_date >= day))
