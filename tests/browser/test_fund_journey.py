"""The Integrations-Fonds journey of issue 6 in Chromium, every page checked by axe-core (WCAG 2.1 AA).

The same chain as tests/functional/funding/test_grant_chain.py, through the pages: an initiative
registers (form errors first), follows the link of the confirmation mail, chooses its password
and logs in; it writes an application (a wrong IBAN and an unbalanced plan first, the live
totals of financing.js as it types) and submits it (the receipt mail with the application as
PDF). The office reviews and asks; the initiative answers and resubmits. The office gives the
year a budget and puts the application on a grant list, which AG Förderung recommends and
LG gesellschaftliche Integration decides, both in writing by their secretaries (an open
consultation step may be settled so, workflows/consultation.yaml); before the decision the
office lowers the amount to 80 % with a condition. Granted: the notice as PDF, the payout, the
proof of use with less spent, the repayment claimed and received, the fund overview right at
each step; the public list of funded projects names the project and nothing personal.

Elements are found by id, name, action or href, not by visible text; where text matters it is
data, a workflow label from workflows/*.yaml, or what the app's own catalogue makes of the
message id.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from sw_gremien.funding.models import LEDGER_KIND_LABELS, LedgerKind
from sw_gremien.i18n import format_money, today
from sw_gremien.text import parse_amount
from tests.browser.helpers import login
from tests.browser.test_meeting_journey import flashes
from tests.browser.test_proposal_journey import (
    OFFICE,
    assert_error_next_to,
    click_and_wait,
    goto,
    outbox_of,
    proposal_state,
    state_label,
    transition_button,
)

pytestmark = pytest.mark.browser

AGFOE_SECRETARY = "schriftfuehrung.ag-foe@stuttgart.example"
LGGI_SECRETARY = "schriftfuehrung.lg-gi@stuttgart.example"

# The initiative: nobody else in the demo has these.
CONTACT_NAME = "Aylin Demir"
CONTACT_EMAIL = "aylin.demir@sprachcafe-feuerbach.example"
PASSWORD = "Sprachcafe-Feuerbach-2026"
ORGANISATION = "Sprachcafé Feuerbach"
DISTRICT = "feuerbach"
DISTRICT_NAME = "Feuerbach"

TITLE = "Sprachcafé im Stadtteiltreff Feuerbach"
DESCRIPTION = "Jeden Donnerstag üben Neuzugewanderte mit Ehrenamtlichen Deutsch, bei Kaffee und Kuchen."
COSTS = (("personnel", "Honorar Sprachlehrerin", "600,00"), ("catering", "Kaffee und Kuchen", "400,00"))
OWN_FUNDS = "50,00"
VOLUNTEER_HOURS = "10"    # at 15 EUR: 150 EUR; other financing 200 EUR
REQUESTED = "800,00"      # 1.000 EUR costs − 200 EUR other financing
HOLDER = "Sprachcafé Feuerbach e. V."
IBAN = "DE89370400440532013000"
WRONG_IBAN = "DE89 3704 0044 0532 0130 01"  # one digit off: the check digits do not match

QUESTION = "Wer leitet das Sprachcafé?"
ANSWER = "Zwei Ehrenamtliche mit Lehrerfahrung."
BUDGET = Decimal("100000.00")
GRANTED = Decimal("640.00")  # 80 % of the 800 EUR requested
CONDITION = "Nachweis der Teilnehmerzahlen."
ACTUAL = ("450,00", "250,00")  # 700 EUR spent instead of 1.000
# Needed: 700 − 200 other financing = 500; granted 640; so 140 back.
REPAYMENT = Decimal("140.00")
PHONE = {"width": 320, "height": 640}  # WCAG 1.4.10 Reflow
DESKTOP = {"width": 1280, "height": 720}  # Playwright's default
REPORT = "Das Sprachcafé fand 30-mal statt, im Schnitt mit zwölf Gästen."


def spaced(text: str) -> str:
    """Money as text, whatever space the formatter put before the euro sign."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def money(amount) -> str:
    return spaced(format_money(Decimal(amount), "de"))


