"""The issue's chain through the pages: application, question and answer, grant list through
AG Förderung and the steering group's meetings, 80 % granted with a condition, payout, proof
of use with less spent, repayment — and the ledger right at every step."""

from __future__ import annotations

import io
from decimal import Decimal

from pypdf import PdfReader

from sqlalchemy import select

from sw_gremien.funding import services as funding
from sw_gremien.funding.models import FundApplication, GrantListEntry, LedgerEntry
from sw_gremien.proposals.models import Proposal
from sw_gremien.bodies.models import MembershipRole
from sw_gremien.workflow.models import WorkflowEvent
from tests import factories
from tests.factories import BodyFactory, MembershipFactory, UserFactory
from tests.functional.helpers import csrf_token
from tests.functional.meetings.support import (
    add_to_agenda, fire_meeting, items, latest_meeting, plan, record_attendance, record_result,
)
from tests.functional.proposals.support import as_user, consultations, fire as fire_on_proposal_page, reload


def fire(testapp, dbsession, application, trigger, comment="", status=302):
    dbsession.expire_all()
    current = dbsession.get(FundApplication, application.id)
    return testapp.post(f"/ablauf/fund_applications/{application.id}/{trigger}", {
        "csrf_token": csrf_token(testapp), "version": current.version, "comment": comment,
        "came_from": f"/foerderung/antraege/{application.id}"}, status=status)


def form_for(page, action):
    return next(f for f in page.forms.values() if f.action == action)


def fresh(dbsession, application) -> FundApplication:
    dbsession.expire_all()
    return dbsession.get(FundApplication, application.id)


def balance(dbsession, fund):
    dbsession.expire_all()
    return funding.year_balance(dbsession, fund.years[0])


