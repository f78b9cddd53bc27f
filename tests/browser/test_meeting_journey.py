"""The meeting journey of issue 5 in Chromium, every meeting page checked by axe-core (WCAG 2.1 AA).

Two strategic proposals (AG-SA preliminary → LG-GI decision → IA notice) are written by the AG-SA
member and accepted by the AG-SA secretary, through the pages, as in test_proposal_journey.py.
The AG-SA secretary plans a meeting from the body page, builds its agenda (adding both
proposals, ordering with the "up"/"down" buttons by keyboard and by drag and drop), convenes
it (the invitations leave through the live server's testing mailer), marks it as held, records
the attendance and a result for every item and closes it. The LG-GI secretary then finds both
proposals ready for an agenda. A second test plans a meeting inside the notice period: the
secretary sees why it cannot be convened, the chair may do it only with a reason.

Elements are found by id, name, action or href, not by visible text; where text matters it is
data, a workflow label from workflows/*.yaml, or what the app's own catalogue makes of the
message id.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sw_gremien.i18n import today
from tests.browser.test_proposal_journey import (
    AGSA_SECRETARY,
    LGGI_SECRETARY,
    MEMBER,
    PROPOSAL_TYPE,
    click_and_wait,
    goto,
    outbox_of,
    proposal_state,
    state_label,
    transition_button,
    transition_label,
)

pytestmark = pytest.mark.browser

AGSA_CHAIR = "vorsitz.ag-sa@stuttgart.example"
TITLES = ("Sprachcafés in allen Stadtbezirken", "Patenschaften für Neuzugewanderte")
LOCATION = "Rathaus, Kleiner Sitzungssaal"


def flash_done(live_server, trigger: str, state: str) -> str:
    """The flash message after a workflow step (sw_gremien/workflow/views.py)."""
    message = live_server.translate("Done: ${step}. New state: ${state}.", "de")
    return (message.replace("${step}", transition_label(live_server, "meeting", trigger))
            .replace("${state}", state_label(live_server, "meeting", state)))


def flashes(page) -> list[str]:
    return [text.strip() for text in page.locator(".alert[role=status]").all_inner_texts()]


def meeting_state(page) -> str:
    return page.locator("main .workflow-panel .workflow-state .state-badge").inner_text().strip()


def open_proposal(live_server, member, agsa, title: str) -> int:
    """The member writes and submits a strategic proposal; the AG-SA secretary accepts it, which
    opens the AG-SA consultation. Returns the proposal's id."""
    goto(member, "/vorlagen/neu")
    member.select_option("#proposal select[name=type_id]", label=PROPOSAL_TYPE)
    member.fill("#proposal input[name=title]", title)
    member.fill("#proposal textarea[name=subject]", f"Worum es geht: {title}.")
    member.fill("#proposal textarea[name=resolution]", f"Die Lenkungsgruppe beschließt: {title}.")
    member.fill("#proposal textarea[name=reasoning]", "Weil es den Menschen in Stuttgart hilft.")
    member.check("#proposal input[type=checkbox][value='mitte']")
    click_and_wait(member, "#proposal button[name=save]", 200)
    proposal_id = int(re.search(r"/vorlagen/(\d+)$", member.url).group(1))
    click_and_wait(member, transition_button("proposals", proposal_id, "submit"), 200)
    goto(agsa, f"/vorlagen/{proposal_id}")
    click_and_wait(agsa, transition_button("proposals", proposal_id, "accept"), 200)
    assert proposal_state(agsa) == state_label(live_server, "proposal", "in_consultation")
    return proposal_id


def plan_meeting(page, live_server, slug: str, days_ahead: int) -> int:
    """From the body page: "Plan a meeting", the form filled in, saved. Returns the meeting id;
    the page is on the agenda builder."""
    goto(page, f"/gremien/{slug}")
    click_and_wait(page, f"main a[href='/gremien/{slug}/sitzungen/neu']", 200)
    page.fill("#meeting input[name=date]", (today() + dt.timedelta(days=days_ahead)).isoformat())
    page.fill("#meeting input[name=start_time]", "17:30")
    page.fill("#meeting input[name=end_time]", "19:30")
    page.fill("#meeting input[name=location]", LOCATION)
    click_and_wait(page, "#meeting button[name=save]", 200)
    match = re.search(r"/sitzungen/(\d+)/tagesordnung$", page.url)
    assert match, page.url
    assert flashes(page) == [live_server.translate("The meeting has been planned. Now put together its agenda.", "de")]
    return int(match.group(1))


