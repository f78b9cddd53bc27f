"""The Integrations-Fonds: its yearly budgets, the append-only ledger from which every balance
is derived, the organisations that apply, and their applications with cost and financing plan
and, later, the proof of use (Verwendungsnachweis)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sw_gremien.accounts.models import User
from sw_gremien.db import Base, UTCDateTime, utcnow
from sw_gremien.i18n import _
from sw_gremien.workflow.definitions import Role
from sw_gremien.workflow.models import WorkflowMixin

Money = Numeric(12, 2)
CENT = Decimal("0.01")


class Fund(Base):
    """A fund, e.g. the Integrations-Fonds (formerly Welcome-Fonds)."""

    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Volunteer hours count in the financing plan at this rate (EUR per hour).
    hourly_rate: Mapped[Decimal] = mapped_column(Money, default=Decimal("15.00"))
    # Up to this amount the office grants directly (small grant, Kleinförderung).
    small_grant_limit: Mapped[Decimal] = mapped_column(Money, default=Decimal("500.00"))

    years: Mapped[list[FundYear]] = relationship(back_populates="fund", order_by="FundYear.year")


class FundYear(Base):
    """One year's budget. The row is also the lock that serialises grants of that year."""

    __tablename__ = "fund_years"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    year: Mapped[int] = mapped_column(Integer)
    budget: Mapped[Decimal] = mapped_column(Money)
    # Raised by every booking: the UPDATE takes the row lock before the balance is read.
    bookings: Mapped[int] = mapped_column(Integer, default=0)

    fund: Mapped[Fund] = relationship(back_populates="years")

    __table_args__ = (UniqueConstraint("fund_id", "year", name="uq_fund_years_fund_year"),)


class LedgerKind(enum.StrEnum):
    COMMITMENT = "commitment"          # Bewilligung: the granted amount is bound
    PAYOUT = "payout"                  # Auszahlung
    RELEASE = "release"                # an unspent commitment is freed again
    REPAYMENT_CLAIM = "repayment_claim"  # Rückforderung
    REPAYMENT = "repayment"            # Rückzahlung eingegangen


LEDGER_KIND_LABELS = {
    LedgerKind.COMMITMENT: _("Commitment"),
    LedgerKind.PAYOUT: _("Payout"),
    LedgerKind.RELEASE: _("Release"),
    LedgerKind.REPAYMENT_CLAIM: _("Repayment claim"),
    LedgerKind.REPAYMENT: _("Repayment received"),
}


class LedgerEntry(Base):
    """One booking, always a positive amount; its kind says which way it counts. Append-only:
    a mistake is corrected by a further booking, never by changing one."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_years.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("fund_applications.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money)
    booked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")

    fund_year: Mapped[FundYear] = relationship()
    booked_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_ledger_entries_year_kind", "fund_year_id", "kind"),
        Index("ix_ledger_entries_application", "application_id"),
    )

    @property
    def kind_label(self):
        return LEDGER_KIND_LABELS[LedgerKind(self.kind)]


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _ledger_is_append_only(mapper, connection, target):
    raise RuntimeError("the ledger is append-only")


class OrganisationKind(enum.StrEnum):
    CIRCLE = "circle"            # Freundeskreis / Flüchtlingsfreundeskreis
    INITIATIVE = "initiative"
    ASSOCIATION = "association"  # Verein
    PROVIDER = "provider"        # Träger


ORGANISATION_KIND_LABELS = {
    OrganisationKind.CIRCLE: _("Friends' circle (Freundeskreis)"),
    OrganisationKind.INITIATIVE: _("Initiative or project"),
    OrganisationKind.ASSOCIATION: _("Registered association (Verein)"),
    OrganisationKind.PROVIDER: _("Provider (Träger)"),
}


class Organisation(Base):
    """Who applies: master data reused by every application of theirs."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(40), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="Stuttgart")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str] = mapped_column(String(34), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    contacts: Mapped[list[User]] = relationship(secondary="organisation_contacts", order_by="User.display_name")

    @property
    def kind_label(self):
        return ORGANISATION_KIND_LABELS[OrganisationKind(self.kind)]