def test_from_application_to_repayment(testapp, dbsession, world, mailer):
    agfoe = BodyFactory(short_name="AG-FÖ", slug="ag-foe", name="Arbeitsgruppe Förderung")
    agfoe_secretary = MembershipFactory(body=agfoe, role=MembershipRole.SECRETARY).user
    MembershipFactory(body=agfoe)
    factories.proposal_type(((agfoe, "preliminary"), (world.lg, "decision")), name="Förderliste")
    fund = factories.fund()
    applicant = UserFactory(display_name="Ines Initiative")
    org = factories.organisation(applicant)
    application = factories.application(fund, org, applicant)

    # The initiative submits; the office asks; the initiative answers and resubmits.
    as_user(testapp, applicant)
    fire(testapp, dbsession, application, "submit")
    as_user(testapp, world.admin)
    fire(testapp, dbsession, application, "start_review")
    fire(testapp, dbsession, application, "request_info", comment="Wer leitet das Sprachcafé?")
    as_user(testapp, applicant)
    fire(testapp, dbsession, application, "resubmit", comment="Zwei Ehrenamtliche mit Lehrerfahrung.")
    application = fresh(dbsession, application)
    assert application.state == "in_review" and application.reference.startswith("F-")
    comments = [e.comment for e in dbsession.scalars(select(WorkflowEvent).where(
        WorkflowEvent.object_type == "fund_applications", WorkflowEvent.object_id == application.id))]
    assert "Wer leitet das Sprachcafé?" in comments and "Zwei Ehrenamtliche mit Lehrerfahrung." in comments

    # The office puts it on a grant list, a proposal for AG Förderung and LG-GI.
    as_user(testapp, world.admin)
    form = form_for(testapp.get("/verwaltung/fonds/foerderliste"), "/verwaltung/fonds/foerderliste")
    form["application"] = str(application.id)
    form[f"amount-{application.id}"] = "800,00"
    proposal_page = form.submit(status=302).follow()
    assert "Förderliste" in proposal_page.text and application.reference in proposal_page.text
    application = fresh(dbsession, application)
    assert application.state == "in_committee" and application.recommended_amount == Decimal("800.00")
    entry = dbsession.scalar(select(GrantListEntry).where(GrantListEntry.application_id == application.id))
    proposal = dbsession.get(Proposal, entry.proposal_id)
    fire_on_proposal_page(testapp, proposal, "submit")
    as_user(testapp, agfoe_secretary)
    fire_on_proposal_page(testapp, proposal, "accept")

    # AG Förderung recommends in its meeting.
    plan(testapp, agfoe)
    meeting = latest_meeting(dbsession, agfoe)
    add_to_agenda(testapp, meeting, consultations(dbsession, proposal)[0])
    fire_meeting(testapp, meeting, "convene")
    fire_meeting(testapp, meeting, "hold")
    record_attendance(testapp, meeting)
    [item] = items(dbsession, meeting)
    record_result(testapp, meeting, item, "recommended", unanimous=True)
    fire_meeting(testapp, meeting, "close")
    assert consultations(dbsession, proposal)[1].state == "open"
    assert balance(dbsession, fund).committed == 0

    # LG gesellschaftliche Integration decides 80 % with a condition: its secretary enters them
    # on the list during the meeting; AG Förderung, done with its step, no longer can.
    edit_url = f"/verwaltung/fonds/foerderliste/{proposal.id}"
    as_user(testapp, agfoe_secretary)
    assert edit_url not in testapp.get(f"/vorlagen/{proposal.id}").text
    testapp.get(edit_url, status=403)
    as_user(testapp, world.lg_secretary)
    plan(testapp, world.lg)
    meeting = latest_meeting(dbsession, world.lg)
    add_to_agenda(testapp, meeting, consultations(dbsession, proposal)[1])
    fire_meeting(testapp, meeting, "convene")
    fire_meeting(testapp, meeting, "hold")
    record_attendance(testapp, meeting)
    assert edit_url in testapp.get(f"/vorlagen/{proposal.id}").text
    form = form_for(testapp.get(edit_url), edit_url)
    form[f"amount-{entry.id}"] = "640,00"
    form[f"conditions-{entry.id}"] = "Nachweis der Teilnehmerzahlen."
    form.submit(status=302)
    as_user(testapp, world.lg_member)
    testapp.get(edit_url, status=403)
    as_user(testapp, world.lg_secretary)
    [item] = items(dbsession, meeting)
    record_result(testapp, meeting, item, "decided", resolution="Bewilligt wie empfohlen.", unanimous=True)
    fire_meeting(testapp, meeting, "close")
    assert reload(dbsession, proposal).state == "adopted"
    application = fresh(dbsession, application)
    assert (application.state, application.granted_amount, application.conditions) == (
        "granted", Decimal("640.00"), "Nachweis der Teilnehmerzahlen.")
    assert application.proof_deadline is not None
    assert balance(dbsession, fund) == funding.Balance(fund.years[0].year, Decimal("10000.00"),
                                                       committed=Decimal("640.00"), paid=Decimal("0.00"),
                                                       open_claims=Decimal("0.00"))

    # Payout, then the proof of use: 700 EUR spent instead of 1000.
    as_user(testapp, world.admin)
    fire(testapp, dbsession, application, "pay")
    assert balance(dbsession, fund).paid == Decimal("640.00")
    notice = testapp.get(f"/foerderung/antraege/{application.id}/bescheid.pdf")
    # Kerning may split a word in the extracted text ("T eilnehmer"): compare without spaces.
    text = "".join(PdfReader(io.BytesIO(notice.body)).pages[0].extract_text().split())
    assert "640,00" in text and "NachweisderTeilnehmerzahlen." in text and "DE8937040044" in text
    application = fresh(dbsession, application)
    as_user(testapp, applicant)
    proof = form_for(testapp.get(f"/foerderung/antraege/{application.id}/verwendungsnachweis"),
                     f"/foerderung/antraege/{application.id}/verwendungsnachweis")
    proof[f"actual-{application.cost_lines[0].id}"] = "siebenhundert"
    response = proof.submit(status=422)
    assert "Bitte geben Sie einen Betrag" in response.text or "Betrag in Euro" in response.text
    proof = form_for(response, f"/foerderung/antraege/{application.id}/verwendungsnachweis")
    assert proof["report"].value == ""
    proof["report"] = "Das Sprachcafé fand 30-mal statt."
    proof[f"actual-{application.cost_lines[0].id}"] = "700,00"
    proof.submit(status=302)
    fire(testapp, dbsession, application, "submit_proof")
    as_user(testapp, world.admin)
    fire(testapp, dbsession, application, "accept_proof", status=422)  # money is due back
    fire(testapp, dbsession, application, "claim_repayment")
    # Needed: 700 − 200 own funds = 500; granted 640; so 140 back.
    assert balance(dbsession, fund).open_claims == Decimal("140.00")
    fire(testapp, dbsession, application, "close")
    final = balance(dbsession, fund)
    assert (final.committed, final.paid, final.open_claims, final.free) == (
        Decimal("500.00"), Decimal("500.00"), Decimal("0.00"), Decimal("9500.00"))
    kinds = [(e.kind, e.amount) for e in dbsession.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]
    assert kinds == [("commitment", Decimal("640.00")), ("payout", Decimal("640.00")),
                     ("repayment_claim", Decimal("140.00")), ("repayment", Decimal("140.00"))]
