"""Issue 6, the steps around the grant: the early start (vorzeitiger Maßnahmebeginn), renouncing a
grant (its commitment is released), revoking a grant whose proof of use never came (the amount
paid is claimed back and received), and who hears of which step by mail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from sw_gremien.funding import services as funding
from sw_gremien.funding.models import LedgerEntry, ProofReminder
from sw_gremien.i18n import _, today
from tests import factories
from tests.factories import UserFactory
from tests.functional.funding.application_forms import field_error, fill_application, transition_form
from tests.functional.funding.test_grant_chain import fire, fresh
from tests.functional.helpers import set_date
from tests.functional.proposals.support import as_user, german


def setup(world, **kw):
    fund = factories.fund()
    applicant = UserFactory(display_name="Ines Initiative", email="ines@initiative.example")
    org = factories.organisation(applicant)
    application = factories.application(fund, org, applicant, **kw)
    return fund, applicant, application


def ledger(dbsession, application) -> list[tuple[str, Decimal]]:
    return [(e.kind, e.amount) for e in dbsession.scalars(
        select(LedgerEntry).where(LedgerEntry.application_id == application.id).order_by(LedgerEntry.id))]


def year_balance(dbsession, fund):
    dbsession.expire_all()
    return funding.year_balance(dbsession, fund.years[0])


def mails_to(mailer, address) -> list:
    return [m for m in mailer.outbox if address in m.recipients]


def test_an_early_start_needs_a_reason_and_the_office_approves_it(testapp, dbsession, world, mailer, app):
    fund, applicant, application = setup(world)
    as_user(testapp, applicant)
    form = testapp.get(f"/foerderung/antraege/{application.id}/bearbeiten").forms["application"]
    fill_application(form)
    form["early_start_requested"] = True
    page = form.submit("check", status=200)
    assert field_error(page, "early_start_reason") == german(app, _("Please say why the project has to start before the decision."))
    form = page.forms["application"]
    assert form["early_start_requested"].checked  # nothing typed is lost
    form["early_start_reason"] = "Die Räume gibt es nur ab März."
    form.submit("check", status=302)
    fire(testapp, dbsession, application, "submit")

    as_user(testapp, world.admin)
    fire(testapp, dbsession, application, "start_review")
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert "Die Räume gibt es nur ab März." in page.text
    assert german(app, _("Early start: requested, not approved yet.")) in page.text
    assert transition_form(page, "approve_early_start") is not None
    mailer.outbox.clear()
    fire(testapp, dbsession, application, "approve_early_start", comment="Einverstanden.")
    application = fresh(dbsession, application)
    assert application.early_start_approved and application.state == "in_review"
    [mail] = mails_to(mailer, "ines@initiative.example")
    assert mail.subject == german(app, _("Early start approved: ${reference}"), {"reference": application.reference})
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert german(app, _("Early start: approved by the office.")) in page.text
    assert transition_form(page, "approve_early_start") is None  # once only

    # Approved, the request stays on the record even if the applicant edits the form later.
    assert application.early_start_requested


def test_without_a_request_there_is_no_early_start_to_approve(testapp, dbsession, world):
    fund, applicant, application = setup(world, state="in_review", reference="F-2026-0100")
    as_user(testapp, world.admin)
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert transition_form(page, "approve_early_start") is None
    fire(testapp, dbsession, application, "approve_early_start", status=422)
    assert not fresh(dbsession, application).early_start_approved


def test_the_applicants_hear_of_the_offices_steps_and_the_office_of_theirs(testapp, dbsession, world, mailer, app):
    fund, applicant, application = setup(world, requested="400.00", own="600.00")
    as_user(testapp, applicant)
    fire(testapp, dbsession, application, "submit")
    application = fresh(dbsession, application)
    [to_office] = mails_to(mailer, world.admin.email)
    assert to_office.subject == german(app, _("New application ${reference}"), {"reference": application.reference})

    as_user(testapp, world.admin)
    mailer.outbox.clear()
    fire(testapp, dbsession, application, "start_review")
    assert mailer.outbox == []  # the start of the review is no news worth a mail
    fire(testapp, dbsession, application, "request_info", comment="Wie viele Termine sind geplant?")
    [question] = mails_to(mailer, "ines@initiative.example")
    assert "Wie viele Termine sind geplant?" in question.body
    assert question.subject == german(app, _("Question about your application ${reference}"),
                                      {"reference": application.reference})

    as_user(testapp, applicant)
    mailer.outbox.clear()
    fire(testapp, dbsession, application, "resubmit", comment="Zwanzig Termine.")
    [answer] = mails_to(mailer, world.admin.email)
    assert "Zwanzig Termine." in answer.body and not mails_to(mailer, "ines@initiative.example")

    # The small grant comes with the grant notice attached.
    as_user(testapp, world.admin)
    mailer.outbox.clear()
    fire(testapp, dbsession, application, "grant_small")
    [granted] = mails_to(mailer, "ines@initiative.example")
    assert [a.content_type for a in granted.attachments] == ["application/pdf"]
    assert granted.attachments[0].filename == f"bewilligung-{application.reference.lower()}.pdf"
    assert "400,00" in granted.body


def test_renouncing_a_grant_releases_its_commitment(testapp, dbsession, world, mailer):
    fund, applicant, application = setup(world, state="in_review", reference="F-2026-0101",
                                         requested="400.00", own="600.00")
    as_user(testapp, world.admin)
    fire(testapp, dbsession, application, "grant_small")
    assert year_balance(dbsession, fund).free == Decimal("9600.00")

    as_user(testapp, applicant)
    fire(testapp, dbsession, application, "renounce", status=422)  # a reason is required
    mailer.outbox.clear()
    fire(testapp, dbsession, application, "renounce", comment="Der Raum ist weggefallen.")
    application = fresh(dbsession, application)
    assert application.state == "withdrawn" and application.closed_at is not None
    assert ledger(dbsession, application) == [("commitment", Decimal("400.00")), ("release", Decimal("400.00"))]
    balance = year_balance(dbsession, fund)
    assert (balance.committed, balance.paid, balance.free) == (Decimal("0.00"), Decimal("0.00"), Decimal("10000.00"))
    assert "Der Raum ist weggefallen." in mails_to(mailer, world.admin.email)[0].body


def test_a_paid_grant_cannot_be_renounced_only_revoked_after_its_deadline(testapp, dbsession, world, mailer, app):
    fund, applicant, application = setup(world, state="in_review", reference="F-2026-0102",
                                         requested="400.00", own="600.00")
    as_user(testapp, world.admin)
    fire(testapp, dbsession, application, "grant_small")
    fire(testapp, dbsession, application, "pay")
    as_user(testapp, applicant)
    fire(testapp, dbsession, application, "renounce", comment="Doch nicht.", status=409)

    # Before the deadline the office cannot revoke; the reason names the date.
    as_user(testapp, world.admin)
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    deadline = fresh(dbsession, application).proof_deadline
    assert german(app, _("The proof of use is due only on ${date}."),
                  {"date": deadline.strftime("%d.%m.%Y")}) in page.text
    fire(testapp, dbsession, application, "revoke", comment="Kein Nachweis.", status=422)

    # After it, the grant is revoked and everything paid is claimed back, then received.
    application = fresh(dbsession, application)
    application.proof_deadline = today() - dt.timedelta(days=60)
    dbsession.flush()
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert german(app, _("overdue")) in page.text
    assert application.reference in testapp.get("/verwaltung/fonds").text  # listed as overdue
    page = fire(testapp, dbsession, application, "revoke", comment="Kein Nachweis.", status=422)
    assert german(app, _("The initiative has not been reminded of the overdue proof of use yet.")) in page.text
    dbsession.add(ProofReminder(application_id=application.id, kind="overdue", level=1,
                                deadline=application.proof_deadline, sent_on=today() - dt.timedelta(days=30)))
    dbsession.flush()
    fire(testapp, dbsession, application, "revoke", status=422)  # a reason is required
    mailer.outbox.clear()
    fire(testapp, dbsession, application, "revoke", comment="Trotz drei Mahnungen kein Nachweis.")
    application = fresh(dbsession, application)
    assert application.state == "repayment_claimed"
    assert funding.open_claim(dbsession, application) == Decimal("400.00")
    [mail] = mails_to(mailer, "ines@initiative.example")
    assert "400,00" in mail.body and "Trotz drei Mahnungen kein Nachweis." in mail.body
    assert year_balance(dbsession, fund).open_claims == Decimal("400.00")
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert german(app, _("Claimed back, not received yet")) in page.text

    fire(testapp, dbsession, application, "close")
    application = fresh(dbsession, application)
    assert application.state == "closed"
    assert ledger(dbsession, application) == [
        ("commitment", Decimal("400.00")), ("payout", Decimal("400.00")),
        ("repayment_claim", Decimal("400.00")), ("repayment", Decimal("400.00"))]
    balance = year_balance(dbsession, fund)
    assert (balance.committed, balance.paid, balance.open_claims, balance.free) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("10000.00"))
    assert fresh(dbsession, application).reference not in testapp.get("/verwaltung/fonds").text.split(
        "ledger-heading")[0]


def test_revoking_is_the_offices(testapp, dbsession, world):
    fund, applicant, application = setup(world, state="paid", reference="F-2026-0103",
                                         proof_deadline=today() - dt.timedelta(days=1))
    as_user(testapp, applicant)
    fire(testapp, dbsession, application, "revoke", comment="?", status=403)
    assert fresh(dbsession, application).state == "paid"


def test_the_office_gives_more_time_for_the_proof(testapp, dbsession, world, mailer, app):
    deadline = today() + dt.timedelta(days=10)
    fund, applicant, application = setup(world, state="paid", reference="F-2026-0104", granted_amount=800,
                                         proof_deadline=deadline)
    url = f"/foerderung/antraege/{application.id}/frist"
    as_user(testapp, applicant)
    testapp.get(url, status=403)  # the applicant may fire other steps now, not this one

    as_user(testapp, world.admin)
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert page.html.find("a", href=url) is not None
    assert transition_form(page, "extend_deadline") is None  # no comment-only form for it
    fire(testapp, dbsession, application, "extend_deadline", comment="Mehr Zeit.", status=404)

    form = testapp.get(url).forms["deadline"]
    set_date(form, "proof_deadline", (deadline - dt.timedelta(days=1)).isoformat())
    form["reason"] = "Die Kassiererin war krank."
    page = form.submit("save", status=422)
    assert field_error(page, "date") == german(
        app, _("The new deadline must lie after the current one and after today."))
    assert page.forms["deadline"]["reason"].value == "Die Kassiererin war krank."
    form = page.forms["deadline"]
    set_date(form, "proof_deadline", "2028-04-30")
    mailer.outbox.clear()
    form.submit("save", status=302)

    application = fresh(dbsession, application)
    assert application.proof_deadline == dt.date(2028, 4, 30) and application.state == "paid"
    [mail] = mails_to(mailer, "ines@initiative.example")
    assert "30.04.2028" in mail.body and "Die Kassiererin war krank." in mail.body
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    assert "30.04.2028" in page.text and "Die Kassiererin war krank." in page.text  # the history has the reason
    testapp.get(f"/foerderung/antraege/{application.id}/frist")

    # After the proof arrives there is no deadline to move.
    application.state = "proof_submitted"
    dbsession.flush()
    testapp.get(url, status=404)


def test_the_office_checks_the_proof_on_the_application_page(testapp, dbsession, world, app):
    from sw_gremien.documents.models import Attachment
    from sw_gremien.documents.services import upload_dir

    fund, applicant, application = setup(world, state="proof_submitted", reference="F-2026-0105",
                                         granted_amount=800, proof_report="Zwölf Treffen mit 20 Gästen.")
    application.cost_lines[0].actual_amount = Decimal("700.00")
    directory = upload_dir(app.registry.settings)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"receipt{application.id}").write_bytes(b"%PDF-1.4 Beleg")
    receipt = Attachment(owner_type="fund_applications", owner_id=application.id, filename="Rechnung Bücher.pdf",
                         stored_name=f"receipt{application.id}", content_type="application/pdf", size=14,
                         sha256="0" * 64)
    dbsession.add(receipt)
    dbsession.flush()
    url = f"/foerderung/antraege/{application.id}/belege/{receipt.id}"

    as_user(testapp, world.admin)
    page = testapp.get(f"/foerderung/antraege/{application.id}")
    section = page.html.find(id="proof-heading").parent
    assert "Zwölf Treffen mit 20 Gästen." in section.text and "700,00" in section.text
    assert section.find("a", href=url) is not None
    assert page.html.find("a", href=f"/foerderung/antraege/{application.id}/bescheid.pdf") is not None
    download = testapp.get(url)
    assert download.body == b"%PDF-1.4 Beleg" and download.headers["Content-Disposition"].startswith("attachment")

    # The committee sees neither the proof nor the receipts; another application's address does not reach it.
    as_user(testapp, world.lg_member)
    testapp.get(url, status=403)
    other = factories.application(fund, factories.organisation(applicant, name="Zweite Initiative"), applicant,
                                  state="proof_submitted")
    as_user(testapp, world.admin)
    testapp.get(f"/foerderung/antraege/{other.id}/belege/{receipt.id}", status=404)


def test_an_office_member_who_is_also_a_contact_still_informs_the_other_contacts(testapp, dbsession, world, mailer):
    fund, applicant, application = setup(world, state="in_review", reference="F-2026-0106",
                                         requested="400.00", own="600.00")
    application.organisation.contacts.append(world.admin)
    dbsession.flush()
    as_user(testapp, world.admin)
    fire(testapp, dbsession, application, "grant_small")
    assert [m.recipients for m in mailer.outbox] == [["ines@initiative.example"]]  # not the actor, not the office


def test_a_removed_contact_loses_the_applications_they_wrote(testapp, dbsession, world):
    fund, applicant, application = setup(world, state="in_review", reference="F-2026-0107")
    colleague = UserFactory(email="kai@initiative.example")
    application.organisation.contacts.append(colleague)
    dbsession.flush()
    as_user(testapp, applicant)
    assert "DE89" in testapp.get(f"/foerderung/antraege/{application.id}").text
    application.organisation.contacts.remove(applicant)
    dbsession.flush()
    testapp.get(f"/foerderung/antraege/{application.id}", status=403)
    testapp.get(f"/foerderung/antraege/{application.id}/antrag.pdf", status=403)
