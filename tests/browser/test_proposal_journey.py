"""The proposal journey of issue 4 in Chromium, every page checked by axe-core (WCAG 2.1 AA).

A member of AG-SA writes a "Strategische Vorlage" and submits it; the AG-SA secretary accepts
it and records the working group's recommendation; LG gesellschaftliche Integration decides;
the Internationaler Ausschuss takes note. Along the way: form errors, a refused disguised
upload, a stranger's 403, the mails of the live server's testing mailer, the history. A second
test edits one draft from two browsers at once (the conflict message, nothing lost) and checks
the remaining proposal pages, some of them in English.

Elements are found by id, name, action or href, not by visible text (the German catalogue is
being completed in parallel). Where text matters it is data (names, titles, the workflow labels
from workflows/*.yaml) or what the app's own catalogue makes of the message id.
"""

from __future__ import annotations

import re

import pytest

from sw_gremien.demo import BODIES

pytestmark = pytest.mark.browser

OFFICE = "geschaeftsstelle@stuttgart.example"
MEMBER = "mitglied.ag-sa@stuttgart.example"
AGSA_SECRETARY = "schriftfuehrung.ag-sa@stuttgart.example"
LGGI_SECRETARY = "schriftfuehrung.lg-gi@stuttgart.example"
IA_SECRETARY = "schriftfuehrung.ia@stuttgart.example"
STRANGER = "initiative@stuttgart.example"  # no membership anywhere

PEOPLE = {seed.short_name: seed.people for seed in BODIES}  # (chair, secretary, member)
MEMBER_NAME = PEOPLE["AG-SA"][2]
AGSA_SECRETARY_NAME = PEOPLE["AG-SA"][1]

PROPOSAL_TYPE = "Strategische Vorlage"
# A word no other test writes: the search must find exactly this proposal.
SEARCH_WORD = "Dolmetscherpool"
TITLE = f"Ein {SEARCH_WORD} für die Erstberatung"
SUBJECT = "Geflüchtete warten in der Erstberatung oft **Wochen** auf eine Sprachmittlung."
RESOLUTION = "Die Lenkungsgruppe beschließt, einen städtischen Dolmetscherpool einzurichten."
REASONING = "- schnellere Beratung\n- weniger Abbrüche"
COST = "12.500,00"
DISTRICTS = ("bad-cannstatt", "mitte", "zuffenhausen")

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
DISGUISED = b"<!doctype html><html><body><script>alert('hallo')</script></body></html>\n"

@pytest.fixture
def uploads(live_server, tmp_path, monkeypatch):
    """Attachments of this test go to a temporary directory, not to var/uploads."""
    monkeypatch.setitem(live_server.app.registry.settings, "sw_gremien.upload_dir", str(tmp_path / "uploads"))
    return tmp_path


def goto(page, path: str, status: int = 200):
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path}: status {response.status}, expected {status}"
    return response


