"""The purge of personal and bank data from old applications: which ones, what goes, what
stays for the statistics, and the command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from sw_gremien.documents.models import Attachment
from sw_gremien.funding.models import FundApplication
from sw_gremien.funding.purge import cutoff, keep_years, purge_applications
from tests import factories
from tests.factories import UserFactory

TODAY = dt.date(2032, 6, 15)


def at(year, month=1, day=10) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


def attach(dbsession, directory: Path, application, name="beleg.pdf") -> Attachment:
    stored = f"stored{application.id}{name.replace('.', '')}"
    (directory / stored).write_bytes(b"%PDF-1.4 test")
    attachment = Attachment(owner_type="fund_applications", owner_id=application.id, filename=name,
                            stored_name=stored, content_type="application/pdf", size=13, sha256="0" * 64)
    dbsession.add(attachment)
    dbsession.flush()
    return attachment


@pytest.fixture
def situation(dbsession, tmp_path):
    fund = factories.fund({2026: "10000.00"})
    author = UserFactory()
    org = factories.organisation(author)

    def application(state, **kw):
        values = {"partners": "Frau Müller, Tel. 0711 1234", "proof_report": "Frau Müller hat …",
                  "conditions": "Nur mit Herrn Maier", "districts": ["sued", "mitte"],
                  "granted_amount": Decimal("800.00")}
        values.update(kw)
        return factories.application(fund, org, author, state=state, **values)

    old_closed = application("closed", closed_at=at(2027, 3), decided_at=at(2026, 5))
    old_rejected = application("rejected", decided_at=at(2026, 12), granted_amount=None)
    old_withdrawn = application("withdrawn", granted_amount=None)
    recent_closed = application("closed", closed_at=at(2028, 1), decided_at=at(2026, 5))  # 4,5 years ago
    old_running = application("paid", decided_at=at(2020, 1))  # not final: never purged
    dbsession.flush()
    # updated_at follows every change: set it last, with a plain UPDATE.
    dbsession.execute(FundApplication.__table__.update().where(FundApplication.id == old_withdrawn.id)
                      .values(updated_at=at(2026, 1)))
    dbsession.expire_all()
    files = {a.id: attach(dbsession, tmp_path, a) for a in (old_closed, recent_closed)}
    return {"old": [old_closed, old_rejected, old_withdrawn], "kept": [recent_closed, old_running],
            "files": files, "author": author, "org": org, "dir": tmp_path}


def test_the_cutoff_is_the_keeping_period_before_today():
    assert cutoff(5, TODAY) == dt.datetime(2027, 6, 14, 22, tzinfo=dt.UTC)  # midnight in Stuttgart
    assert keep_years({}) == 5
    assert keep_years({"sw_gremien.funding.keep_years": "10"}) == 10


def test_old_final_applications_lose_their_personal_data_and_keep_their_figures(dbsession, situation):
    old_closed = situation["old"][0]
    before = {line.id: (line.category, line.amount) for line in old_closed.cost_lines}

    assert purge_applications(dbsession, older_than_years=5, today=TODAY,
                              upload_directory=situation["dir"]) == 3
    dbsession.expire_all()

    for application in situation["old"]:
        purged = dbsession.get(FundApplication, application.id)
        assert purged.purged_at is not None
        for name in ("account_holder", "iban", "description", "goals", "target_group", "partners",
                     "proof_report", "conditions"):
            assert getattr(purged, name) == "", name
        assert purged.created_by_id is None
        # What the statistics need stays.
        assert purged.title == "Sprachcafé im Stadtteiltreff"
        assert purged.districts == ["sued", "mitte"]
        assert purged.requested_amount == Decimal("800.00") and purged.own_funds == Decimal("200.00")
        assert purged.period_start == dt.date(2027, 3, 1)
        assert purged.organisation_id == situation["org"].id
    closed = dbsession.get(FundApplication, old_closed.id)
    assert closed.granted_amount == Decimal("800.00") and closed.state == "closed"
    assert {line.id: (line.category, line.amount) for line in closed.cost_lines} == before
    assert all(line.description == "" for line in closed.cost_lines)

    # The old application's files are gone, row and bytes; the recent one's stay.
    old_file, recent_file = (situation["files"][a.id] for a in (old_closed, situation["kept"][0]))
    remaining = set(dbsession.scalars(select(Attachment.id)))
    assert old_file.id not in remaining and recent_file.id in remaining
    assert not (situation["dir"] / old_file.stored_name).exists()
    assert (situation["dir"] / recent_file.stored_name).exists()

    # The others are untouched; the organisation keeps its data.
    for application in situation["kept"]:
        kept = dbsession.get(FundApplication, application.id)
        assert kept.purged_at is None and kept.iban and kept.partners and kept.created_by_id
    assert situation["org"].iban and situation["org"].contacts

    # Once purged, never again.
    assert purge_applications(dbsession, older_than_years=5, today=TODAY) == 0


def test_the_history_keeps_its_steps_without_their_comments(dbsession, situation):
    """Questions, answers and reasons in the history and the conditions on a grant list may name
    people: they go with the rest; who did which step when stays, as do other objects' comments."""
    from sw_gremien.funding.models import GrantListEntry
    from sw_gremien.workflow.models import WorkflowEvent

    old, kept = situation["old"][0], situation["kept"][0]

    def event(application, comment, object_type="fund_applications"):
        dbsession.add(WorkflowEvent(object_type=object_type, object_id=application.id, workflow="fund_application",
                                    transition="request_info", from_state="in_review", to_state="info_requested",
                                    actor_id=situation["author"].id, comment=comment))

    event(old, "Frau Müller soll anrufen.")
    event(kept, "Herr Maier bitte melden.")
    event(old, "Kommentar eines Antrags gleicher Nummer", object_type="proposals")
    proposal = factories.proposal(situation["author"], factories.BodyFactory())
    dbsession.add_all([GrantListEntry(proposal_id=proposal.id, application_id=a.id, position=i, amount=Decimal("1"),
                                      conditions="Nur mit Frau Müller") for i, a in enumerate((old, kept), start=1)])
    dbsession.flush()

    from sw_gremien.notifications.models import Notification

    base = "http://localhost/foerderung/antraege"
    for link in (f"{base}/{old.id}", f"{base}/{old.id}/verwendungsnachweis", f"{base}/{kept.id}",
                 f"{base}/{old.id}0", "http://localhost/vorlagen/1"):
        dbsession.add(Notification(user_id=situation["author"].id, subject="Rückfrage", body="Frau Müller …",
                                   link=link))
    dbsession.flush()

    purge_applications(dbsession, older_than_years=5, today=TODAY)
    dbsession.expire_all()
    assert sorted(n.link for n in dbsession.scalars(select(Notification))) == sorted(
        [f"{base}/{kept.id}", f"{base}/{old.id}0", "http://localhost/vorlagen/1"])
    comments = {(e.object_type, e.object_id): (e.comment, e.actor_id, e.transition)
                for e in dbsession.scalars(select(WorkflowEvent))}
    assert comments[("fund_applications", old.id)] == (None, situation["author"].id, "request_info")
    assert comments[("fund_applications", kept.id)][0] == "Herr Maier bitte melden."
    assert comments[("proposals", old.id)][0] == "Kommentar eines Antrags gleicher Nummer"
    conditions = {e.application_id: e.conditions for e in dbsession.scalars(select(GrantListEntry))}
    assert conditions == {old.id: "", kept.id: "Nur mit Frau Müller"}


