"""Reminders about the proof of use (Verwendungsnachweis), sent by ``sw-gremien remind-proofs``
from cron once a day.

Once the grant is paid out, the initiative owes the proof by its deadline. Four weeks before
it they get a reminder (Erinnerung); from the day after it a reminder that it is overdue
(Mahnung), repeated every four weeks up to three times. With the last one the office hears
that it may revoke the grant and claim the money back (the transition ``revoke``).

Each reminder is recorded (``ProofReminder``, unique per application, kind, level and
deadline, with the day it went out), so running the command twice a day sends nothing twice,
each reminder after the deadline follows the one before at the interval (a command that did
not run for a while starts with the first, never with the last), and a deadline that the
office moves starts over. The mails leave after the commit, like every mail of the app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from sw_gremien.funding.mails import applicants, office_staff
from sw_gremien.funding.models import PROOF_OWED_STATE, FundApplication, Organisation, ProofReminder, ReminderKind
from sw_gremien.i18n import _, today
from sw_gremien.mail import public_url
from sw_gremien.notifications.services import notify



@dataclass(frozen=True)
class ReminderPlan:
    days_before: int = 28      # the reminder before the deadline
    overdue_every: int = 28    # days between the reminders after it
    overdue_count: int = 3     # how many reminders after it

    @classmethod
    def from_settings(cls, settings) -> ReminderPlan:
        get = lambda name, default: int(settings.get(f"sw_gremien.funding.{name}", default))  # noqa: E731
        plan = cls(get("proof_reminder_days", cls.days_before), get("proof_overdue_every", cls.overdue_every),
                   get("proof_overdue_count", cls.overdue_count))
        if plan.days_before < 0 or plan.overdue_every < 1 or plan.overdue_count < 1:
            raise ValueError("proof reminders need days_before >= 0, overdue_every >= 1, overdue_count >= 1")
        return plan


@dataclass(frozen=True)
class DueReminder:
    application: FundApplication
    kind: ReminderKind
    level: int
    last: bool = False   # the last reminder after the deadline: the office hears of it too


@dataclass
class ReminderRun:
    sent: list[DueReminder] = field(default_factory=list)

    @property
    def before(self) -> int:
        return sum(1 for r in self.sent if r.kind == ReminderKind.DUE_SOON)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.sent if r.kind == ReminderKind.OVERDUE)


def reminder_due(deadline: dt.date, on: dt.date, plan: ReminderPlan,
                 sent: dict[str, tuple[int, dt.date]] | None = None) -> tuple[ReminderKind, int] | None:
    """Which reminder the day ``on`` calls for (the rule), given those ``sent`` for this
    deadline: kind → (highest level, the day it went out). Reminders after the deadline follow
    each other at the plan's interval from the one before, never skipping a level: a command
    that did not run for a while starts with the first, not with the last."""
    sent = sent or {}
    if on <= deadline:
        if (deadline - on).days <= plan.days_before and ReminderKind.DUE_SOON not in sent:
            return ReminderKind.DUE_SOON, 1
        return None
    last = sent.get(ReminderKind.OVERDUE)
    if last is None:
        return ReminderKind.OVERDUE, 1
    level, day = last
    if level < plan.overdue_count and (on - day).days >= plan.overdue_every:
        return ReminderKind.OVERDUE, level + 1
    return None


def due_reminders(dbsession, on: dt.date, plan: ReminderPlan) -> list[DueReminder]:
    """The reminders to send on ``on``, in two statements (plus the recipients' loading)."""
    applications = dbsession.scalars(
        select(FundApplication)
        .where(FundApplication.state == PROOF_OWED_STATE, FundApplication.proof_deadline.is_not(None),
               FundApplication.proof_deadline <= on + dt.timedelta(days=plan.days_before))
        .options(selectinload(FundApplication.organisation).selectinload(Organisation.contacts))
        .order_by(FundApplication.proof_deadline, FundApplication.id)
    ).all()
    if not applications:
        return []
    by_id = {a.id: a for a in applications}
    sent: dict[int, dict[str, tuple[int, dt.date]]] = {}
    for reminder in dbsession.scalars(
            select(ProofReminder).where(ProofReminder.application_id.in_(list(by_id)))
            .order_by(ProofReminder.level)):
        if reminder.deadline == by_id[reminder.application_id].proof_deadline:  # a moved deadline starts over
            sent.setdefault(reminder.application_id, {})[reminder.kind] = (reminder.level, reminder.sent_on)
    due = []
    for application in applications:
        step = reminder_due(application.proof_deadline, on, plan, sent.get(application.id))
        if step is not None:
            kind, level = step
            due.append(DueReminder(application, kind, level,
                                   last=kind == ReminderKind.OVERDUE and level == plan.overdue_count))
    return due


def send_proof_reminders(request, on: dt.date | None = None, plan: ReminderPlan | None = None) -> ReminderRun:
    """Record and mail the reminders due (the mails leave after the commit)."""
    on = on or today()
    plan = plan or ReminderPlan.from_settings(request.registry.settings)
    dbsession = request.dbsession
    run = ReminderRun()
    office = None
    for reminder in due_reminders(dbsession, on, plan):
        application = reminder.application
        dbsession.add(ProofReminder(application_id=application.id, kind=reminder.kind, level=reminder.level,
                                    deadline=application.proof_deadline, sent_on=on))
        values = {"application": application, "reference": application.reference or "",
                  "kind": str(reminder.kind), "level": reminder.level, "last": reminder.last,
                  "deadline": application.proof_deadline, "to_office": False}
        link = public_url(request, "application_proof", application_id=application.id)
        if reminder.kind == ReminderKind.DUE_SOON:
            subject = _("Reminder: proof of use for ${reference} due soon")
        else:
            subject = _("Overdue: proof of use for ${reference}")
        notify(request, applicants(application), subject, "funding/mail_proof_reminder.txt.jinja2", values, link)
        if reminder.last:
            office = office if office is not None else office_staff(dbsession)
            notify(request, office, _("Proof of use for ${reference} still missing"),
                   "funding/mail_proof_reminder.txt.jinja2", {**values, "to_office": True},
                   public_url(request, "application", application_id=application.id))
        run.sent.append(reminder)
    dbsession.flush()
    return run


def overdue_proofs(dbsession, on: dt.date | None = None) -> list[FundApplication]:
    """Paid-out grants whose proof is past its deadline, oldest first (for the office)."""
    return list(dbsession.scalars(
        select(FundApplication)
        .where(FundApplication.state == PROOF_OWED_STATE, FundApplication.proof_deadline < (on or today()))
        .options(selectinload(FundApplication.organisation))
        .order_by(FundApplication.proof_deadline, FundApplication.id)
    ))
