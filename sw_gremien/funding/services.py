"""The rules of the Integrations-Fonds.

Money: every figure is derived from the fund years' budgets and the append-only ledger, in
exact decimals. A grant books its commitment only after taking the fund year's row lock (an
UPDATE of that row, which PostgreSQL holds per row and SQLite for the whole database until
the commit), so two grants that together exceed the free balance cannot both pass.

Applications: completeness, the balance of cost and financing plan, the IBAN check, the
repayment figure from the proof of use, and who the applicant is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, update

from sw_gremien.db import utcnow
from sw_gremien.funding.models import (
    CENT,
    PROOF_OWED_STATE,
    Fund,
    FundApplication,
    FundYear,
    LedgerEntry,
    LedgerKind,
    Organisation,
    OrganisationContact,
)
from sw_gremien.i18n import _, format_date, format_money, today
from sw_gremien.security import body_principal, user_principal

ZERO = Decimal("0.00")


# -- IBAN ----------------------------------------------------------------------------------------
IBAN_LENGTHS = {"DE": 22, "AT": 20, "CH": 21, "FR": 27, "IT": 27, "NL": 18, "BE": 16, "LU": 20, "ES": 24}


def normalize_iban(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def iban_problem(value: str):
    """None when the IBAN is well-formed and its check digits are right (ISO 13616 mod 97)."""
    iban = normalize_iban(value)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return _("This is not an IBAN (it starts with the country code, e.g. DE, followed by digits).")
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        return _("An IBAN from ${country} has ${length} characters.", mapping={"country": iban[:2], "length": expected})
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    if int(number) % 97 != 1:
        return _("The check digits of this IBAN are wrong: please check for a typing error.")
    return None


def format_iban(value: str) -> str:
    iban = normalize_iban(value)
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


# -- Balances ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Balance:
    """A fund year's (or the whole fund's) figures, all derived from the ledger."""

    year: int | None
    budget: Decimal
    committed: Decimal       # bound by grants (minus releases), not yet repaid
    paid: Decimal            # paid out, minus repayments received
    open_claims: Decimal     # repayment claimed, not yet received

    @property
    def free(self) -> Decimal:
        return self.budget - self.committed

    @property
    def unpaid(self) -> Decimal:
        """Granted but not paid out yet."""
        return self.committed - self.paid


def _sums_by_year(dbsession, fund_year_ids=None) -> dict[int, dict[str, Decimal]]:
    query = select(LedgerEntry.fund_year_id, LedgerEntry.kind, func.sum(LedgerEntry.amount)).group_by(
        LedgerEntry.fund_year_id, LedgerEntry.kind)
    if fund_year_ids is not None:
        query = query.where(LedgerEntry.fund_year_id.in_(fund_year_ids))
    sums: dict[int, dict[str, Decimal]] = {}
    for year_id, kind, amount in dbsession.execute(query):
        sums.setdefault(year_id, {})[kind] = Decimal(amount).quantize(CENT)
    return sums


def _balance(year: int | None, budget: Decimal, sums: dict[str, Decimal]) -> Balance:
    get = lambda kind: sums.get(kind, ZERO)  # noqa: E731
    return Balance(
        year=year,
        budget=budget,
        committed=get(LedgerKind.COMMITMENT) - get(LedgerKind.RELEASE) - get(LedgerKind.REPAYMENT),
        paid=get(LedgerKind.PAYOUT) - get(LedgerKind.REPAYMENT),
        open_claims=get(LedgerKind.REPAYMENT_CLAIM) - get(LedgerKind.REPAYMENT),
    )


def balances(dbsession, fund: Fund) -> list[Balance]:
    """One balance per fund year, in two statements."""
    years = list(dbsession.scalars(select(FundYear).where(FundYear.fund_id == fund.id).order_by(FundYear.year)))
    sums = _sums_by_year(dbsession, [y.id for y in years])
    return [_balance(y.year, y.budget, sums.get(y.id, {})) for y in years]


def total_balance(per_year: list[Balance]) -> Balance:
    return Balance(
        year=None,
        budget=sum((b.budget for b in per_year), ZERO),
        committed=sum((b.committed for b in per_year), ZERO),
        paid=sum((b.paid for b in per_year), ZERO),
        open_claims=sum((b.open_claims for b in per_year), ZERO),
    )


def year_balance(dbsession, fund_year: FundYear) -> Balance:
    return _balance(fund_year.year, fund_year.budget, _sums_by_year(dbsession, [fund_year.id]).get(fund_year.id, {}))


def fund_year_for(dbsession, fund: Fund, year: int) -> FundYear | None:
    return dbsession.scalar(select(FundYear).where(FundYear.fund_id == fund.id, FundYear.year == year))


def lock_fund_year(dbsession, fund_year: FundYear) -> None:
    """Take the fund year's row lock for the rest of the transaction: concurrent bookings of
    the same year wait here, and read the balance only after the first has committed."""
    dbsession.execute(
        update(FundYear).where(FundYear.id == fund_year.id).values(bookings=FundYear.bookings + 1)
        .execution_options(synchronize_session=False)
    )
    dbsession.expire(fund_year, ["bookings"])


# -- Booking -------------------------------------------------------------------------------------
class InsufficientFunds(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def book(dbsession, fund_year: FundYear, kind: LedgerKind, amount: Decimal, *, application=None,
         user=None, note: str = "") -> LedgerEntry:
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise ValueError("bookings are positive amounts")
    entry = LedgerEntry(fund_year_id=fund_year.id, kind=kind, amount=amount,
                        application_id=application.id if application is not None else None,
                        booked_by_id=user.id if user is not None else None, note=note)
    dbsession.add(entry)
    dbsession.flush()
    return entry


def amount_to_grant(application: FundApplication) -> Decimal:
    """What a grant of the application commits: the amount decided, else the one requested."""
    if application.granted_amount is not None:
        return application.granted_amount
    if application.recommended_amount is not None:
        return application.recommended_amount
    return application.requested_amount


def decision_year(dbsession, application: FundApplication) -> FundYear | None:
    return application.fund_year or fund_year_for(dbsession, application.fund, today().year)


def fund_balance_problems(dbsession, application: FundApplication, lock: bool = True) -> list:
    """The grant fits into the free balance of this year's budget. With ``lock`` (when the
    grant is being fired) it takes the year's lock first, so the answer holds until the
    commit; a page that only shows whether granting is possible reads without it."""
    fund_year = decision_year(dbsession, application)
    if fund_year is None:
        return [_("The fund has no budget for ${year}.", mapping={"year": today().year})]
    if lock:
        lock_fund_year(dbsession, fund_year)
    balance = year_balance(dbsession, fund_year)
    amount = amount_to_grant(application)
    if amount > balance.free:
        return [_("The fund's free balance for ${year} is ${free}; ${amount} cannot be granted.",
                  mapping={"year": fund_year.year, "free": format_money(balance.free, "de"),
                           "amount": format_money(amount, "de")})]
    return []


def commit_grant(dbsession, application: FundApplication, user=None) -> LedgerEntry:
    """Book the commitment of a grant (the guard has checked the balance under the lock)."""
    fund_year = decision_year(dbsession, application)
    lock_fund_year(dbsession, fund_year)
    amount = amount_to_grant(application)
    balance = year_balance(dbsession, fund_year)
    if amount > balance.free:  # the guard ran in this transaction; this is the last line of defence
        raise InsufficientFunds(_("The fund's free balance is not enough for this grant."))
    application.fund_year_id = fund_year.id
    application.fund_year = fund_year
    application.granted_amount = amount
    application.decided_at = utcnow()
    return book(dbsession, fund_year, LedgerKind.COMMITMENT, amount, application=application, user=user,
                note=application.reference or "")


# -- Applications --------------------------------------------------------------------------------
def applicant_principals(application: FundApplication) -> list[str]:
    """The organisation's current contacts. Not the author as such: someone removed from the
    organisation loses its applications (and their bank data) with it; whoever applies for an
    organisation is its contact, or the office. Read through the relationship, which the
    session loads once, however often a page asks for permissions."""
    if application.organisation is None:
        return []
    return [user_principal(user.id) for user in application.organisation.contacts]


def committee_principals(application: FundApplication) -> list[str]:
    """The bodies that decide on the grant list: AG Förderung and the steering groups."""
    from sqlalchemy.orm import object_session

    from sw_gremien.bodies.models import Body, BodyKind

    session = object_session(application)
    if session is None:
        return []
    ids = session.scalars(select(Body.id).where(
        (Body.short_name == "AG-FÖ") | (Body.kind == BodyKind.STEERING_GROUP)))
    return [body_principal(body_id) for body_id in ids]


def submission_problems(application: FundApplication) -> list:
    problems = []
    if not application.title.strip():
        problems.append(_("The title of the project is missing."))
    if not application.description.strip():
        problems.append(_("The description of the project is missing."))
    if not application.districts:
        problems.append(_("Choose at least one district (or all of them)."))
    if application.period_start is None or application.period_end is None:
        problems.append(_("The period of the project is missing."))
    elif application.period_end < application.period_start:
        problems.append(_("The project must end after it starts."))
    if not application.cost_lines:
        problems.append(_("The cost plan needs at least one line."))
    if application.requested_amount <= 0:
        problems.append(_("Say how much you request from the fund."))
    if not application.account_holder.strip():
        problems.append(_("The account holder is missing."))
    if iban_problem(application.iban):
        problems.append(_("The IBAN is missing or wrong."))
    if not (application.no_early_start or application.early_start_approved):
        problems.append(_("Please confirm that the project does not start before the decision."))
    if application.early_start_requested and not application.early_start_reason.strip():
        problems.append(_("Please say why the project has to start before the decision."))
    if not application.data_consent:
        problems.append(_("Please agree to the processing of your data."))
    return problems


def repayment_amount(application: FundApplication) -> Decimal:
    """What has to be paid back after the proof of use: the grant fills the gap between the
    costs and the other financing. If the actual costs are lower, the gap is smaller and the
    rest of the grant is repaid (never more than was granted)."""
    granted = application.granted_amount or ZERO
    actual = application.actual_cost
    if actual is None:
        return ZERO
    needed = max(ZERO, actual - application.other_financing)
    return max(ZERO, granted - min(granted, needed)).quantize(CENT)


def application_sums(dbsession, application: FundApplication) -> dict[str, Decimal]:
    """The application's own bookings, summed by kind."""
    rows = dbsession.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount)).where(LedgerEntry.application_id == application.id)
        .group_by(LedgerEntry.kind)
    )
    return {kind: Decimal(amount).quantize(CENT) for kind, amount in rows}