def application_state(page) -> str:
    return page.locator("main .workflow-panel .workflow-state .state-badge").inner_text().strip()


def fact(page, label: str) -> str:
    """The <dd> after the <dt> with the catalogue's German for ``label`` in the facts list."""
    term = page.locator("main dl.facts > dt").filter(has_text=re.compile(rf"^{re.escape(label)}$"))
    assert term.count() == 1, f"no fact {label!r}"
    return spaced(term.locator("xpath=following-sibling::dd[1]").inner_text())


def totals(page) -> dict:
    box = page.locator("#financing-totals")
    return {key: spaced(box.locator(f"[data-total={key}]").inner_text())
            for key in ("cost", "financing", "difference")}


def transition_form(object_type: str, object_id: int, trigger: str) -> str:
    return f"form.workflow-transition[action='/ablauf/{object_type}/{object_id}/{trigger}']"


def year_figures(page, year: int) -> dict:
    """The fund overview's row of ``year``: its figures as amounts."""
    row = page.locator("#fund-balances tbody tr").filter(
        has=page.locator("th[scope=row]", has_text=re.compile(rf"^{year}$")))
    assert row.count() == 1, f"no row for {year} on the fund overview"
    cells = [spaced(text) for text in row.locator("td.text-end").all_inner_texts()]
    keys = ("budget", "committed", "paid", "open_claims", "free")
    return {key: parse_amount(text) for key, text in zip(keys, cells, strict=True)}


def fill_application(page, requested: str, iban: str) -> None:
    """Everything an application needs, with ``requested`` and ``iban`` as given."""
    form = "#application"
    page.fill(f"{form} input[name=title]", TITLE)
    page.fill(f"{form} textarea[name=description]", DESCRIPTION)
    page.fill(f"{form} textarea[name=goals]", "Mehr Mut zum Sprechen im Alltag.")
    page.fill(f"{form} textarea[name=target_group]", "Geflüchtete Familien aus der Unterkunft Feuerbach.")
    page.check(f"{form} input[type=checkbox][value='{DISTRICT}']")
    start = today() + dt.timedelta(days=60)
    dates = page.locator(f"{form} input[type=date]")
    dates.nth(0).fill(start.isoformat())
    dates.nth(1).fill((start + dt.timedelta(days=180)).isoformat())
    page.fill(f"{form} input[name=expected_participants]", "15")
    for index, (category, purpose, amount) in enumerate(COSTS):
        page.locator(f"{form} select[name=category]").nth(index).select_option(category)
        page.locator(f"{form} input[name=purpose]").nth(index).fill(purpose)
        # Typed key by key, as a person would: financing.js listens to "input".
        page.locator(f"{form} input[data-cost-amount]").nth(index).press_sequentially(amount)
    page.locator(f"{form} input[name=own_funds]").press_sequentially(OWN_FUNDS)
    page.locator(f"{form} input[name=volunteer_hours]").press_sequentially(VOLUNTEER_HOURS)
    page.fill(f"{form} input[name=requested_amount]", "")
    page.locator(f"{form} input[name=requested_amount]").press_sequentially(requested)
    page.fill(f"{form} input[name=account_holder]", HOLDER)
    page.fill(f"{form} input[name=iban]", iban)
    page.check(f"{form} input[type=checkbox][name=no_early_start]")
    page.check(f"{form} input[type=checkbox][name=data_consent]")


# The journey ------------------------------------------------------------------------------------

