"""Meetings (Sitzungen) of a body: the agenda (Tagesordnung) with its items (TOP), who
attended, and the minutes (Protokoll) built from the results recorded per item."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Body, MembershipRole
from sw_gremien.db import Base, UTCDateTime, utcnow
from sw_gremien.i18n import _
from sw_gremien.proposals.models import Consultation
from sw_gremien.security import body_principal, chair_principals
from sw_gremien.workflow.definitions import Role
from sw_gremien.workflow.models import WorkflowMixin


class ItemKind(enum.StrEnum):
    CONSULTATION = "consultation"        # a proposal's step in this body
    MINUTES_APPROVAL = "minutes_approval"  # standing item: the last meeting's minutes
    REPORT = "report"                    # Bericht
    OTHER = "other"                      # Verschiedenes and the like


ITEM_KIND_LABELS = {
    ItemKind.CONSULTATION: _("Proposal"),
    ItemKind.MINUTES_APPROVAL: _("Approval of the minutes"),
    ItemKind.REPORT: _("Report"),
    ItemKind.OTHER: _("Other item"),
}


class Outcome(enum.StrEnum):
    RECOMMENDED = "recommended"
    DECIDED = "decided"
    REJECTED = "rejected"
    NOTED = "noted"
    DEFERRED = "deferred"
    REFERRED_BACK = "referred_back"


OUTCOME_LABELS = {
    Outcome.RECOMMENDED: _("recommended"),
    Outcome.DECIDED: _("decided"),
    Outcome.REJECTED: _("rejected"),
    Outcome.NOTED: _("noted"),
    Outcome.DEFERRED: _("deferred"),
    Outcome.REFERRED_BACK: _("referred back"),
}

# The consultation transition each outcome fires when the meeting's results are released.
OUTCOME_TRIGGERS = {
    Outcome.RECOMMENDED: "recommend",
    Outcome.DECIDED: "decide",
    Outcome.REJECTED: "reject",
    Outcome.NOTED: "take_note",
    Outcome.DEFERRED: "defer",
    Outcome.REFERRED_BACK: "refer_back",
}

# What a body can resolve on items that carry no proposal.
FREE_ITEM_OUTCOMES = (Outcome.NOTED, Outcome.DECIDED, Outcome.REJECTED, Outcome.DEFERRED)
MINUTES_OUTCOMES = (Outcome.DECIDED, Outcome.DEFERRED)
# Outcomes for which the minutes must say what was resolved or why.
OUTCOMES_NEEDING_TEXT = frozenset({Outcome.REJECTED, Outcome.REFERRED_BACK})
# Outcomes that come from a vote (the others are taken note of or postponed).
VOTED_OUTCOMES = frozenset({Outcome.RECOMMENDED, Outcome.DECIDED, Outcome.REJECTED, Outcome.REFERRED_BACK})


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"
    REPRESENTED = "represented"


ATTENDANCE_LABELS = {
    AttendanceStatus.PRESENT: _("present"),
    AttendanceStatus.EXCUSED: _("excused"),
    AttendanceStatus.ABSENT: _("absent"),
    AttendanceStatus.REPRESENTED: _("represented"),
}

# States in which the invitation is out: numbers of agenda items are fixed from then on.
INVITED_STATES = frozenset({"convened", "held", "closed", "minutes_approved"})
# States in which attendance and results are recorded (the minutes are drafted).
RECORDING_STATES = frozenset({"held"})
# States in which the minutes text may still be edited (drafted, then circulated).
MINUTES_EDITABLE_STATES = frozenset({"held", "closed"})


class Meeting(WorkflowMixin, Base):
    __tablename__ = "meetings"
    __workflow__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    # "2. Sitzung 2026": counted per body and calendar year, given when it is planned.
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(200), default="")
    # Has a public part (only bodies that meet in public, the Internationaler Ausschuss).
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    # Said in the invitation (e.g. how to get there, what to prepare).
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by every change of the meeting, its agenda or its attendance, so that the version
    # check (WorkflowMixin) catches two people changing the same meeting at once.
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    convened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    minutes_approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The meeting whose standing item approved these minutes (None: the chair approved them).
    minutes_approved_in_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    # Raised by every correction of approved minutes (1: as approved).
    minutes_version: Mapped[int] = mapped_column(Integer, default=1)

    body: Mapped[Body] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", foreign_keys="AgendaItem.meeting_id",
        order_by="AgendaItem.position",
    )
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
    )
    minutes_approved_in: Mapped[Meeting | None] = relationship(remote_side=[id])

    __table_args__ = (
        UniqueConstraint("body_id", "year", "number", name="uq_meetings_body_year_number"),
        Index("ix_meetings_starts_at", "starts_at"),
        Index("ix_meetings_body_starts_at", "body_id", "starts_at"),
    )

    @property
    def title(self):
        """"2. Sitzung 2026" (a message: templates and mails translate it)."""
        return _("Meeting ${number}/${year}", mapping={"number": self.number, "year": self.year})

    @property
    def invitation_out(self) -> bool:
        return self.state in INVITED_STATES

    @property
    def current_items(self) -> list[AgendaItem]:
        """The items still on the agenda (withdrawn ones keep their number, but not their place)."""
        return [item for item in self.items if not item.withdrawn]

    def parts(self) -> list[tuple[bool, list[AgendaItem]]]:
        """The agenda in its order: the public part first (meetings with one), then the
        non-public part. Each part as (public, items)."""
        items = sorted(self.items, key=lambda item: item.position)
        if not self.public:
            return [(False, items)]
        public = [item for item in items if item.public]
        internal = [item for item in items if not item.public]
        return [(True, public), (False, internal)]

    def ordered_items(self) -> list[AgendaItem]:
        return [item for _public, items in self.parts() for item in items]

    def workflow_principals(self) -> dict[str, list[str]]:
        body = self.body_id
        return {
            Role.BODY_MEMBER: [body_principal(body)],
            Role.BODY_SECRETARY: [body_principal(body, MembershipRole.SECRETARY)],
            Role.BODY_CHAIR: chair_principals(body),
        }

    # -- Guard hooks (sw_gremien.workflow.guards) ----------------------------------------------
    def has_agenda(self) -> bool:
        return bool(self.current_items)

    def notice_period_problems(self, request=None) -> list:
        from sw_gremien.meetings.services import notice_period_problems

        return notice_period_problems(self, locale=getattr(request, "locale_name", "de"))

    def missing_results(self, request) -> list:
        from sw_gremien.meetings.services import missing_results

        return missing_results(self, request)


class AgendaItem(Base):
    """A TOP. ``number`` is the one printed ("4", or "4.1" for an item added after the
    invitation went out); ``position`` orders the items within their part."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(12), default="")
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id", ondelete="SET NULL"))
    # Standing item: whose minutes are to be approved.
    approves_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    # Taken off the agenda after the invitation went out ("abgesetzt"): keeps its number.
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    # Added after the invitation went out ("Nachtrag").
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # The results, recorded during or after the meeting (Markdown).
    minutes: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(20))
    votes_yes: Mapped[int | None] = mapped_column(Integer)
    votes_no: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    unanimous: Mapped[bool] = mapped_column(Boolean, default=False)
    # Checked on every UPDATE: two people recording the same item cannot both win.
    version: Mapped[int] = mapped_column(Integer, default=1)

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    consultation: Mapped[Consultation | None] = relationship()
    approves_meeting: Mapped[Meeting | None] = relationship(foreign_keys=[approves_meeting_id])

    __table_args__ = (
        Index("ix_agenda_items_meeting", "meeting_id", "position"),
        Index("ix_agenda_items_consultation", "consultation_id"),
        Index("ix_agenda_items_approves", "approves_meeting_id"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self):
        return ITEM_KIND_LABELS[ItemKind(self.kind)]

    @property
    def outcome_label(self):
        return OUTCOME_LABELS[Outcome(self.outcome)] if self.outcome else None

    @property
    def approval_title(self):
        meeting = self.approves_meeting
        return _("Approval of the minutes of meeting ${number}/${year}",
                 mapping={"number": meeting.number, "year": meeting.year})

    @property
    def votes_message(self):
        if self.unanimous:
            return _("unanimous")
        return _("${yes} yes, ${no} no, ${abstain} abstentions", mapping={
            "yes": self.votes_yes or 0, "no": self.votes_no or 0, "abstain": self.votes_abstain or 0})

    @property
    def has_votes(self) -> bool:
        return self.unanimous or any(v is not None for v in (self.votes_yes, self.votes_no, self.votes_abstain))


class Attendance(Base):
    """Who attended. One row per person invited; a member may be represented by another."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Copied from the membership when recorded: the minutes show the meeting as it was.
    membership_role: Mapped[str] = mapped_column(String(20))
    voting: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str | None] = mapped_column(String(20))
    represented_by: Mapped[str] = mapped_column(String(200), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_attendance_meeting_user"),)

    @property
    def status_label(self):
        return ATTENDANCE_LABELS[AttendanceStatus(self.status)] if self.status else None


class MinutesCorrection(Base):
    """A correction of approved minutes: the text before and after, why, and who. The
    approved minutes are never changed silently; each correction makes a new version."""

    __tablename__ = "minutes_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(20))
    old_text: Mapped[str] = mapped_column(Text)
    new_text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    corrected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship()
    corrected_by: Mapped[User | None] = relationship()


class CalendarToken(Base):
    """The secret in a user's calendar feed address. Only its hash is stored: whoever reads
    the database cannot subscribe to a member's non-public meetings."""

    __tablename__ = "calendar_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