def open_claim(dbsession, application: FundApplication) -> Decimal:
    """Claimed back from the application and not received yet, from the ledger (a claim after
    the proof of use or after revoking the grant)."""
    sums = application_sums(dbsession, application)
    return sums.get(LedgerKind.REPAYMENT_CLAIM, ZERO) - sums.get(LedgerKind.REPAYMENT, ZERO)


def paid_out(dbsession, application: FundApplication) -> Decimal:
    sums = application_sums(dbsession, application)
    return sums.get(LedgerKind.PAYOUT, ZERO) - sums.get(LedgerKind.REPAYMENT, ZERO)


def unpaid_commitment(dbsession, application: FundApplication) -> Decimal:
    """Granted but neither paid out nor released: what a renounced grant gives back."""
    sums = application_sums(dbsession, application)
    return (sums.get(LedgerKind.COMMITMENT, ZERO) - sums.get(LedgerKind.RELEASE, ZERO)
            - sums.get(LedgerKind.PAYOUT, ZERO))


def proof_overdue(application: FundApplication, on: dt.date | None = None) -> bool:
    """Paid out and the proof of use past its deadline."""
    deadline = application.proof_deadline
    return application.state == PROOF_OWED_STATE and deadline is not None and deadline < (on or today())


def proof_overdue_problems(application: FundApplication, locale: str = "de", on: dt.date | None = None) -> list:
    """A grant is revoked for a missing proof only after its deadline has passed and the
    initiative has been reminded of it at least once (sw_gremien.funding.reminders)."""
    from sqlalchemy.orm import object_session

    from sw_gremien.funding.models import ProofReminder, ReminderKind

    deadline = application.proof_deadline
    if deadline is None:
        return [_("This grant has no deadline for the proof of use.")]
    if deadline >= (on or today()):
        return [_("The proof of use is due only on ${date}.", mapping={"date": format_date(deadline, locale)})]
    reminded = object_session(application).scalar(select(func.count()).select_from(ProofReminder).where(
        ProofReminder.application_id == application.id, ProofReminder.kind == ReminderKind.OVERDUE,
        ProofReminder.deadline == deadline))
    if not reminded:
        return [_("The initiative has not been reminded of the overdue proof of use yet.")]
    return []