def test_fund_journey(new_page, as_user, live_server, checks):
    tr = live_server.translate
    outbox = outbox_of(live_server)
    year = today().year

    # 1. The initiative registers: first with errors, each at its field, the rest kept.
    visitor = new_page()
    goto(visitor, "/")
    checks(visitor, "/ (anonymous)")
    click_and_wait(visitor, "header a[href='/gefoerderte-projekte']", 200)
    checks(visitor, "/gefoerderte-projekte (before the grant)")
    goto(visitor, "/foerderung/registrieren")
    checks(visitor, "/foerderung/registrieren")
    visitor.fill("#register input[name=display_name]", "A")
    visitor.fill("#register input[name=email]", "aylin.demir-at-sprachcafe")
    visitor.fill("#register input[name=name]", ORGANISATION)
    visitor.select_option("#register select[name=kind]", "initiative")
    visitor.select_option("#register select[name=district]", DISTRICT)
    click_and_wait(visitor, "#register button[name=register]", 422)
    assert_error_next_to(visitor, visitor.locator("#register input[name=display_name]"))
    assert_error_next_to(visitor, visitor.locator("#register input[name=email]"))
    assert visitor.input_value("#register input[name=name]") == ORGANISATION
    assert visitor.input_value("#register select[name=district]") == DISTRICT
    assert visitor.locator("#register input[name=name]").get_attribute("aria-invalid") is None
    checks(visitor, "/foerderung/registrieren, two errors")

    sent_before = len(outbox)
    visitor.fill("#register input[name=display_name]", CONTACT_NAME)
    visitor.fill("#register input[name=email]", CONTACT_EMAIL)
    click_and_wait(visitor, "#register button[name=register]", 200)
    assert CONTACT_EMAIL in visitor.locator("main [role=status]").inner_text()
    checks(visitor, "/foerderung/registrieren, sent")
    subject = tr("Please confirm your registration for the Integrations-Fonds", "de")
    [mail] = [m for m in outbox[sent_before:] if m.subject == subject]
    assert mail.recipients == [CONTACT_EMAIL]
    link = re.search(r"https?://[^/\s]+(/foerderung/registrieren/[A-Za-z0-9_-]+)", mail.body)
    assert link, mail.body

    # The link leads to the password page; choosing it confirms the address and logs in.
    goto(visitor, link.group(1))
    assert re.search(r"/passwort-setzen/[A-Za-z0-9_-]+$", visitor.url), visitor.url
    checks(visitor, "/passwort-setzen/<token> (registration)")
    visitor.fill("#password-set input[name=password]", PASSWORD)
    visitor.fill("#password-set input[name=password_repeat]", PASSWORD)
    click_and_wait(visitor, "#password-set button[name=save]", 200)
    assert CONTACT_NAME in visitor.locator("header a[href='/konto']").inner_text()
    checks(visitor, "after choosing the password")
    # And the password works on the login page, in a browser of its own.
    initiative = new_page()
    login(initiative, CONTACT_EMAIL, PASSWORD)
    assert CONTACT_NAME in initiative.locator("header a[href='/konto']").inner_text()
    checks(initiative, "after logging in (initiative)")

    # 2. The application, from "my applications" and the organisation's page.
    click_and_wait(initiative, "header a[href='/foerderung']", 200)
    checks(initiative, "/foerderung (initiative)")
    organisation_link = initiative.locator("main a[href^='/foerderung/organisationen/']")
    assert organisation_link.all_inner_texts() == [ORGANISATION]
    organisation_path = organisation_link.get_attribute("href")
    click_and_wait(initiative, f"main a[href='{organisation_path}']", 200)
    assert initiative.locator("h1").inner_text().strip() == ORGANISATION
    checks(initiative, "organisation page")
    click_and_wait(initiative, "main a[href^='/foerderung/antraege/neu']", 200)
    checks(initiative, "/foerderung/antraege/neu")

    # The live totals follow the typing, before anything is saved.
    fill_application(initiative, requested="700,00", iban=WRONG_IBAN)
    box = initiative.locator("#financing-totals")
    assert totals(initiative)["cost"] == money("1000")
    assert totals(initiative)["financing"] == money("900")  # 50 + 10 h × 15 + 700
    difference = spaced(box.get_attribute("data-difference").replace("{amount}", money("100")))
    assert totals(initiative)["difference"] == f"{difference} – {box.get_attribute('data-more-costs')}"
    # financing.js puts the box beside the financing plan.
    assert box.evaluate("el => el.closest('fieldset') !== null && el.closest('fieldset')"
                        ".contains(document.querySelector('#application [name=requested_amount]'))")
    checks(initiative, "/foerderung/antraege/neu, filled in, unbalanced")

    # A wrong IBAN: refused at its field, everything typed kept.
    click_and_wait(initiative, "#application button[name=check]", 422)
    iban_field = initiative.locator("#application input[name=iban]")
    assert assert_error_next_to(initiative, iban_field) == tr(
        "The check digits of this IBAN are wrong: please check for a typing error.", "de")
    assert initiative.input_value("#application input[name=title]") == TITLE
    assert initiative.input_value("#application input[name=requested_amount]") == "700,00"
    assert initiative.locator("#application input[data-cost-amount]").nth(1).input_value() == COSTS[1][2]
    assert initiative.locator(f"#application input[type=checkbox][value='{DISTRICT}']").is_checked()
    checks(initiative, "/foerderung/antraege/neu, wrong IBAN")

    # The right IBAN, saved as a draft (still unbalanced: a draft may be).
    initiative.fill("#application input[name=iban]", IBAN)
    click_and_wait(initiative, "#application button[name=save]", 200)
    match = re.search(r"/foerderung/antraege/(\d+)$", initiative.url)
    assert match, initiative.url
    application_id = int(match.group(1))
    application_path = f"/foerderung/antraege/{application_id}"
    assert flashes(initiative) == [tr("The application has been saved.", "de")]
    assert application_state(initiative) == state_label(live_server, "fund_application", "draft")
    assert initiative.locator("main p.balance.balance-off").count() == 1
    # The submission is not offered while the plan does not balance.
    assert initiative.locator(transition_button("fund_applications", application_id, "submit")).count() == 0
    checks(initiative, "application page, draft, unbalanced")

    # "Save and check": the imbalance is shown at the financing plan; then fixed as it should be.
    click_and_wait(initiative, f"main a[href='{application_path}/bearbeiten']", 200)
    checks(initiative, "/foerderung/antraege/<id>/bearbeiten")
    initiative.set_viewport_size(PHONE)
    checks(initiative, "/foerderung/antraege/<id>/bearbeiten (phone width)")
    goto(initiative, application_path)
    checks(initiative, "application page, draft (phone width)")
    initiative.set_viewport_size(DESKTOP)
    goto(initiative, f"{application_path}/bearbeiten")
    click_and_wait(initiative, "#application button[name=check]", 200)
    financing_error = initiative.locator(
        "#application fieldset:has(input[name=requested_amount]) > .card-body > .alert[id^=error-]")
    imbalance = (tr("Cost plan and financing plan do not balance: costs ${cost}, financing ${financing}. "
                    "${difference}", "de")
                 .replace("${cost}", money("1000")).replace("${financing}", money("900"))
                 .replace("${difference}", tr("Difference: ${amount}", "de").replace("${amount}", money("100"))))
    assert spaced(financing_error.inner_text()) == spaced(imbalance)
    assert initiative.input_value("#application input[name=requested_amount]") == "700,00"
    checks(initiative, "/foerderung/antraege/<id>/bearbeiten, plan does not balance")
    initiative.fill("#application input[name=requested_amount]", "")
    initiative.locator("#application input[name=requested_amount]").press_sequentially(REQUESTED)
    assert totals(initiative) == {"cost": money("1000"), "financing": money("1000"),
                                  "difference": box.get_attribute("data-balanced")}
    click_and_wait(initiative, "#application button[name=check]", 200)
    assert initiative.url == live_server.url + application_path
    assert flashes(initiative) == [
        tr("The application has been saved and is complete: you can submit it now.", "de")]
    assert initiative.locator("main p.balance.balance-ok").count() == 1
    assert fact(initiative, tr("Requested", "de")) == money(REQUESTED.replace(",", "."))
    checks(initiative, "application page, draft, complete")

    sent_before = len(outbox)
    click_and_wait(initiative, transition_button("fund_applications", application_id, "submit"), 200)
    assert application_state(initiative) == state_label(live_server, "fund_application", "submitted")
    reference = initiative.locator("h1 .reference").inner_text().strip()
    assert re.fullmatch(rf"F-{year}-\d{{4}}", reference), reference
    checks(initiative, "application page, submitted")
    subject = tr("Application ${reference} received", "de").replace("${reference}", reference)
    [receipt] = [m for m in outbox[sent_before:] if m.subject == subject]
    assert receipt.recipients == [CONTACT_EMAIL]
    assert application_path in receipt.body
    assert [a.content_type for a in receipt.attachments] == ["application/pdf"]
    assert receipt.attachments[0].data[:5] == b"%PDF-"

    # 3. The office reviews and asks; the initiative answers and resubmits.
    office = as_user(OFFICE)
    click_and_wait(office, "header a[href='/foerderung']", 200)
    checks(office, "/foerderung (office)")
    office.select_option("#f-state", "submitted")
    click_and_wait(office, "main form.filters button[type=submit]", 200)
    assert "stand=submitted" in office.url
    assert office.locator(f"main table a[href='{application_path}']").count() == 1
    checks(office, "/foerderung?stand=submitted (office)")
    click_and_wait(office, f"main table a[href='{application_path}']", 200)
    checks(office, "application page, submitted (office)")
    click_and_wait(office, transition_button("fund_applications", application_id, "start_review"), 200)
    assert application_state(office) == state_label(live_server, "fund_application", "in_review")
    checks(office, "application page, in review (office)")
    office.fill(f"{transition_form('fund_applications', application_id, 'request_info')} textarea[name=comment]",
                QUESTION)
    click_and_wait(office, transition_button("fund_applications", application_id, "request_info"), 200)
    assert application_state(office) == state_label(live_server, "fund_application", "info_requested")
    checks(office, "application page, information requested (office)")

    goto(initiative, application_path)
    questions = initiative.locator("main section[aria-labelledby=questions-heading] blockquote")
    assert questions.all_inner_texts() == [QUESTION]
    checks(initiative, "application page, information requested (initiative)")
    initiative.fill(f"{transition_form('fund_applications', application_id, 'resubmit')} textarea[name=comment]",
                    ANSWER)
    click_and_wait(initiative, transition_button("fund_applications", application_id, "resubmit"), 200)
    assert application_state(initiative) == state_label(live_server, "fund_application", "in_review")
    assert [t.strip() for t in questions.all_inner_texts()] == [QUESTION, ANSWER]
    checks(initiative, "application page, in review again (initiative)")

    # 4. This year's budget, then the grant list.
    click_and_wait(office, "header a[href='/verwaltung/fonds']", 200)
    checks(office, "/verwaltung/fonds")
    click_and_wait(office, "main a[href='/verwaltung/fonds/haushaltsjahr']", 200)
    checks(office, "/verwaltung/fonds/haushaltsjahr")
    assert office.input_value("#fund-year input[name=year]") == str(year)
    office.fill("#fund-year input[name=budget]", "hunderttausend")
    click_and_wait(office, "#fund-year button[name=save]", 422)
    assert_error_next_to(office, office.locator("#fund-year input[name=budget]"))
    checks(office, "/verwaltung/fonds/haushaltsjahr, wrong amount")
    office.fill("#fund-year input[name=budget]", "100.000,00")
    click_and_wait(office, "#fund-year button[name=save]", 200)
    assert office.url == live_server.url + "/verwaltung/fonds"
    assert flashes(office) == [tr("The budget for ${year} has been saved.", "de").replace("${year}", str(year))]
    before = year_figures(office, year)
    assert before["budget"] == BUDGET
    assert before["free"] == BUDGET - before["committed"]
    checks(office, "/verwaltung/fonds, with this year's budget")

    goto(office, "/verwaltung/fonds/foerderliste")
    checks(office, "/verwaltung/fonds/foerderliste")
    # Nothing chosen: refused, saying why.
    click_and_wait(office, "main form[action='/verwaltung/fonds/foerderliste'] button[type=submit]", 422)
    assert office.locator("#grant-list-errors").inner_text().strip() == tr(
        "Choose at least one application in review.", "de")
    checks(office, "/verwaltung/fonds/foerderliste, nothing chosen")
    office.check(f"#choose-{application_id}")
    assert parse_amount(office.input_value(f"#amount-{application_id}")) == Decimal("800")
    click_and_wait(office, "main form[action='/verwaltung/fonds/foerderliste'] button[type=submit]", 200)
    match = re.search(r"/vorlagen/(\d+)$", office.url)
    assert match, office.url
    proposal_id = int(match.group(1))
    proposal_path = f"/vorlagen/{proposal_id}"
    grant_table = office.locator("main section[aria-labelledby=grant-list-heading] table")
    assert reference in grant_table.inner_text()
    assert proposal_state(office) == state_label(live_server, "proposal", "draft")
    checks(office, "grant list proposal, draft (office)")
    goto(office, application_path)
    assert application_state(office) == state_label(live_server, "fund_application", "in_committee")
    checks(office, "application page, in committee (office)")

    goto(office, proposal_path)
    click_and_wait(office, transition_button("proposals", proposal_id, "submit"), 200)
    assert proposal_state(office) == state_label(live_server, "proposal", "submitted")
    checks(office, "grant list proposal, submitted (office)")

    # AG Förderung accepts and recommends, in writing.
    agfoe = as_user(AGFOE_SECRETARY)
    goto(agfoe, proposal_path)
    checks(agfoe, "grant list proposal, submitted (AG-FÖ secretary)")
    click_and_wait(agfoe, transition_button("proposals", proposal_id, "accept"), 200)
    assert proposal_state(agfoe) == state_label(live_server, "proposal", "in_consultation")
    click_and_wait(agfoe, transition_button("consultations", None, "recommend"), 200)
    assert agfoe.locator("ol.consultation-path > li.consultation-recommended").count() == 1
    checks(agfoe, "grant list proposal, recommended by AG-FÖ")

    # The office follows the committee: 80 % with a condition; first a wrong amount.
    goto(office, proposal_path)
    checks(office, "grant list proposal, recommended (office)")
    edit_path = f"/verwaltung/fonds/foerderliste/{proposal_id}"
    click_and_wait(office, f"main a[href='{edit_path}']", 200)
    checks(office, "/verwaltung/fonds/foerderliste/<id>")
    office.set_viewport_size(PHONE)
    checks(office, "/verwaltung/fonds/foerderliste/<id> (phone width)")
    goto(office, proposal_path)
    checks(office, "grant list proposal (phone width)")
    office.set_viewport_size(DESKTOP)
    goto(office, edit_path)
    amount_field = office.locator(f"main form[action='{edit_path}'] input[name^=amount-]")
    conditions_field = office.locator(f"main form[action='{edit_path}'] textarea[name^=conditions-]")
    amount_field.fill("0")
    conditions_field.fill(CONDITION)
    click_and_wait(office, f"main form[action='{edit_path}'] button[type=submit]", 422)
    assert amount_field.get_attribute("aria-invalid") == "true"
    error_id = amount_field.get_attribute("aria-describedby")
    assert office.locator(f"#{error_id}").is_visible() and office.locator(f"#{error_id}").inner_text().strip()
    assert conditions_field.input_value() == CONDITION
    checks(office, "/verwaltung/fonds/foerderliste/<id>, wrong amount")
    amount_field.fill("640,00")
    click_and_wait(office, f"main form[action='{edit_path}'] button[type=submit]", 200)
    assert office.url == live_server.url + proposal_path
    assert flashes(office) == [tr("The grant list has been saved.", "de")]
    row = office.locator("main section[aria-labelledby=grant-list-heading] tbody tr")
    assert money(GRANTED) in spaced(row.inner_text()) and CONDITION in row.inner_text()
    checks(office, "grant list proposal, amounts saved (office)")

    # LG-GI decides, in writing: the list is adopted and the application granted.
    lggi = as_user(LGGI_SECRETARY)
    goto(lggi, proposal_path)
    checks(lggi, "grant list proposal, in consultation (LG-GI secretary)")
    click_and_wait(lggi, transition_button("consultations", None, "decide"), 200)
    assert proposal_state(lggi) == state_label(live_server, "proposal", "adopted")
    checks(lggi, "grant list proposal, adopted (LG-GI secretary)")

    # 5. Granted: the amount and condition on the page, the notice as PDF.
    goto(initiative, application_path)
    assert application_state(initiative) == state_label(live_server, "fund_application", "granted")
    assert fact(initiative, tr("Granted", "de")) == money(GRANTED)
    assert fact(initiative, tr("Conditions", "de")) == CONDITION
    checks(initiative, "application page, granted (initiative)")
    notice = initiative.request.get(f"{application_path}/bescheid.pdf")
    assert notice.status == 200
    assert notice.headers["content-type"] == "application/pdf"
    assert notice.body()[:5] == b"%PDF-"

    goto(office, "/verwaltung/fonds")
    granted = year_figures(office, year)
    assert granted == {**before, "committed": before["committed"] + GRANTED, "free": before["free"] - GRANTED}
    checks(office, "/verwaltung/fonds, granted")

    # The payout.
    goto(office, application_path)
    checks(office, "application page, granted (office)")
    click_and_wait(office, transition_button("fund_applications", application_id, "pay"), 200)
    assert application_state(office) == state_label(live_server, "fund_application", "paid")
    checks(office, "application page, paid (office)")

    # The proof of use: a wrong amount first, then 700 EUR spent instead of 1.000.
    proof_path = f"{application_path}/verwendungsnachweis"
    goto(initiative, proof_path)
    checks(initiative, "/foerderung/antraege/<id>/verwendungsnachweis")
    initiative.set_viewport_size(PHONE)
    checks(initiative, "/foerderung/antraege/<id>/verwendungsnachweis (phone width)")
    initiative.set_viewport_size(DESKTOP)
    actual_fields = initiative.locator(f"main form[action='{proof_path}'] input[name^=actual-]")
    assert actual_fields.count() == len(COSTS)
    initiative.fill("#report", REPORT)
    actual_fields.nth(0).fill("vierhundertfünfzig")
    actual_fields.nth(1).fill(ACTUAL[1])
    click_and_wait(initiative, f"main form[action='{proof_path}'] button[type=submit]", 422)
    assert actual_fields.nth(0).get_attribute("aria-invalid") == "true"
    error_id = actual_fields.nth(0).get_attribute("aria-describedby")
    assert initiative.locator(f"#{error_id}").inner_text().strip() == tr(
        "Please enter an amount in euros, e.g. 1.250,00.", "de")
    assert initiative.input_value("#report") == REPORT
    assert actual_fields.nth(1).input_value() == ACTUAL[1]
    checks(initiative, "/foerderung/antraege/<id>/verwendungsnachweis, wrong amount")
    actual_fields.nth(0).fill(ACTUAL[0])
    click_and_wait(initiative, f"main form[action='{proof_path}'] button[type=submit]", 200)
    assert initiative.url == live_server.url + application_path
    checks(initiative, "application page, paid, proof saved (initiative)")
    click_and_wait(initiative, transition_button("fund_applications", application_id, "submit_proof"), 200)
    assert application_state(initiative) == state_label(live_server, "fund_application", "proof_submitted")
    checks(initiative, "application page, proof submitted (initiative)")

    # Money is due back: the office cannot accept the proof as it is, and claims the repayment.
    goto(office, application_path)
    assert office.locator(transition_button("fund_applications", application_id, "accept_proof")).count() == 0
    checks(office, "application page, proof submitted (office)")
    click_and_wait(office, transition_button("fund_applications", application_id, "claim_repayment"), 200)
    assert application_state(office) == state_label(live_server, "fund_application", "repayment_claimed")
    checks(office, "application page, repayment claimed (office)")
    goto(office, "/verwaltung/fonds")
    assert year_figures(office, year) == {**granted, "paid": before["paid"] + GRANTED,
                                          "open_claims": before["open_claims"] + REPAYMENT}
    checks(office, "/verwaltung/fonds, repayment claimed")

    goto(office, application_path)
    click_and_wait(office, transition_button("fund_applications", application_id, "close"), 200)
    assert application_state(office) == state_label(live_server, "fund_application", "closed")
    checks(office, "application page, closed (office)")
    goto(office, "/verwaltung/fonds")
    kept = GRANTED - REPAYMENT
    assert year_figures(office, year) == {
        "budget": BUDGET, "committed": before["committed"] + kept, "paid": before["paid"] + kept,
        "open_claims": before["open_claims"], "free": before["free"] - kept}
    # The four bookings of the application, newest first.
    bookings = office.locator("#fund-ledger tbody tr").filter(
        has=office.locator(f"a[href='{application_path}']"))
    kinds = [tr(LEDGER_KIND_LABELS[k], "de") for k in (
        LedgerKind.REPAYMENT, LedgerKind.REPAYMENT_CLAIM, LedgerKind.PAYOUT, LedgerKind.COMMITMENT)]
    assert [row.locator("td").nth(2).inner_text().strip() for row in bookings.all()] == kinds
    assert [parse_amount(row.locator("td").nth(4).inner_text()) for row in bookings.all()] == [
        REPAYMENT, REPAYMENT, GRANTED, GRANTED]
    checks(office, "/verwaltung/fonds, closed")

    # 6. The public list: the project and its amount, nothing personal.
    public = new_page()
    goto(public, "/gefoerderte-projekte")
    rows = public.locator("#funded-projects tbody tr").filter(has_text=TITLE)
    assert rows.count() == 1
    cells = [spaced(text) for text in rows.locator("td, th").all_inner_texts()]
    assert cells == [ORGANISATION, TITLE, DISTRICT_NAME, money(GRANTED)]
    text = public.locator("main").inner_text()
    for personal in (IBAN, spaced(WRONG_IBAN)[:12], "DE89", CONTACT_NAME, CONTACT_EMAIL, HOLDER):
        assert personal not in text, f"{personal!r} on the public list"
    assert public.locator("main a[href^='mailto:']").count() == 0
    checks(public, "/gefoerderte-projekte")
    public.set_viewport_size(PHONE)
    checks(public, "/gefoerderte-projekte (phone width)")

    # Some of the pages in English.
    with initiative.expect_navigation():
        initiative.click("header a[hreflang='en']")
    goto(initiative, application_path)
    assert application_state(initiative) == state_label(live_server, "fund_application", "closed", "en")
    checks(initiative, "application page, closed", "en")
    for path, label in ((organisation_path, "organisation page"), ("/foerderung", "/foerderung (initiative)")):
        goto(initiative, path)
        checks(initiative, label, "en")
    with office.expect_navigation():
        office.click("header a[hreflang='en']")
    for path, label in (("/verwaltung/fonds", "/verwaltung/fonds"),
                        (edit_path, "/verwaltung/fonds/foerderliste/<id> (decided)"),
                        (proposal_path, "grant list proposal, adopted (office)")):
        goto(office, path)
        checks(office, label, "en")

    checks.finish()
