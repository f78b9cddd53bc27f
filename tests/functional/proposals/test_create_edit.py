"""Writing and editing a proposal: who may, drafts, form errors, amounts, districts,
co-authors, safe Markdown, and the stale-edit conflict."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sw_gremien.proposals.models import Proposal
from tests import factories
from tests.functional.proposals.forms import (
    COMPLETE,
    create_through_form,
    edit_form,
    field_error,
    fill,
    ticked_districts,
)
from tests.functional.proposals.support import as_user, fire, new_client, page_url, reload, states


def origin_choices(page) -> set[str]:
    return {value for value, _selected, _text in page.forms["proposal"]["origin_body_id"].options}


def proposal_count(dbsession) -> int:
    return dbsession.scalar(select(func.count(Proposal.id)))


# -- Who may write ------------------------------------------------------------------------------
def test_a_member_writes_only_for_their_own_working_group(testapp, dbsession, world):
    as_user(testapp, world.author)
    assert origin_choices(testapp.get("/vorlagen/neu")) == {str(world.ag.id)}
    as_user(testapp, world.ag2_member)
    assert origin_choices(testapp.get("/vorlagen/neu")) == {str(world.ag2.id)}
    # a tampered form naming another working group is refused at the field
    page = testapp.get("/vorlagen/neu")
    form = page.forms["proposal"]
    form["title"] = "Fremde Vorlage"
    form["type_id"] = str(world.types["wg"].id)
    form["origin_body_id"].force_value(str(world.ag.id))
    response = form.submit("save", status=422)
    assert field_error(response, "origin_body_id") is not None
    assert proposal_count(dbsession) == 0


@pytest.mark.parametrize("who", ["guest", "lg_member", "lg_chair", "ia_secretary", "stranger"])
def test_people_outside_the_working_groups_may_not_write(testapp, dbsession, world, who):
    as_user(testapp, world.people[who])
    testapp.get("/vorlagen/neu", status=403)
    token = testapp.get("/konto").html.find("input", {"name": "csrf_token"})["value"]
    testapp.post("/vorlagen/neu", {"csrf_token": token, "title": "Versuch", "save": "save",
                                   "type_id": str(world.types["wg"].id), "origin_body_id": str(world.ag.id)},
                 status=403)
    assert proposal_count(dbsession) == 0


def test_anonymous_visitors_are_sent_to_the_login(testapp, world):
    response = testapp.get("/vorlagen/neu", status=302)
    assert "/login" in response.location


def test_the_office_writes_for_any_working_group(testapp, dbsession, world):
    as_user(testapp, world.admin)
    assert origin_choices(testapp.get("/vorlagen/neu")) == {str(world.ag.id), str(world.ag2.id)}
    create_through_form(testapp, world.types["wg"], origin=world.ag2, title="Von der Geschäftsstelle")
    proposal = dbsession.scalar(select(Proposal))
    assert proposal.origin_body_id == world.ag2.id and proposal.created_by_id == world.admin.id


# -- Drafts and form errors -------------------------------------------------------------------
def test_an_incomplete_draft_is_saved(testapp, dbsession, world):
    as_user(testapp, world.author)
    response = create_through_form(testapp, world.types["strategic"], title="Nur ein Titel")
    proposal = dbsession.scalar(select(Proposal))
    assert response.location.endswith(page_url(proposal))
    assert (proposal.state, proposal.title, proposal.subject, proposal.reference) == ("draft", "Nur ein Titel", "", None)
    assert proposal.created_by_id == world.author.id and proposal.origin_body_id == world.ag.id
    # the type's default path, with the own working group first
    assert states(dbsession, proposal) == [
        (1, "AG-SA", "preliminary", "waiting"), (1, "LG-GI", "decision", "waiting"), (1, "IA", "notice", "waiting"),
    ]
    page = response.follow()
    assert page.html.find("h1").text.strip() == "Nur ein Titel"


def test_form_errors_stand_next_to_the_field_and_keep_the_input(testapp, dbsession, world):
    as_user(testapp, world.author)
    response = create_through_form(
        testapp, world.types["strategic"], title="ab", status=422,
        subject="Mein langer Sachverhalt", cost_estimate="zwölf Euro", districts={"ost"},
    )
    assert field_error(response, "title") is not None
    assert field_error(response, "cost_estimate") is not None
    assert field_error(response, "subject") is None
    form = response.forms["proposal"]
    assert form["title"].value == "ab"
    assert form["subject"].value == "Mein langer Sachverhalt"
    assert form["cost_estimate"].value == "zwölf Euro"
    assert ticked_districts(form) == {"ost"}
    assert proposal_count(dbsession) == 0


def test_a_negative_amount_is_refused(testapp, dbsession, world):
    as_user(testapp, world.author)
    response = create_through_form(testapp, world.types["wg"], cost_estimate="-5,00", status=422)
    assert field_error(response, "cost_estimate") is not None


@pytest.mark.parametrize("typed, stored", [
    ("12.500,00", Decimal("12500.00")),
    ("12500", Decimal("12500.00")),
    ("1.234,5", Decimal("1234.50")),
    ("0,99", Decimal("0.99")),
    ("2 000 €", Decimal("2000.00")),
])
def test_german_amounts_are_stored_exactly(testapp, dbsession, world, typed, stored):
    as_user(testapp, world.author)
    create_through_form(testapp, world.types["wg"], cost_estimate=typed)
    proposal = reload(dbsession, dbsession.scalar(select(Proposal)))
    assert proposal.cost_estimate == stored and isinstance(proposal.cost_estimate, Decimal)


def test_the_amount_is_shown_in_german(testapp, dbsession, world):
    as_user(testapp, world.author)
    page = create_through_form(testapp, world.types["wg"], cost_estimate="12.500,00").follow()
    facts = page.html.select_one("dl.facts").text
    assert "12.500,00" in facts and "€" in facts
    proposal = dbsession.scalar(select(Proposal))
    assert edit_form(testapp, proposal)["cost_estimate"].value == "12.500,00"
    # saved again unchanged, the amount stays the same (no 1000-fold mix-up)
    edit_form(testapp, proposal).submit("save", status=302)
    assert reload(dbsession, proposal).cost_estimate == Decimal("12500.00")


def test_districts_are_stored_by_key_and_shown_by_name(testapp, dbsession, world):
    as_user(testapp, world.author)
    page = create_through_form(testapp, world.types["wg"], districts={"bad-cannstatt", "muehlhausen", "sued"}).follow()
    proposal = reload(dbsession, dbsession.scalar(select(Proposal)))
    assert proposal.districts == ["bad-cannstatt", "muehlhausen", "sued"]
    facts = page.html.select_one("dl.facts").text
    assert "Bad Cannstatt" in facts and "Mühlhausen" in facts and "Süd" in facts
    # edit: the boxes come back ticked; untick one, tick another
    form = edit_form(testapp, proposal)
    assert ticked_districts(form) == {"bad-cannstatt", "muehlhausen", "sued"}
    fill(form, districts={"sued", "west"})
    form.submit("save", status=302)
    assert reload(dbsession, proposal).districts == ["sued", "west"]


def test_an_unknown_district_is_refused(testapp, dbsession, world):
    as_user(testapp, world.author)
    form = testapp.get("/vorlagen/neu").forms["proposal"]
    form["title"] = "Bezirke"
    form["type_id"] = str(world.types["wg"].id)
    box = form.get("checkbox", index=0)
    box._value, box.checked = "atlantis", True
    form.submit("save", status=422)
    assert proposal_count(dbsession) == 0


# -- Co-authors --------------------------------------------------------------------------------
def test_co_authors_hold_the_author_role(testapp, dbsession, world):
    as_user(testapp, world.author)
    create_through_form(testapp, world.types["wg"], co_author_ids=[world.coauthor.id, world.author.id], **COMPLETE)
    proposal = reload(dbsession, dbsession.scalar(select(Proposal)))
    # the author is not their own co-author
    assert [u.id for u in proposal.co_authors] == [world.coauthor.id]
    assert proposal.author_ids == {world.author.id, world.coauthor.id}
    page = testapp.get(page_url(proposal))
    assert "Carl Mitautor" in page.html.select_one("dl.facts").text

    as_user(testapp, world.coauthor)
    form = edit_form(testapp, proposal)
    assert form["co_author_ids"].value == [str(world.coauthor.id)]
    form["title"] = "Sprachcafés – überarbeitet vom Mitautor"
    form.submit("save", status=302)
    assert reload(dbsession, proposal).title == "Sprachcafés – überarbeitet vom Mitautor"
    # and may submit it
    fire(testapp, proposal, "submit")
    assert reload(dbsession, proposal).state == "submitted"

    # another member of the working group is no author
    as_user(testapp, world.ag_member)
    testapp.get(page_url(proposal) + "/bearbeiten", status=403)


def test_removing_a_co_author_takes_the_role_away(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"], co_author_ids={world.coauthor.id})
    as_user(testapp, world.author)
    form = edit_form(testapp, proposal)
    form["co_author_ids"] = []
    form.submit("save", status=302)
    assert reload(dbsession, proposal).co_authors == []
    as_user(testapp, world.coauthor)
    testapp.get(page_url(proposal), status=403)


# -- Editing -------------------------------------------------------------------------------------
def test_who_may_edit_follows_the_state(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    url = page_url(proposal) + "/bearbeiten"
    for who, status in [("author", 200), ("admin", 200), ("ag_member", 403), ("ag_secretary", 403), ("stranger", 403)]:
        as_user(testapp, world.people[who])
        testapp.get(url, status=status)
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    # once submitted, the working group's secretaries (and the office) edit, not the author
    for who, status in [("author", 403), ("ag_secretary", 200), ("admin", 200), ("ag_member", 403)]:
        as_user(testapp, world.people[who])
        testapp.get(url, status=status)


def test_edit_form_shows_the_stored_values_and_saves_changes(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"], cost_estimate=Decimal("750.50"))
    as_user(testapp, world.author)
    form = edit_form(testapp, proposal)
    assert "origin_body_id" not in form.fields  # the working group is fixed once written
    assert form["title"].value == proposal.title
    assert form["subject"].value == proposal.subject
    assert form["cost_estimate"].value == "750,50"
    assert form["version"].value == str(proposal.version)
    form["title"] = "Sprachcafés, neu gefasst"
    form["reasoning"] = "Weil Sprache verbindet."
    form["cost_estimate"] = ""
    form.submit("save", status=302)
    proposal = reload(dbsession, proposal)
    assert (proposal.title, proposal.reasoning, proposal.cost_estimate) == (
        "Sprachcafés, neu gefasst", "Weil Sprache verbindet.", None)


def test_changing_the_type_brings_its_default_path(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    assert states(dbsession, proposal) == [(1, "AG-SA", "decision", "waiting")]
    as_user(testapp, world.author)
    form = edit_form(testapp, proposal)
    form["type_id"] = str(world.types["pact"].id)
    form.submit("save", status=302)
    assert states(dbsession, proposal) == [(1, "AG-SA", "preliminary", "waiting"), (1, "LG-PI", "decision", "waiting")]


def test_changing_only_districts_or_co_authors_counts_as_a_change(testapp, dbsession, world):
    """A save that touches only the related rows still moves the version on, so a second
    browser with the old form cannot silently undo it."""
    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    before = reload(dbsession, proposal).version
    as_user(testapp, world.author)
    form = edit_form(testapp, proposal)
    fill(form, districts={"west"})
    form.submit("save", status=302)
    assert reload(dbsession, proposal).version > before


# -- Markdown --------------------------------------------------------------------------------
def test_markdown_is_rendered_safely(testapp, dbsession, world):
    as_user(testapp, world.author)
    create_through_form(
        testapp, world.types["wg"],
        subject="Wir **fördern** Sprachcafés.\n\n<script>alert('x')</script>\n\n<b onmouseover=\"alert(1)\">fett</b>",
        resolution="- erstens\n- [Gute Seite](https://www.stuttgart.de)\n- [Böse Seite](javascript:alert(1))",
        reasoning="<img src=x onerror=alert(1)> und ![Bild](https://example.org/x.png)",
    )
    proposal = dbsession.scalar(select(Proposal))
    page = testapp.get(page_url(proposal))
    text = page.html.select_one(".proposal-text")
    assert text.find("strong").text == "fördern"
    assert text.find("script") is None and text.find("b") is None and text.find("img") is None
    assert "<script>alert('x')</script>" in text.text  # shown as text, not run
    assert not [el for el in text.find_all(True) if any(a.startswith("on") for a in el.attrs)]
    links = {a.text: a["href"] for a in text.find_all("a")}
    # images are not embedded (at most a plain link remains); no javascript: link at all
    assert links["Gute Seite"] == "https://www.stuttgart.de" and "Böse Seite" not in links
    assert all(href.startswith("https://") for href in links.values())
    assert "javascript:" not in str(text.select_one(".resolution").find_all("a"))
    assert [li.text for li in text.select(".resolution li")][0] == "erstens"
    # the title is text, too
    as_user(testapp, world.author)
    form = edit_form(testapp, proposal)
    form["title"] = "<i>Kursiv</i> & mehr"
    form.submit("save", status=302)
    page = testapp.get(page_url(proposal))
    assert page.html.find("h1").find("i") is None and "<i>Kursiv</i> & mehr" in page.html.find("h1").text


# -- Two browsers, one proposal -----------------------------------------------------------------
def test_a_stale_edit_gets_a_conflict_and_loses_nothing(testapp, app, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"], co_author_ids={world.coauthor.id})
    first = as_user(testapp, world.author)
    second = as_user(new_client(app), world.coauthor)
    first_form = edit_form(first, proposal)
    second_form = edit_form(second, proposal)

    first_form["subject"] = "Fassung der Autorin"
    first_form.submit("save", status=302)

    second_form["subject"] = "Fassung des Mitautors"
    second_form["title"] = "Titel des Mitautors"
    response = second_form.submit("save", status=409)
    # the second person's text is still in the form, with a message and a link to compare
    form = response.forms["proposal"]
    assert form["subject"].value == "Fassung des Mitautors"
    assert form["title"].value == "Titel des Mitautors"
    assert response.html.select_one(".alert-danger, [role=alert]") is not None
    assert response.html.find("a", href=page_url(proposal), target="_blank") is not None
    # the proposal keeps the first person's text
    stored = reload(dbsession, proposal)
    assert stored.subject == "Fassung der Autorin" and stored.title == proposal.title
    # the form now carries the current version: saving again (deliberately) works
    assert form["version"].value == str(stored.version)
    form.submit("save", status=302)
    assert reload(dbsession, proposal).subject == "Fassung des Mitautors"


def test_a_tampered_co_author_value_is_refused_at_the_field(testapp, dbsession, world):
    as_user(testapp, world.author)
    form = testapp.get("/vorlagen/neu").forms["proposal"]
    form["title"] = "Manipuliert"
    form["type_id"] = str(world.types["wg"].id)
    form["co_author_ids"].force_value(["abc"])
    response = form.submit("save", status=422)
    assert field_error(response, "co_author_ids") is not None
    assert proposal_count(dbsession) == 0


def test_a_draft_keeps_its_type_when_the_type_is_retired(testapp, dbsession, world):
    """The office may deactivate a type; drafts of that type are saved unchanged, not quietly
    moved to whichever type the list offers first (with another path)."""
    proposal = factories.proposal(world.author, world.ag, world.types["pact"])
    world.types["pact"].active = False
    dbsession.flush()
    as_user(testapp, world.author)
    form = edit_form(testapp, proposal)
    assert form["type_id"].value == str(world.types["pact"].id)
    form["title"] = "Nur der Titel ändert sich"
    form.submit("save", status=302)
    proposal = reload(dbsession, proposal)
    assert proposal.type_id == world.types["pact"].id
    assert states(dbsession, proposal) == [(1, "AG-SA", "preliminary", "waiting"), (1, "LG-PI", "decision", "waiting")]
    # a new proposal cannot choose it
    options = {v for v, _s, _t in testapp.get("/vorlagen/neu").forms["proposal"]["type_id"].options}
    assert str(world.types["pact"].id) not in options