class OrganisationContact(Base):
    __tablename__ = "organisation_contacts"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class CostCategory(enum.StrEnum):
    PERSONNEL = "personnel"      # Honorare
    MATERIAL = "material"        # Sachkosten
    ROOMS = "rooms"              # Raummiete
    TRAVEL = "travel"            # Fahrtkosten
    CATERING = "catering"        # Verpflegung
    PUBLICITY = "publicity"      # Öffentlichkeitsarbeit
    OTHER = "other"


COST_CATEGORY_LABELS = {
    CostCategory.PERSONNEL: _("Fees"),
    CostCategory.MATERIAL: _("Material"),
    CostCategory.ROOMS: _("Rooms"),
    CostCategory.TRAVEL: _("Travel"),
    CostCategory.CATERING: _("Catering"),
    CostCategory.PUBLICITY: _("Publicity"),
    CostCategory.OTHER: _("Other costs"),
}


# States of workflows/fund_application.yaml the fund's pages and rules ask about.
GRANTED_STATES = ("granted", "paid", "proof_submitted", "repayment_claimed", "closed")
# Paid out: the proof of use is owed (filled in, reminded of, its deadline extended).
PROOF_OWED_STATE = "paid"
# From the payout on, the proof of use is filled in, then checked.
PROOF_STATES = ("paid", "proof_submitted", "repayment_claimed", "closed")


class FundApplication(WorkflowMixin, Base):
    __tablename__ = "fund_applications"
    __workflow__ = "fund_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # F-2026-0007: given at the first submission.
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    districts: Mapped[list] = mapped_column(JSON, default=list)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    expected_participants: Mapped[int | None] = mapped_column(Integer)
    partners: Mapped[str] = mapped_column(Text, default="")
    # Financing plan (besides the cost plan's lines).
    own_funds: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    volunteer_hours: Mapped[Decimal] = mapped_column(Numeric(8, 1), default=Decimal("0"))
    third_party_funds: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    requested_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # Bank account for the payout (personal data: office and applicant only).
    account_holder: Mapped[str] = mapped_column(String(200), default="")
    iban: Mapped[str] = mapped_column(String(34), default="")
    # Declarations.
    no_early_start: Mapped[bool] = mapped_column(Boolean, default=False)
    # Vorzeitiger Maßnahmebeginn: the initiative asks to start before the decision (with a
    # reason); the office may approve it during the review, which promises no grant.
    early_start_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    early_start_reason: Mapped[str] = mapped_column(Text, default="")
    early_start_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    data_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Decision.
    recommended_amount: Mapped[Decimal | None] = mapped_column(Money)
    granted_amount: Mapped[Decimal | None] = mapped_column(Money)
    conditions: Mapped[str] = mapped_column(Text, default="")
    proof_deadline: Mapped[dt.date | None] = mapped_column(Date)
    fund_year_id: Mapped[int | None] = mapped_column(ForeignKey("fund_years.id"))
    # Proof of use.
    proof_report: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Personal and bank data removed after the keeping period; the figures stay.
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    fund: Mapped[Fund] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    fund_year: Mapped[FundYear | None] = relationship()
    cost_lines: Mapped[list[CostLine]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="CostLine.position",
    )

    __table_args__ = (
        Index("ix_fund_applications_org", "organisation_id"),
        Index("ix_fund_applications_state_updated", "state", "updated_at"),
    )

    @property
    def has_grant(self) -> bool:
        """Granted (and maybe paid, proven, closed since): it has a grant notice."""
        return self.state in GRANTED_STATES and self.granted_amount is not None

    # -- Figures -------------------------------------------------------------------------------
    @property
    def total_cost(self) -> Decimal:
        return sum((line.amount for line in self.cost_lines), Decimal("0"))

    @property
    def volunteer_value(self) -> Decimal:
        return (self.volunteer_hours * self.fund.hourly_rate).quantize(CENT)

    @property
    def other_financing(self) -> Decimal:
        """Everything but the requested amount: own funds, volunteer work, third parties."""
        return self.own_funds + self.volunteer_value + self.third_party_funds

    @property
    def total_financing(self) -> Decimal:
        return self.other_financing + self.requested_amount

    @property
    def actual_cost(self) -> Decimal | None:
        if any(line.actual_amount is None for line in self.cost_lines):
            return None
        return sum((line.actual_amount for line in self.cost_lines), Decimal("0"))

    def workflow_principals(self) -> dict[str, list[str]]:
        from sw_gremien.funding.services import applicant_principals, committee_principals

        return {
            Role.APPLICANT: applicant_principals(self),
            Role.BODY_MEMBER: committee_principals(self),
        }

    # -- Guard hooks (sw_gremien.workflow.guards) ----------------------------------------------
    def submission_problems(self) -> list:
        from sw_gremien.funding.services import submission_problems

        return submission_problems(self)

    def financing_balanced(self) -> bool:
        return self.total_cost > 0 and self.total_cost == self.total_financing

    def qualifies_as_small_grant(self, request) -> bool:
        return Decimal("0") < self.requested_amount <= self.fund.small_grant_limit

    def fund_balance_problems(self, request) -> list:
        from sw_gremien.funding.services import fund_balance_problems

        # Pages ask with GET whether granting is possible; only firing (POST) locks the year.
        return fund_balance_problems(request.dbsession, self, lock=getattr(request, "method", "POST") != "GET")

    def repayment_amount(self) -> Decimal:
        from sw_gremien.funding.services import repayment_amount

        return repayment_amount(self)

    def early_start_problems(self) -> list:
        if self.early_start_requested and not self.early_start_approved:
            return []
        return [_("No early start has been requested.")]

    def proof_overdue_problems(self, locale: str = "de") -> list:
        from sw_gremien.funding.services import proof_overdue_problems

        return proof_overdue_problems(self, locale)


