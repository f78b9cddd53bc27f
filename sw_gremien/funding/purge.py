"""Removing personal data from old applications (data protection).

Grant records are usually kept for five years after the case is closed. After that, the
personal and bank data of an application go: account holder and IBAN, the free texts that may
name people (description, goals, target group, partners, conditions, the reason for an early
start, proof report, the descriptions of cost lines, the conditions on grant lists, the
comments in its history — questions, answers, reasons — and the mails about it kept as
notifications), the link to the person who wrote it, and its attached files.
What stays are the anonymised figures the fund's statistics need: title, organisation,
districts, period, participants, amounts (planned, requested, granted, actual per cost line
and category), the state and the dates, the steps of its history (who did what when), and the
ledger.

The organisation's master data stay: the organisation may still be active.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import selectinload

from sw_gremien.db import utcnow
from sw_gremien.documents.models import Attachment
from sw_gremien.funding.models import FundApplication, GrantListEntry
from sw_gremien.i18n import local_to_utc
from sw_gremien.notifications.models import Notification
from sw_gremien.i18n import today as city_today
from sw_gremien.workflow.models import WorkflowEvent

DEFAULT_KEEP_YEARS = 5
FINAL_STATES = ("closed", "rejected", "withdrawn")
# Attachments of applications (application documents, receipts of the proof of use).
OWNER_TYPES = ("fund_applications",)
# Where an application's pages live (sw_gremien.routes): the links of the mails about it.
APPLICATION_PATH = "/foerderung/antraege"
BLANKED_TEXTS = ("account_holder", "iban", "description", "goals", "target_group", "partners", "conditions",
                 "early_start_reason", "proof_report")


def keep_years(settings) -> int:
    """``sw_gremien.funding.keep_years`` (default 5)."""
    return int(settings.get("sw_gremien.funding.keep_years", DEFAULT_KEEP_YEARS))


def cutoff(older_than_years: int, today: dt.date | None = None) -> dt.datetime:
    """The start of the day ``older_than_years`` before today, in Stuttgart, as UTC."""
    day = (today or city_today()) - relativedelta(years=older_than_years)
    return local_to_utc(day)


def due_for_purge(dbsession, older_than_years: int = DEFAULT_KEEP_YEARS, today: dt.date | None = None):
    """Final applications, not purged yet, whose end (closed, else decided, else last changed)
    lies before the keeping period."""
    ended = func.coalesce(FundApplication.closed_at, FundApplication.decided_at, FundApplication.updated_at)
    return select(FundApplication).where(
        FundApplication.state.in_(FINAL_STATES),
        FundApplication.purged_at.is_(None),
        ended < cutoff(older_than_years, today),
    )


def purge_applications(dbsession, older_than_years: int = DEFAULT_KEEP_YEARS, today: dt.date | None = None,
                       upload_directory: Path | str | None = None, transaction_manager=None) -> int:
    """Purge the personal data of the applications due; returns how many.

    Attached files are removed from ``upload_directory`` (when given): after the commit if a
    ``transaction_manager`` is given, else at once."""
    if older_than_years < 0:
        raise ValueError("the keeping period cannot be negative")
    applications = dbsession.scalars(
        due_for_purge(dbsession, older_than_years, today).options(selectinload(FundApplication.cost_lines))
        .order_by(FundApplication.id)
    ).all()
    if not applications:
        return 0
    now = utcnow()
    ids = [a.id for a in applications]
    for application in applications:
        for name in BLANKED_TEXTS:
            setattr(application, name, "")
        application.created_by_id = None
        for line in application.cost_lines:
            line.description = ""
        application.purged_at = now
    dbsession.execute(update(GrantListEntry).where(GrantListEntry.application_id.in_(ids)).values(conditions="")
                      .execution_options(synchronize_session=False))
    # The one exception to the append-only history: the keeping period ends for the free text
    # of its comments too. A Core UPDATE, so the ORM guard of WorkflowEvent does not stop it;
    # the events themselves (step, actor, time) stay.
    dbsession.execute(update(WorkflowEvent).where(
        WorkflowEvent.object_type == FundApplication.__tablename__, WorkflowEvent.object_id.in_(ids),
        WorkflowEvent.comment.is_not(None),
    ).values(comment=None).execution_options(synchronize_session=False))
    # The mails about them, kept as notifications, quote the same texts: they go as a whole.
    # They are found by their link to the application's pages (…/foerderung/antraege/<id>[/…]).
    dbsession.execute(delete(Notification).where(or_(*(
        condition for application_id in ids for condition in (
            Notification.link.like(f"%{APPLICATION_PATH}/{application_id}"),
            Notification.link.like(f"%{APPLICATION_PATH}/{application_id}/%"))))
    ).execution_options(synchronize_session=False))
    attachments = dbsession.scalars(
        select(Attachment).where(Attachment.owner_type.in_(OWNER_TYPES), Attachment.owner_id.in_(ids))
    ).all()
    paths = [Path(upload_directory) / a.stored_name for a in attachments] if upload_directory else []
    for attachment in attachments:
        dbsession.delete(attachment)
    dbsession.flush()
    if paths:
        def remove_files(success=True):
            if success:
                for path in paths:
                    path.unlink(missing_ok=True)

        if transaction_manager is not None:
            transaction_manager.get().addAfterCommitHook(remove_files)
        else:
            remove_files()
    return len(applications)