def organisations_of(dbsession, user) -> list[Organisation]:
    return list(dbsession.scalars(
        select(Organisation).join(OrganisationContact, OrganisationContact.organisation_id == Organisation.id)
        .where(OrganisationContact.user_id == user.id).order_by(Organisation.name)
    ))


def the_fund(dbsession) -> Fund | None:
    return dbsession.scalars(select(Fund).order_by(Fund.id)).first()


def proof_deadline_for(application: FundApplication) -> dt.date:
    """Three months after the end of the project."""
    from dateutil.relativedelta import relativedelta

    return (application.period_end or today()) + relativedelta(months=3)



# -- What follows a transition -----------------------------------------------------------------
def on_transition(event) -> None:
    """Bookings and dates that go with the application's steps, in the same transaction."""
    application = event.object
    if not isinstance(application, FundApplication):
        return
    request = event.request
    dbsession = request.dbsession
    user = getattr(request, "user", None)
    trigger = event.transition.trigger
    if trigger in ("submit", "resubmit"):
        if application.reference is None:
            from sw_gremien.proposals.services import next_reference

            application.reference = next_reference(dbsession, today().year, prefix="F")
        application.submitted_at = utcnow()
        if trigger == "submit":
            from sw_gremien.funding.mails import send_receipt

            send_receipt(request, application)
    elif trigger in ("grant_small", "grant"):
        commit_grant(dbsession, application, user=None if event.event.actor_id is None else user)
        application.proof_deadline = proof_deadline_for(application)
    elif trigger in ("reject", "reject_formally"):
        application.decided_at = utcnow()
    elif trigger == "pay":
        book(dbsession, application.fund_year, LedgerKind.PAYOUT, application.granted_amount,
             application=application, user=user, note=application.reference or "")
    elif trigger == "approve_early_start":
        application.early_start_approved = True
    elif trigger == "renounce":
        # The project does not take place: what was bound and not paid is free again.
        amount = unpaid_commitment(dbsession, application)
        if amount > 0:
            book(dbsession, application.fund_year, LedgerKind.RELEASE, amount,
                 application=application, user=user, note=application.reference or "")
        application.closed_at = utcnow()
    elif trigger == "claim_repayment":
        book(dbsession, application.fund_year, LedgerKind.REPAYMENT_CLAIM, repayment_amount(application),
             application=application, user=user, note=application.reference or "")
    elif trigger == "revoke":
        # No proof of use: everything paid out is claimed back.
        book(dbsession, application.fund_year, LedgerKind.REPAYMENT_CLAIM, paid_out(dbsession, application),
             application=application, user=user, note=application.reference or "")
    elif trigger == "close":
        # Repayment received: the money is back in the fund.
        book(dbsession, application.fund_year, LedgerKind.REPAYMENT, open_claim(dbsession, application),
             application=application, user=user, note=application.reference or "")
        application.closed_at = utcnow()
    elif trigger == "accept_proof":
        application.closed_at = utcnow()
    from sw_gremien.funding.mails import tell_about_step

    tell_about_step(request, application, event)