class GrantListEntry(Base):
    """An application on a grant list (Förderliste), which is a proposal running through the
    consultation path. The amount may be changed until the decision (e.g. 80 % of the request,
    with conditions); the decision grants each entry that is not marked for rejection."""

    __tablename__ = "grant_list_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("fund_applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    conditions: Mapped[str] = mapped_column(Text, default="")
    # Marked for rejection in the recommendation or the decision.
    reject: Mapped[bool] = mapped_column(Boolean, default=False)

    application: Mapped[FundApplication] = relationship()


class ReminderKind(enum.StrEnum):
    DUE_SOON = "due_soon"   # Erinnerung before the proof deadline
    OVERDUE = "overdue"     # Mahnung after it, up to a few times


class ProofReminder(Base):
    """A reminder sent about the proof of use. One per application, kind, level and deadline:
    running the reminder command twice sends nothing twice, and a new deadline starts over."""

    __tablename__ = "proof_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("fund_applications.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column(Integer, default=1)
    deadline: Mapped[dt.date] = mapped_column(Date)
    # The day of the run that sent it: the next one follows at the plan's interval from it.
    sent_on: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("application_id", "kind", "level", "deadline", name="uq_proof_reminders_step"),
    )


class CostLine(Base):
    """One line of the cost plan; ``actual_amount`` is filled in with the proof of use."""

    __tablename__ = "cost_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("fund_applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal] = mapped_column(Money)
    actual_amount: Mapped[Decimal | None] = mapped_column(Money)

    application: Mapped[FundApplication] = relationship(back_populates="cost_lines")

    @property
    def category_label(self):
        return COST_CATEGORY_LABELS[CostCategory(self.category)]
