"""Reminders about the proof of use: four weeks before the deadline, then after it every four
weeks up to three times (the office hears of the last), each once, and only while the proof is
owed. Through the service on the test's database, and through ``sw-gremien remind-proofs`` on
a database of its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyramid.request import Request, apply_request_extensions
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from sw_gremien.funding.models import ProofReminder
from sw_gremien.funding.reminders import ReminderPlan, reminder_due, send_proof_reminders
from sw_gremien.i18n import _, today
from tests import factories
from tests.factories import AdminFactory, UserFactory
from tests.functional.proposals.support import german

DEADLINE = dt.date(2027, 1, 31)
PLAN = ReminderPlan(days_before=28, overdue_every=28, overdue_count=3)


def run_on(app, day: dt.date, plan=PLAN):
    """The reminder run of one day, committed like the cron command's (mails after the commit)."""
    request = Request.blank("/")
    request.registry = app.registry
    apply_request_extensions(request)
    with request.tm:
        run = send_proof_reminders(request, on=day, plan=plan)
        sent = [(r.application.id, str(r.kind), r.level) for r in run.sent]
    return sent


@pytest.fixture
def owing(dbsession):
    fund = factories.fund()
    applicant = UserFactory(display_name="Ines Initiative", email="ines@initiative.example")
    org = factories.organisation(applicant)
    application = factories.application(fund, org, applicant, state="paid", reference="F-2026-0042",
                                        granted_amount=800, proof_deadline=DEADLINE)
    return application


@pytest.mark.parametrize(("day", "sent", "expected"), [
    (DEADLINE - dt.timedelta(days=29), {}, None),
    (DEADLINE - dt.timedelta(days=28), {}, ("due_soon", 1)),
    (DEADLINE, {}, ("due_soon", 1)),
    (DEADLINE, {"due_soon": (1, DEADLINE - dt.timedelta(days=28))}, None),
    (DEADLINE + dt.timedelta(days=1), {"due_soon": (1, DEADLINE)}, ("overdue", 1)),
    (DEADLINE + dt.timedelta(days=60), {}, ("overdue", 1)),  # never skips to the last
    (DEADLINE + dt.timedelta(days=28), {"overdue": (1, DEADLINE + dt.timedelta(days=1))}, None),
    (DEADLINE + dt.timedelta(days=29), {"overdue": (1, DEADLINE + dt.timedelta(days=1))}, ("overdue", 2)),
    (DEADLINE + dt.timedelta(days=90), {"overdue": (2, DEADLINE + dt.timedelta(days=62))}, ("overdue", 3)),
    (DEADLINE + dt.timedelta(days=400), {"overdue": (3, DEADLINE + dt.timedelta(days=90))}, None),
])
def test_the_rule(day, sent, expected):
    assert reminder_due(DEADLINE, day, PLAN, sent) == expected


def test_each_reminder_once_the_last_also_to_the_office(app, dbsession, mailer, owing):
    office = AdminFactory(email="office@stuttgart.example")
    assert run_on(app, DEADLINE - dt.timedelta(days=29)) == []
    assert run_on(app, DEADLINE - dt.timedelta(days=28)) == [(owing.id, "due_soon", 1)]
    [mail] = mailer.outbox
    assert mail.recipients == ["ines@initiative.example"]
    assert mail.subject == german(app, _("Reminder: proof of use for ${reference} due soon"),
                                  {"reference": "F-2026-0042"})
    assert "31.01.2027" in mail.body and f"/foerderung/antraege/{owing.id}/verwendungsnachweis" in mail.body
    assert run_on(app, DEADLINE - dt.timedelta(days=20)) == []  # not twice

    mailer.outbox.clear()
    assert run_on(app, DEADLINE + dt.timedelta(days=1)) == [(owing.id, "overdue", 1)]
    assert run_on(app, DEADLINE + dt.timedelta(days=2)) == []
    assert run_on(app, DEADLINE + dt.timedelta(days=29)) == [(owing.id, "overdue", 2)]
    assert [m.recipients for m in mailer.outbox] == [["ines@initiative.example"]] * 2
    assert run_on(app, DEADLINE + dt.timedelta(days=100)) == [(owing.id, "overdue", 3)]
    assert sorted(m.recipients[0] for m in mailer.outbox[2:]) == ["ines@initiative.example", office.email]
    assert run_on(app, DEADLINE + dt.timedelta(days=200)) == []
    assert len(dbsession.scalars(select(ProofReminder)).all()) == 4


def test_after_missed_runs_the_reminders_start_with_the_first(app, dbsession, mailer, owing):
    assert run_on(app, DEADLINE + dt.timedelta(days=60)) == [(owing.id, "overdue", 1)]
    assert run_on(app, DEADLINE + dt.timedelta(days=61)) == []
    assert run_on(app, DEADLINE + dt.timedelta(days=88)) == [(owing.id, "overdue", 2)]
    assert "letzte" not in mailer.outbox[0].body.lower()


def test_a_new_deadline_starts_over(app, dbsession, mailer, owing):
    assert run_on(app, DEADLINE + dt.timedelta(days=1)) == [(owing.id, "overdue", 1)]
    owing.proof_deadline = DEADLINE + dt.timedelta(days=90)  # the office gave more time
    dbsession.flush()
    assert run_on(app, DEADLINE + dt.timedelta(days=70)) == [(owing.id, "due_soon", 1)]


def test_only_while_the_proof_is_owed(app, dbsession, mailer, owing):
    for state in ("granted", "proof_submitted", "repayment_claimed", "closed", "withdrawn"):
        owing.state = state
        dbsession.flush()
        assert run_on(app, DEADLINE + dt.timedelta(days=1)) == []
    assert mailer.outbox == []


def test_the_statements_do_not_grow_with_the_applications(app, dbsession, engine, owing):
    from sqlalchemy import event

    def count_for(day):
        statements = []

        def listener(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            run_on(app, day)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    one = count_for(DEADLINE)
    fund = owing.fund
    for number in range(9):
        person = UserFactory()
        factories.application(fund, factories.organisation(person, name=f"Initiative {number}"), person,
                              state="paid", reference=f"F-2026-{number + 100:04d}", proof_deadline=DEADLINE)
    ten = count_for(DEADLINE)
    # The writes (reminder records, notifications) grow with the reminders; the reads do not.
    assert ten == one


def test_the_command(tmp_path, capsys, dbsession):
    """``sw-gremien remind-proofs`` with its own ini, database and mail directory."""
    from sw_gremien import cli, migrate

    database = tmp_path / "remind.sqlite"
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        factories.bind(session)
        person = UserFactory(email="ines@initiative.example")
        fund = factories.fund()
        factories.application(fund, factories.organisation(person), person, state="paid", reference="F-2026-0007",
                              proof_deadline=today() + dt.timedelta(days=10))
        session.commit()
    factories.bind(dbsession)
    engine.dispose()
    maildir = tmp_path / "mail"
    config = tmp_path / "remind.ini"
    config.write_text(Path(__file__).with_name("remind.ini.template").read_text(encoding="utf-8").format(
        database=database, maildir=maildir), encoding="utf-8")

    assert cli.main(["-c", str(config), "remind-proofs"]) == 0
    assert capsys.readouterr().out.startswith("1 Erinnerungen und 0 Mahnungen")
    [message] = list(maildir.glob("*"))
    assert "ines@initiative.example" in message.read_text(encoding="utf-8")
    assert cli.main(["-c", str(config), "remind-proofs"]) == 0
    assert capsys.readouterr().out.startswith("0 Erinnerungen und 0 Mahnungen")
    assert len(list(maildir.glob("*"))) == 1