def test_a_shorter_period_reaches_more(dbsession, situation):
    assert purge_applications(dbsession, older_than_years=4, today=TODAY) == 4
    assert purge_applications(dbsession, older_than_years=0, today=TODAY) == 0  # the running one never


def test_the_command_purges_and_prints_the_count(dbsession, tmp_path, monkeypatch, capsys):
    """``sw-gremien purge-applications`` on a database of its own."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from sw_gremien import cli, migrate

    url = f"sqlite:///{tmp_path / 'purge.sqlite'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        factories.bind(session)
        fund = factories.fund({2020: "1000.00"})
        app = factories.application(fund, factories.organisation(), state="rejected", decided_at=at(2020, 2))
        session.commit()
        app_id = app.id
    factories.bind(dbsession)
    monkeypatch.setenv("SW_GREMIEN_DATABASE_URL", url)
    monkeypatch.setenv("SW_GREMIEN_UPLOAD_DIR", str(tmp_path / "uploads"))
    config = str(Path(__file__).resolve().parents[3] / "testing.ini")

    assert cli.main(["-c", config, "purge-applications", "--years", "50"]) == 0
    assert " 0 " in capsys.readouterr().out
    assert cli.main(["-c", config, "purge-applications"]) == 0
    assert " 1 " in capsys.readouterr().out
    with Session(engine) as session:
        purged = session.get(FundApplication, app_id)
        assert purged.purged_at is not None and purged.iban == ""
    engine.dispose()