# -- Contacts ------------------------------------------------------------------------------------
# An organisation has at most this many contacts; someone who is not the office may add at most
# this many per hour (every addition mails the person added, with the name typed by the adder).
MAX_CONTACTS = 20
CONTACT_ADDITIONS_PER_HOUR = 20


class ContactRefused(Exception):
    """A rule refuses the change. ``field`` names the form field the message belongs to (None:
    the whole form)."""

    def __init__(self, message, field: str | None = None, status: int = 422):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status


def _lock_contacts(dbsession, organisation: Organisation) -> int:
    """Take the organisation's row lock (PostgreSQL; SQLite locks the database on the first
    write anyway) and count its contacts afresh: two people adding or removing at once must
    neither pass the limit nor remove the last contact between them."""
    dbsession.execute(select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
    return dbsession.scalar(select(func.count()).select_from(OrganisationContact).where(
        OrganisationContact.organisation_id == organisation.id))


def contact_additions_by(dbsession, actor) -> int:
    """How many contacts ``actor`` has added in the last hour (from the account events)."""
    from sw_gremien.accounts.models import AccountEvent

    since = utcnow() - dt.timedelta(hours=1)
    return dbsession.scalar(select(func.count(AccountEvent.id)).where(
        AccountEvent.tag == "contact_added", AccountEvent.actor_id == actor.id, AccountEvent.created_at > since))


def add_contact(request, organisation: Organisation, *, email: str, display_name: str):
    """Make the person with this address a contact of the organisation, and tell them.

    An existing account (the address compared without regard to case) becomes a contact and
    gets a short notice; for an unknown address an account without password is created and
    invited with the single-use link of the accounts (the same page sets the password). Someone
    whose account still has no password gets that invitation too. Returns the contact."""
    from sw_gremien.accounts import services as accounts
    from sw_gremien.accounts.models import TokenPurpose
    from sw_gremien.mail import public_url, send_mail
    from sw_gremien.notifications.services import notify

    dbsession, actor = request.dbsession, request.user
    user = accounts.find_user_by_email(dbsession, email)
    if user is not None and user in organisation.contacts:
        raise ContactRefused(_("${name} is already a contact of this organisation.",
                               mapping={"name": user.display_name}), field="email")
    if user is not None and not user.active:
        raise ContactRefused(_("The account with this address is deactivated. Please ask the office."),
                             field="email")
    if _lock_contacts(dbsession, organisation) >= MAX_CONTACTS:
        raise ContactRefused(_("An organisation can have at most ${count} contacts. Please remove one first.",
                               mapping={"count": MAX_CONTACTS}))
    if not actor.is_admin and contact_additions_by(dbsession, actor) >= CONTACT_ADDITIONS_PER_HOUR:
        raise ContactRefused(_("You have added many contacts in the last hour. Please try again later."),
                             status=429)

    if user is None:
        user = accounts.create_user(dbsession, email=email, display_name=display_name, actor=actor)
    organisation.contacts.append(user)
    accounts.record_event(dbsession, user, "contact_added", actor=actor, detail=organisation.name,
                          ip_address=request.remote_addr)
    values = {"user": user, "inviter": actor, "organisation_name": organisation.name}
    if user.password_hash is None:
        token = accounts.issue_token(dbsession, user, TokenPurpose.INVITATION)
        send_mail(request, [user.email], _("You are a contact of ${organisation_name} in the Integrations-Fonds"),
                  "funding/mail_contact_invitation.txt.jinja2",
                  {**values, "link": public_url(request, "password_set", token=token)}, locale=user.locale)
        accounts.record_event(dbsession, user, "invited", actor=actor, ip_address=request.remote_addr)
    else:
        notify(request, [user], _("You are a contact of ${organisation_name} in the Integrations-Fonds"),
               "funding/mail_contact_added.txt.jinja2", values,
               public_url(request, "organisation", organisation_id=organisation.id))
    dbsession.flush()
    return user


def remove_contact(request, organisation: Organisation, user) -> None:
    """Remove a contact (also oneself), never the last one: someone must keep the organisation."""
    from sw_gremien.accounts import services as accounts

    dbsession = request.dbsession
    if user not in organisation.contacts:
        raise ContactRefused(_("${name} is not a contact of this organisation.", mapping={"name": user.display_name}))
    if _lock_contacts(dbsession, organisation) <= 1:
        raise ContactRefused(_("${name} is the only contact of this organisation and cannot be removed. "
                               "Add another contact first.", mapping={"name": user.display_name}))
    organisation.contacts.remove(user)
    accounts.record_event(dbsession, user, "contact_removed", actor=request.user, detail=organisation.name,
                          ip_address=request.remote_addr)
    dbsession.flush()