def agenda_order(page) -> list[tuple[str, str]]:
    """(item id, "TOP n") of the agenda builder's items, top to bottom."""
    items = page.locator("ol.agenda-builder > li[data-item-id]")
    return [(item.get_attribute("data-item-id"), item.locator(".agenda-number").inner_text().strip())
            for item in items.all()]


def move_button(item_id: str, direction: str) -> str:
    return (f"li#item-{item_id} form[action$='/top/{item_id}/verschieben']:has(input[name=direction][value={direction}]) "
            "button[type=submit]")


# The journey ------------------------------------------------------------------------------------

def test_meeting_journey(as_user, live_server, checks):
    outbox = outbox_of(live_server)
    item_label = live_server.translate("Item", "de")  # "TOP"

    # 1. Two strategic proposals, open in AG-SA.
    member = as_user(MEMBER)
    agsa = as_user(AGSA_SECRETARY)
    proposals = [open_proposal(live_server, member, agsa, title) for title in TITLES]
    goto(agsa, "/gremien/ag-sa")
    for proposal_id in proposals:
        assert agsa.locator(f"main section[aria-labelledby=queue-heading] a[href='/vorlagen/{proposal_id}']").count() == 1

    # 2. The secretary plans a meeting 14 days ahead (notice period: 7 days).
    click_and_wait(agsa, "main a[href='/gremien/ag-sa/sitzungen/neu']", 200)
    checks(agsa, "/gremien/ag-sa/sitzungen/neu")
    agsa.fill("#meeting input[name=start_time]", "18:00")
    agsa.fill("#meeting input[name=end_time]", "17:00")
    click_and_wait(agsa, "#meeting button[name=save]", 422)
    assert agsa.locator("#meeting [aria-invalid=true]").count() >= 2  # no date, no place; end before start
    checks(agsa, "/gremien/ag-sa/sitzungen/neu, errors")
    meeting_id = plan_meeting(agsa, live_server, "ag-sa", days_ahead=14)
    meeting_path = f"/sitzungen/{meeting_id}"
    agenda_path = f"{meeting_path}/tagesordnung"
    assert agsa.locator("ol.agenda-builder > li").count() == 0
    checks(agsa, "agenda builder, empty")

    # Both proposals from "Ready for the agenda".
    for n, proposal_id in enumerate(proposals, start=1):
        row = agsa.locator(f"main section[aria-labelledby=queue-heading] tr:has(a[href='/vorlagen/{proposal_id}'])")
        with agsa.expect_navigation():
            row.locator("button[type=submit]").click()
        assert agsa.url == live_server.url + agenda_path
        added = live_server.translate("Added as item ${number}.", "de").replace("${number}", str(n))
        assert flashes(agsa) == [added]
    queue = agsa.locator("main section[aria-labelledby=queue-heading]")
    assert all(queue.locator(f"a[href='/vorlagen/{p}']").count() == 0 for p in proposals)
    order = agenda_order(agsa)
    assert [number for _id, number in order] == [f"{item_label} 1", f"{item_label} 2"]
    first, second = order[0][0], order[1][0]
    # The first added is the first item; its title is the proposal's.
    assert TITLES[0] in agsa.locator(f"li#item-{first}").inner_text()
    checks(agsa, "agenda builder, two items")

    # By keyboard: Tab from the start of <main> reaches "down" of item 1; Enter moves it.
    down = agsa.locator(move_button(first, "down"))
    assert agsa.locator(move_button(first, "up")).is_disabled()
    agsa.focus("#main")
    for _ in range(40):
        agsa.keyboard.press("Tab")
        if down.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the “down” button of item 1")
    outline = down.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid", f"no visible focus on the “down” button: {outline}"
    with agsa.expect_navigation():
        agsa.keyboard.press("Enter")
    assert agsa.url == f"{live_server.url}{agenda_path}#item-{first}"
    assert agenda_order(agsa) == [(second, f"{item_label} 1"), (first, f"{item_label} 2")]
    checks(agsa, "agenda builder, after “down”")

    # "up" by mouse puts it back.
    click_and_wait(agsa, move_button(first, "up"), 200)
    assert agenda_order(agsa) == [(first, f"{item_label} 1"), (second, f"{item_label} 2")]

    # Drag and drop: item 1 onto the lower half of item 2; the drop saves the order (agenda.js).
    target = agsa.locator(f"li#item-{second}")
    box = target.bounding_box()
    with agsa.expect_navigation():
        agsa.locator(f"li#item-{first} .drag-handle").drag_to(
            target, target_position={"x": box["width"] / 2, "y": box["height"] - 3})
    assert agsa.url == live_server.url + agenda_path
    assert flashes(agsa) == [live_server.translate("The order has been saved.", "de")]
    assert agenda_order(agsa) == [(second, f"{item_label} 1"), (first, f"{item_label} 2")]
    goto(agsa, agenda_path)  # saved, not only moved on the page
    assert agenda_order(agsa) == [(second, f"{item_label} 1"), (first, f"{item_label} 2")]
    checks(agsa, "agenda builder, after drag and drop")

    # 3. Convene from the meeting page.
    click_and_wait(agsa, f"main a[href='{meeting_path}']", 200)
    assert meeting_state(agsa) == state_label(live_server, "meeting", "planned")
    checks(agsa, "meeting page, planned")
    sent_before = len(outbox)
    click_and_wait(agsa, transition_button("meetings", meeting_id, "convene"), 200)
    assert agsa.url == live_server.url + meeting_path
    assert flashes(agsa) == [flash_done(live_server, "convene", "convened")]
    assert meeting_state(agsa) == state_label(live_server, "meeting", "convened")
    assert meeting_state(agsa) == "Einberufen"

    # The invitations went out through the live server's testing mailer, one per person.
    subject_start = live_server.translate("Invitation: ${body_name}, ${date}", "de").split("$")[0]
    invitations = [m for m in outbox[sent_before:] if m.subject.startswith(subject_start)]
    assert all(len(m.recipients) == 1 for m in invitations)
    invited = {m.recipients[0] for m in invitations}
    assert {MEMBER, AGSA_SECRETARY, AGSA_CHAIR} <= invited, invited
    assert len(invited) == len(invitations), "someone was invited twice"
    for mail in invitations:
        assert meeting_path in mail.body
        assert [a.content_type for a in mail.attachments] == ["application/pdf", "text/calendar"]
    checks(agsa, "meeting page, convened")

    # 4. Held; attendance; a result for every item; closed.
    click_and_wait(agsa, transition_button("meetings", meeting_id, "hold"), 200)
    assert meeting_state(agsa) == state_label(live_server, "meeting", "held")
    click_and_wait(agsa, f"main a[href='{meeting_path}/anwesenheit']", 200)
    checks(agsa, "attendance page")
    selects = agsa.locator("main form[action$='/anwesenheit'] select[name^='status-']")
    assert selects.count() >= 3
    for select in selects.all():
        select.select_option("present")
    click_and_wait(agsa, "main form[action$='/anwesenheit'] button[type=submit]", 200)
    assert agsa.url == f"{live_server.url}{meeting_path}#attendance-heading"
    assert flashes(agsa) == [live_server.translate("The attendance has been saved.", "de")]
    assert agsa.locator("#attendance-heading").count() == 1

    result_links = agsa.locator(f"main ol.agenda a[href^='{meeting_path}/top/']")
    assert result_links.count() == 2
    click_and_wait(agsa, f"main ol.agenda a[href='{meeting_path}/top/{second}']", 200)
    checks(agsa, "item result form")
    for item_id in (second, first):
        assert agsa.url == f"{live_server.url}{meeting_path}/top/{item_id}"
        agsa.select_option("#item select[name=outcome]", "recommended")
        agsa.check("#item input[type=checkbox][name=unanimous]")
        agsa.fill("#item textarea[name=resolution]", "Die AG-SA empfiehlt die Vorlage einstimmig.")
        click_and_wait(agsa, "#item button[name=next]", 200)
    # After the last item: back on the meeting page, at the item.
    assert agsa.url == f"{live_server.url}{meeting_path}#item-{first}"
    assert agsa.locator(f"main ol.agenda a[href^='{meeting_path}/top/']").count() == 2

    sent_before = len(outbox)
    click_and_wait(agsa, transition_button("meetings", meeting_id, "close"), 200)
    assert flashes(agsa) == [flash_done(live_server, "close", "closed")]
    assert meeting_state(agsa) == state_label(live_server, "meeting", "closed")
    results = agsa.locator("main ol.agenda .item-result").all_inner_texts()
    outcome = (f"{live_server.translate('Outcome:', 'de')} {live_server.translate('recommended', 'de')} "
               f"({live_server.translate('unanimous', 'de')})")
    assert len(results) == 2 and all(text.strip().startswith(outcome) for text in results), results
    checks(agsa, "meeting page, closed")
    circulated = [m for m in outbox[sent_before:] if meeting_path in m.body]
    assert circulated, "no mail with the minutes for review"

    click_and_wait(agsa, f"main a[href='{meeting_path}/protokoll']", 200)
    assert agsa.locator("main article.minutes-item").count() == 2
    checks(agsa, "minutes page")

    # 5. The LG-GI secretary: both proposals are ready for LG-GI's agenda.
    lggi = as_user(LGGI_SECRETARY)
    goto(lggi, "/gremien/lg-gi")
    queue = lggi.locator("main section[aria-labelledby=queue-heading]")
    for proposal_id in proposals:
        assert queue.locator(f"a[href='/vorlagen/{proposal_id}']").count() == 1
    goto(agsa, "/gremien/ag-sa")
    for proposal_id in proposals:
        assert agsa.locator(f"main section[aria-labelledby=queue-heading] a[href='/vorlagen/{proposal_id}']").count() == 0

    # The month calendar with the meeting in it.
    meeting_day = today() + dt.timedelta(days=14)
    goto(lggi, f"/sitzungen?monat={meeting_day:%Y-%m}")
    checks(lggi, "/sitzungen (month of the meeting)")
    goto(agsa, f"/sitzungen?monat={meeting_day:%Y-%m}")
    assert agsa.locator(f"main a[href='{meeting_path}']").count() >= 1
    goto(agsa, "/sitzungen")
    checks(agsa, "/sitzungen (AG-SA secretary)")

    checks.finish()


