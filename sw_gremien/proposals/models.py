"""Proposals (Vorlagen), their types, and the consultation path they travel."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sw_gremien.accounts.models import User
from sw_gremien.bodies.models import Body, MembershipRole
from sw_gremien.db import Base, UTCDateTime, utcnow
from sw_gremien.i18n import _
from sw_gremien.security import body_principal, chair_principals, user_principal
from sw_gremien.workflow.definitions import Role
from sw_gremien.workflow.models import WorkflowMixin


class ConsultationRole(enum.StrEnum):
    PRELIMINARY = "preliminary"   # Vorberatung
    DECISION = "decision"         # Entscheidung
    NOTICE = "notice"             # Kenntnisnahme


CONSULTATION_ROLE_LABELS = {
    ConsultationRole.PRELIMINARY: _("preliminary consultation"),
    ConsultationRole.DECISION: _("decision"),
    ConsultationRole.NOTICE: _("for information"),
}

# The consultation states in which a step is over.
ENDED_CONSULTATION_STATES = frozenset({"recommended", "decided", "rejected", "noted", "referred_back", "cancelled"})
OPEN_CONSULTATION_STATES = frozenset({"open", "scheduled"})


def path_rule_problems(roles: list[str], informational: bool) -> list:
    """The one rule of a consultation path: at least one step; exactly one decision step
    (none needed for information only), and after it only steps that take note: once decided,
    nobody deliberates any more."""
    if not roles:
        return [_("The consultation path needs at least one step.")]
    decisions = [i for i, role in enumerate(roles) if role == ConsultationRole.DECISION]
    if not decisions and not informational:
        return [_("The consultation path needs a decision step.")]
    if len(decisions) > 1:
        return [_("The consultation path may have only one decision step.")]
    if decisions and any(role != ConsultationRole.NOTICE for role in roles[decisions[0] + 1:]):
        return [_("After the decision step only steps for information may follow.")]
    return []


class ProposalType(Base):
    """A kind of proposal with its default consultation path; the office maintains them."""

    __tablename__ = "proposal_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Informational proposals need no decision step (they are only taken note of).
    informational: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    steps: Mapped[list[ProposalTypeStep]] = relationship(
        back_populates="proposal_type", cascade="all, delete-orphan",
        order_by="ProposalTypeStep.position",
    )


class ProposalTypeStep(Base):
    """One step of a type's default path. Without a body it stands for the proposal's own
    working group."""

    __tablename__ = "proposal_type_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("proposal_types.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))

    proposal_type: Mapped[ProposalType] = relationship(back_populates="steps")
    body: Mapped[Body | None] = relationship()


class Proposal(WorkflowMixin, Base):
    __tablename__ = "proposals"
    __workflow__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    # V-2026-0042: given at the first submission, never changed, never reused.
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("proposal_types.id"), index=True)
    origin_body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(Text, default="")        # Sachverhalt (Markdown)
    resolution: Mapped[str] = mapped_column(Text, default="")     # Beschlussvorschlag (Markdown)
    reasoning: Mapped[str] = mapped_column(Text, default="")      # Begründung (Markdown)
    cost_estimate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Set when the proposal has been treated in a public agenda item (meetings).
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    proposal_type: Mapped[ProposalType] = relationship()
    origin_body: Mapped[Body] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    co_authors: Mapped[list[User]] = relationship(secondary="proposal_authors", order_by="User.display_name")
    district_rows: Mapped[list[ProposalDistrict]] = relationship(
        cascade="all, delete-orphan", order_by="ProposalDistrict.district"
    )
    consultations: Mapped[list[Consultation]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan",
        order_by="(Consultation.round, Consultation.position)",
    )

    __table_args__ = (
        Index("ix_proposals_state_updated", "state", "updated_at"),
        # The list's order (newest change first): read in index order, stop after one page.
        Index("ix_proposals_updated", "updated_at", "id"),
        # The desk's "to check": submitted proposals of my working groups, oldest first.
        Index("ix_proposals_origin_state", "origin_body_id", "state", "submitted_at"),
    )

    @property
    def districts(self) -> list[str]:
        return [row.district for row in self.district_rows]

    @property
    def author_ids(self) -> set[int]:
        return {self.created_by_id, *(user.id for user in self.co_authors)}

    @property
    def current_round(self) -> list[Consultation]:
        if not self.consultations:
            return []
        latest = max(c.round for c in self.consultations)
        return [c for c in self.consultations if c.round == latest]

    def workflow_principals(self) -> dict[str, list[str]]:
        origin = self.origin_body_id
        path_bodies = {c.body_id for c in self.consultations}
        return {
            Role.AUTHOR: [user_principal(uid) for uid in self.author_ids],
            # Everyone in a body the proposal concerns: its working group and its path.
            Role.BODY_MEMBER: [body_principal(b) for b in {origin, *path_bodies}],
            Role.BODY_SECRETARY: [body_principal(origin, MembershipRole.SECRETARY)],
            Role.BODY_CHAIR: chair_principals(origin),
        }

    # -- Guard hooks ------------------------------------------------------------------------
    def submission_problems(self) -> list:
        problems = []
        if not self.title.strip():
            problems.append(_("The title is missing."))
        if not self.subject.strip():
            problems.append(_("The subject matter is missing."))
        if not self.resolution.strip() and not self.proposal_type.informational:
            problems.append(_("The proposed resolution is missing."))
        if not self.reasoning.strip() and not self.proposal_type.informational:
            problems.append(_("The reasoning is missing."))
        if not self.district_rows:
            problems.append(_("Choose at least one district (or all of them)."))
        problems.extend(self.consultation_path_problems())
        return problems

    def consultation_path_problems(self) -> list:
        return path_rule_problems([c.role for c in self.current_round], self.proposal_type.informational)


class ProposalAuthor(Base):
    __tablename__ = "proposal_authors"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class ProposalDistrict(Base):
    __tablename__ = "proposal_districts"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    district: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Consultation(WorkflowMixin, Base):
    """One step of a proposal's path: one body, one role. The proposal travels; it is never
    copied per body."""

    __tablename__ = "consultations"
    __workflow__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"))
    # A proposal referred back and accepted again runs its path anew in the next round.
    round: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The agenda item that treated it (meetings); a plain column until meetings exist.
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)

    proposal: Mapped[Proposal] = relationship(back_populates="consultations")
    body: Mapped[Body] = relationship()

    __table_args__ = (
        Index("ix_consultations_proposal", "proposal_id", "round", "position"),
        Index("ix_consultations_body_state", "body_id", "state"),
        # The desk's "recent decisions in my bodies": a range over the body's ended steps.
        Index("ix_consultations_body_ended", "body_id", "ended_at"),
    )

    @property
    def role_label(self):
        return CONSULTATION_ROLE_LABELS[ConsultationRole(self.role)]

    @property
    def ended(self) -> bool:
        return self.state in ENDED_CONSULTATION_STATES

    def proposal_undecided(self) -> bool:
        return self.proposal.state == "in_consultation"

    def workflow_principals(self) -> dict[str, list[str]]:
        body = self.body_id
        return {
            Role.AUTHOR: [user_principal(uid) for uid in self.proposal.author_ids],
            Role.BODY_MEMBER: [body_principal(body)],
            Role.BODY_SECRETARY: [body_principal(body, MembershipRole.SECRETARY)],
            Role.BODY_CHAIR: chair_principals(body),
        }


class ReferenceCounter(Base):
    """The last reference number given per year. Incremented inside the submitting
    transaction under a row lock: no number twice, and none lost to a rollback."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