def click_and_wait(page, selector: str, status: int | None = None):
    """Clicks a submit button or link; returns the response of the page it leads to (after
    redirects)."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    if status is not None:
        assert navigation.value.status == status, (
            f"{selector}: status {navigation.value.status}, expected {status} ({page.url})"
        )
    return navigation.value


def transition_button(object_type: str, object_id: int | None, trigger: str) -> str:
    """The button of a transition form in a workflow panel (templates/workflow/macros.jinja2)."""
    if object_id is None:
        action = f"form.workflow-transition[action^='/ablauf/{object_type}/'][action$='/{trigger}']"
    else:
        action = f"form.workflow-transition[action='/ablauf/{object_type}/{object_id}/{trigger}']"
    return f"{action} button[type=submit]"


def state_label(live_server, workflow: str, state: str, locale: str = "de") -> str:
    return live_server.app.registry["workflows"][workflow].states[state].label.for_locale(locale)


def transition_label(live_server, workflow: str, trigger: str, locale: str = "de") -> str:
    for transition in live_server.app.registry["workflows"][workflow].transitions:
        if transition.trigger == trigger:
            return transition.label.for_locale(locale)
    raise KeyError(trigger)


def proposal_state(page) -> str:
    return page.locator("main .workflow-panel .workflow-state .state-badge").inner_text().strip()


def assert_error_next_to(page, field) -> str:
    """The field is marked invalid and its message sits in its own form group, linked by
    aria-describedby. Returns the message."""
    assert field.get_attribute("aria-invalid") == "true"
    field_id = field.get_attribute("id")
    error = page.locator(f"#item-{field_id} #error-{field_id}")
    assert error.count() == 1 and error.is_visible()
    assert f"error-{field_id}" in (field.get_attribute("aria-describedby") or "").split()
    message = error.inner_text().strip()
    assert message
    return message


def outbox_of(live_server):
    from pyramid_mailer import get_mailer

    return get_mailer(live_server.app.registry).outbox


# The journey ------------------------------------------------------------------------------------

def test_proposal_journey(as_user, live_server, uploads, checks):
    outbox = outbox_of(live_server)
    sent_before = len(outbox)

    # 1. The member writes the proposal. The desk is where the login leads.
    member = as_user(MEMBER)
    assert member.url == live_server.url + "/schreibtisch"
    checks(member, "/schreibtisch (member)")
    click_and_wait(member, "main a[href='/vorlagen/neu']", 200)
    checks(member, "/vorlagen/neu")

    member.select_option("#proposal select[name=type_id]", label=PROPOSAL_TYPE)
    member.fill("#proposal textarea[name=subject]", SUBJECT)
    member.fill("#proposal textarea[name=resolution]", RESOLUTION)
    member.fill("#proposal textarea[name=reasoning]", REASONING)
    member.fill("#proposal input[name=cost_estimate]", COST)
    for district in DISTRICTS:
        member.check(f"#proposal input[type=checkbox][value='{district}']")
    # First without a title: the message next to the field, everything typed kept.
    click_and_wait(member, "#proposal button[name=save]", 422)
    assert_error_next_to(member, member.locator("#proposal input[name=title]"))
    assert member.locator("#proposal select[name=type_id] option:checked").inner_text() == PROPOSAL_TYPE
    assert member.input_value("#proposal textarea[name=subject]") == SUBJECT
    assert member.input_value("#proposal textarea[name=reasoning]") == REASONING
    assert member.input_value("#proposal input[name=cost_estimate]") == COST
    checked = member.eval_on_selector_all("#proposal input[type=checkbox]:checked", "els => els.map(e => e.value)")
    assert sorted(checked) == sorted(DISTRICTS)
    checks(member, "/vorlagen/neu, title missing")

    member.fill("#proposal input[name=title]", TITLE)
    click_and_wait(member, "#proposal button[name=save]", 200)
    match = re.search(r"/vorlagen/(\d+)$", member.url)
    assert match, member.url
    proposal_id = int(match.group(1))
    proposal_path = f"/vorlagen/{proposal_id}"
    assert TITLE in member.locator("h1").inner_text()
    assert proposal_state(member) == state_label(live_server, "proposal", "draft")
    assert member.locator("main dl.facts").get_by_text("12.500,00").count() == 1
    checks(member, "proposal page, draft (author)")

    # 6. A stranger sees nothing of a draft.
    stranger = as_user(STRANGER)
    goto(stranger, proposal_path, 403)
    checks(stranger, "proposal page, draft (stranger: 403)")

    # An attachment: a real PDF, then an HTML page calling itself x.pdf.
    pdf = uploads / "beschluss-entwurf.pdf"
    pdf.write_bytes(PDF)
    member.set_input_files("#attachment-file", str(pdf))
    click_and_wait(member, f"form[action='{proposal_path}/anlagen'] button[type=submit]", 200)
    attachment_links = member.locator(f"#anlagen a[href^='{proposal_path}/anlagen/']")
    assert attachment_links.all_inner_texts() == ["beschluss-entwurf.pdf"]
    checks(member, "proposal page, after an upload")

    disguised = uploads / "x.pdf"
    disguised.write_bytes(DISGUISED)
    member.set_input_files("#attachment-file", str(disguised))
    click_and_wait(member, f"form[action='{proposal_path}/anlagen'] button[type=submit]", 422)
    file_field = member.locator("#attachment-file")
    assert file_field.get_attribute("aria-invalid") == "true"
    assert "attachment-error" in file_field.get_attribute("aria-describedby").split()
    error = member.locator("#anlagen #attachment-error")
    assert error.is_visible()
    assert "x.pdf" in error.inner_text()
    assert attachment_links.count() == 1, "the disguised file was stored"
    checks(member, "proposal page, disguised upload refused")

    # Submit, with the button of the workflow panel, right from the page with the upload error.
    click_and_wait(member, transition_button("proposals", proposal_id, "submit"), 200)
    assert member.url == live_server.url + proposal_path
    reference = member.locator("h1 .reference").inner_text().strip()
    assert re.fullmatch(r"V-\d{4}-\d{4}", reference), reference
    assert proposal_state(member) == state_label(live_server, "proposal", "submitted")
    checks(member, "proposal page, submitted (author)")

    goto(stranger, proposal_path, 403)
    checks(stranger, "proposal page, submitted (stranger: 403)")

    # 2. The AG-SA secretary finds it on the desk under "to check".
    agsa = as_user(AGSA_SECRETARY)
    assert agsa.locator(f"#desk-check ~ ul a[href='{proposal_path}']").count() == 1
    checks(agsa, "/schreibtisch (AG-SA secretary, a proposal to check)")
    click_and_wait(agsa, f"main a[href='{proposal_path}']", 200)
    checks(agsa, "proposal page, submitted (AG-SA secretary)")

    # The path form: removing the decision step is refused.
    click_and_wait(agsa, f"main a[href='{proposal_path}/beratungsfolge']", 200)
    checks(agsa, "/vorlagen/<id>/beratungsfolge")
    roles = agsa.locator("#path select[name=role]")
    bodies = agsa.locator("#path select[name=body_id]")
    decision_rows = [i for i in range(roles.count()) if roles.nth(i).input_value() == "decision"]
    assert len(decision_rows) == 1
    bodies.nth(decision_rows[0]).select_option("")
    click_and_wait(agsa, "#path button[name=save]", 422)
    assert agsa.locator("#path-errors").inner_text().strip() == live_server.translate(
        "The consultation path needs a decision step.", "de"
    )
    checks(agsa, "/vorlagen/<id>/beratungsfolge, no decision step")

    # Accept into consultation: the AG-SA consultation opens and offers its outcomes.
    goto(agsa, proposal_path)
    click_and_wait(agsa, transition_button("proposals", proposal_id, "accept"), 200)
    assert proposal_state(agsa) == state_label(live_server, "proposal", "in_consultation")
    assert agsa.locator(transition_button("consultations", None, "recommend")).count() == 1
    assert agsa.locator(transition_button("consultations", None, "decide")).count() == 0
    checks(agsa, "proposal page, in consultation (AG-SA secretary)")
    agsa.click("main .workflow-panel > details > summary")
    assert agsa.locator("main .workflow-panel > details .diagram-scroll svg").is_visible()
    checks(agsa, "proposal page, workflow diagram open")

    click_and_wait(agsa, transition_button("consultations", None, "recommend"), 200)
    assert agsa.url == live_server.url + proposal_path
    assert agsa.locator("ol.consultation-path > li.consultation-recommended").count() == 1
    assert agsa.locator("ol.consultation-path > li.consultation-open").count() == 1
    checks(agsa, "proposal page, recommended by AG-SA")

    # 3. The LG-GI secretary finds it ready for an agenda and records the decision.
    lggi = as_user(LGGI_SECRETARY)
    assert lggi.locator(f"#desk-schedule ~ ul a[href='{proposal_path}']").count() == 1
    checks(lggi, "/schreibtisch (LG-GI secretary, ready for an agenda)")
    click_and_wait(lggi, f"#desk-schedule ~ ul a[href='{proposal_path}']", 200)
    assert lggi.locator(transition_button("consultations", None, "recommend")).count() == 0
    checks(lggi, "proposal page, in consultation (LG-GI secretary)")
    click_and_wait(lggi, transition_button("consultations", None, "decide"), 200)
    assert proposal_state(lggi) == state_label(live_server, "proposal", "adopted")
    checks(lggi, "proposal page, adopted (LG-GI secretary)")

    # 4. The IA secretary takes note: the notice step still runs after the decision.
    ia = as_user(IA_SECRETARY)
    assert ia.locator(f"#desk-schedule ~ ul a[href='{proposal_path}']").count() == 1
    checks(ia, "/schreibtisch (IA secretary)")
    goto(ia, proposal_path)
    click_and_wait(ia, transition_button("consultations", None, "take_note"), 200)
    assert ia.locator("form.workflow-transition").count() == 0
    checks(ia, "proposal page, noted by IA")

    # 5. The member sees the end: adopted, all three steps ended, the whole history.
    goto(member, proposal_path)
    assert proposal_state(member) == state_label(live_server, "proposal", "adopted")
    steps = member.locator("ol.consultation-path > li.consultation")
    assert steps.count() == 3
    assert [steps.nth(i).get_attribute("class").split()[-1] for i in range(3)] == [
        "consultation-recommended", "consultation-decided", "consultation-noted",
    ]
    for i in range(3):
        assert steps.nth(i).locator("p.small").count() == 1, "a step without its dates"
    history = member.locator("main .workflow-panel .timeline > li")
    entries = [
        (item.locator(".timeline-step").inner_text().strip(), item.locator(".timeline-actor").inner_text().strip())
        for item in history.all()
    ]
    by_system = f"({live_server.translate('by the system', 'de')})"
    assert entries == [
        (transition_label(live_server, "proposal", "submit"), f"({MEMBER_NAME})"),
        (transition_label(live_server, "proposal", "accept"), f"({AGSA_SECRETARY_NAME})"),
        (transition_label(live_server, "proposal", "adopt"), by_system),
    ]
    assert member.locator("main .workflow-panel form.workflow-transition").count() == 0
    checks(member, "proposal page, adopted (author)")

    goto(member, f"{proposal_path}/druck")
    assert reference in member.locator("h1").inner_text()
    checks(member, "/vorlagen/<id>/druck")

    goto(member, "/benachrichtigungen")
    assert member.locator(f"main .notifications a[href$='{proposal_path}']").count() == 1
    checks(member, "/benachrichtigungen (author)")
    goto(lggi, "/benachrichtigungen")
    assert lggi.locator(f"main .notifications a[href$='{proposal_path}']").count() == 1
    checks(lggi, "/benachrichtigungen (LG-GI secretary)")

    # The mails, each linking to the proposal.
    mails = [m for m in outbox[sent_before:] if proposal_path in m.body]
    subjects = {
        "submitted": live_server.translate("New proposal to check", "de"),
        "opened": live_server.translate("A proposal is ready for your agenda", "de"),
        "decided": live_server.translate("A decision on your proposal", "de"),
    }
    assert sorted((m.recipients[0], m.subject) for m in mails) == sorted([
        (AGSA_SECRETARY, subjects["submitted"]),
        (AGSA_SECRETARY, subjects["opened"]),
        (LGGI_SECRETARY, subjects["opened"]),
        (IA_SECRETARY, subjects["opened"]),
        (MEMBER, subjects["decided"]),
    ])
    assert all(len(m.recipients) == 1 for m in mails)

    # 8. The list: every filter and a search, as the member.
    goto(member, "/vorlagen")
    checks(member, "/vorlagen (member)")
    member.fill("#f-q", SEARCH_WORD.lower()[:8])  # a prefix, in lower case
    member.select_option("#f-body", label="AG-SA")
    member.select_option("#f-state", "adopted")
    member.select_option("#f-type", label=PROPOSAL_TYPE)
    member.select_option("#f-district", DISTRICTS[1])
    year = reference.split("-")[1]
    member.select_option("#f-year", year)
    click_and_wait(member, "main form[role=search] button[type=submit]", 200)
    for name in ("q=", "gremium=", "stand=adopted", "art=", f"bezirk={DISTRICTS[1]}", f"jahr={year}"):
        assert name in member.url
    rows = member.locator("main table tbody tr")
    assert rows.count() == 1
    assert rows.locator(f"a[href='{proposal_path}']").count() == 1
    checks(member, "/vorlagen with every filter and a search")
    member.fill("#f-q", "Wortohnetreffer")
    click_and_wait(member, "main form[role=search] button[type=submit]", 200)
    assert member.locator("main table").count() == 0
    checks(member, "/vorlagen, a search without results")

    checks.finish()


# Two browsers, one draft; the other pages, some in English --------------------------------------

def test_stale_edit_keeps_the_text_and_other_pages(as_user, live_server, checks):
    member = as_user(MEMBER)
    goto(member, "/vorlagen/neu")
    member.fill("#proposal input[name=title]", "Zwei Fenster, ein Entwurf")
    member.select_option("#proposal select[name=type_id]", label=PROPOSAL_TYPE)
    click_and_wait(member, "#proposal button[name=save]", 200)
    proposal_path = re.search(r"/vorlagen/\d+$", member.url).group(0)
    edit_path = f"{proposal_path}/bearbeiten"

    # The author and the office open the edit form at the same time.
    office = as_user(OFFICE)
    goto(member, edit_path)
    goto(office, edit_path)
    checks(office, "/vorlagen/<id>/bearbeiten (office)")
    member.fill("#proposal textarea[name=subject]", "Fassung der Verfasserin.")
    click_and_wait(member, "#proposal button[name=save]", 200)
    assert member.url == live_server.url + proposal_path

    office_text = "Fassung der Geschäftsstelle,\nmit zwei Zeilen."
    office.fill("#proposal textarea[name=subject]", office_text)
    office.fill("#proposal textarea[name=reasoning]", "Begründung der Geschäftsstelle.")
    click_and_wait(office, "#proposal button[name=save]", 409)
    message = live_server.translate(
        "Someone else has changed this proposal since you opened the form. Your text is still here: "
        "compare it with the current version (opens in a new tab), then save again.", "de")
    assert office.locator("#proposal-errors").inner_text().strip() == message
    assert office.input_value("#proposal textarea[name=subject]") == office_text
    assert office.input_value("#proposal textarea[name=reasoning]") == "Begründung der Geschäftsstelle."
    assert office.locator(f"main a[target=_blank][href='{proposal_path}']").count() == 1
    checks(office, "/vorlagen/<id>/bearbeiten, conflict (409)")
    # The author's version is untouched until the office saves again, knowingly.
    goto(member, proposal_path)
    assert member.locator("main .proposal-text").get_by_text("Fassung der Verfasserin.").count() == 1

    # The edit form with an error.
    goto(member, edit_path)
    checks(member, "/vorlagen/<id>/bearbeiten (author)")
    member.fill("#proposal input[name=title]", "x")
    click_and_wait(member, "#proposal button[name=save]", 422)
    assert_error_next_to(member, member.locator("#proposal input[name=title]"))
    assert member.input_value("#proposal textarea[name=subject]") == "Fassung der Verfasserin."
    checks(member, "/vorlagen/<id>/bearbeiten, title too short")

    # The office: the desk, the proposal types, a type with an error.
    goto(office, "/schreibtisch")
    checks(office, "/schreibtisch (office)")
    goto(office, "/verwaltung/vorlagenarten")
    checks(office, "/verwaltung/vorlagenarten")
    type_link = office.locator("main table a[href^='/verwaltung/vorlagenarten/']").filter(has_text=PROPOSAL_TYPE)
    type_path = type_link.get_attribute("href")
    goto(office, type_path)
    checks(office, "/verwaltung/vorlagenarten/<id>")
    office.fill("#proposal-type input[name=name]", "")
    click_and_wait(office, "#proposal-type button[name=save]", 422)
    assert_error_next_to(office, office.locator("#proposal-type input[name=name]"))
    checks(office, "/verwaltung/vorlagenarten/<id>, name missing")
    goto(office, "/verwaltung/vorlagenarten/neu")
    checks(office, "/verwaltung/vorlagenarten/neu")

    # A subset in English.
    with member.expect_navigation():
        member.click("header a[hreflang='en']")
    for path, label in (
        ("/schreibtisch", "/schreibtisch"),
        ("/vorlagen?q=Fenster&stand=draft", "/vorlagen?q=…&stand=draft"),
        (edit_path, "/vorlagen/<id>/bearbeiten"),
        (f"{proposal_path}/druck", "/vorlagen/<id>/druck"),
        ("/benachrichtigungen", "/benachrichtigungen"),
        (proposal_path, "proposal page, draft"),
    ):
        goto(member, path)
        checks(member, label, "en")
    assert proposal_state(member) == state_label(live_server, "proposal", "draft", "en")
    member.click("main .workflow-panel > details > summary")
    checks(member, "proposal page, workflow diagram open", "en")
    with office.expect_navigation():
        office.click("header a[hreflang='en']")
    goto(office, "/verwaltung/vorlagenarten")
    checks(office, "/verwaltung/vorlagenarten", "en")
    goto(office, type_path)
    checks(office, "/verwaltung/vorlagenarten/<id>", "en")
    goto(office, f"{proposal_path}/beratungsfolge")
    checks(office, "/vorlagen/<id>/beratungsfolge (office)", "en")

    checks.finish()