# Inside the notice period ------------------------------------------------------------------------

def test_convening_at_short_notice(as_user, live_server, checks):
    agsa = as_user(AGSA_SECRETARY)
    meeting_id = plan_meeting(agsa, live_server, "ag-sa", days_ahead=3)
    meeting_path = f"/sitzungen/{meeting_id}"
    # A report, so that the agenda is not empty.
    click_and_wait(agsa, f"main a[href='{meeting_path}/tagesordnung/neu']", 200)
    agsa.fill("#item input[name=title]", "Bericht aus der Verwaltung")
    click_and_wait(agsa, "#item button[name=save]", 200)

    goto(agsa, meeting_path)
    convene = transition_label(live_server, "meeting", "convene")
    assert agsa.locator(transition_button("meetings", meeting_id, "convene")).count() == 0
    blocked = agsa.locator("main .workflow-blocked")
    assert blocked.locator("h3").inner_text().strip() == live_server.translate("Not possible yet", "de")
    reason = blocked.locator("li").filter(has_text=convene).inner_text()
    assert "Einladungsfrist" in reason, reason
    checks(agsa, "meeting page, planned inside the notice period (secretary)")

    # The chair: "Convene at short notice" needs a reason.
    chair = as_user(AGSA_CHAIR)
    goto(chair, meeting_path)
    button = chair.locator(transition_button("meetings", meeting_id, "convene_at_short_notice"))
    form = chair.locator(f"form.workflow-transition[action='/ablauf/meetings/{meeting_id}/convene_at_short_notice']")
    comment = form.locator("textarea[name=comment]")
    assert comment.get_attribute("required") is not None
    checks(chair, "meeting page, planned inside the notice period (chair)")
    # The browser keeps the empty form back …
    button.click()
    assert chair.url == live_server.url + meeting_path
    assert comment.evaluate("el => el.validity.valueMissing")
    # … and without the browser's check the server refuses it, saying why.
    comment.evaluate("el => el.removeAttribute('required')")
    click_and_wait(chair, transition_button("meetings", meeting_id, "convene_at_short_notice"), 422)
    assert live_server.translate("Please give a reason in the comment.", "de") in chair.locator("main").inner_text()
    checks(chair, "convene at short notice without a reason (422)")

    goto(chair, meeting_path)
    chair.fill(f"form.workflow-transition[action='/ablauf/meetings/{meeting_id}/convene_at_short_notice'] "
               "textarea[name=comment]", "Eilbedürftig wegen der Förderfrist.")
    click_and_wait(chair, transition_button("meetings", meeting_id, "convene_at_short_notice"), 200)
    assert meeting_state(chair) == state_label(live_server, "meeting", "convened")
    assert chair.locator("main .timeline-comment").inner_text().strip() == "Eilbedürftig wegen der Förderfrist."
    checks.finish()
