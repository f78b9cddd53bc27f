"""Mein Schreibtisch: each section for the people it is meant for. And a constant number of SQL
statements on the desk, the list, a search and the proposal page, whatever the data size."""

import datetime as dt
import itertools

import pytest

from sw_gremien.db import utcnow
from sw_gremien.districts import DISTRICTS
from tests import factories
from tests.functional.proposals.support import as_user, count_statements, fire, page_url

SECTIONS = ("desk-returned", "desk-drafts", "desk-check", "desk-schedule", "desk-decide", "desk-recent")
_numbers = itertools.count(1)


def desk_sections(testapp) -> dict[str, set[str]]:
    """The proposal links in each section of the desk."""
    page = testapp.get("/schreibtisch", status=200)
    result = {}
    for section_id in SECTIONS:
        section = page.html.find(id=section_id).find_parent("section")
        result[section_id] = {a["href"] for a in section.select("li a")}
        # the count badge agrees with the list
        assert section.find(class_="badge").text.strip() == str(len(result[section_id]))
    return result


# -- Building proposals in a given situation quickly (the workflow itself is tested elsewhere) --
def _proposal(world, dbsession, type_="strategic", state="draft", reference=True, author=None, **fields):
    proposal = factories.proposal(author or world.author, world.ag, world.types[type_],
                                  title=fields.pop("title", f"Vorlage {next(_numbers)}"), **fields)
    proposal.state = state
    if reference:
        proposal.reference = f"V-2001-{proposal.id:04d}"
        proposal.submitted_at = utcnow()
    dbsession.flush()
    return proposal


def with_step(world, dbsession, type_, position, step_state, ended=False):
    """A proposal in consultation whose step ``position`` (1-based) is in ``step_state``; the
    steps before it are over."""
    proposal = _proposal(world, dbsession, type_, "in_consultation")
    now = utcnow()
    for index, consultation in enumerate(proposal.current_round, start=1):
        if index < position:
            consultation.state, consultation.opened_at, consultation.ended_at = "recommended", now, now
        elif index == position:
            consultation.state, consultation.opened_at = step_state, now
            if ended:
                consultation.ended_at = now
    dbsession.flush()
    return proposal


def situation(world, dbsession, n):
    """n proposals of every kind the desk shows."""
    made = {key: [] for key in ("draft", "returned", "check", "schedule", "decide", "recent", "old")}
    for _ in range(n):
        made["draft"].append(_proposal(world, dbsession, reference=False))
        made["returned"].append(_proposal(world, dbsession, state="draft"))
        made["check"].append(_proposal(world, dbsession, state="submitted"))
        made["schedule"].append(with_step(world, dbsession, "strategic", 1, "open"))    # AG's step open
        made["decide"].append(with_step(world, dbsession, "strategic", 2, "scheduled"))  # LG's step on an agenda
        recent = with_step(world, dbsession, "strategic", 2, "decided", ended=True)
        recent.state = "adopted"
        made["recent"].append(recent)
        old = with_step(world, dbsession, "strategic", 2, "decided", ended=True)
        for consultation in old.current_round:
            if consultation.ended_at:
                consultation.ended_at = utcnow() - dt.timedelta(days=90)
        made["old"].append(old)
    dbsession.flush()
    return {key: {page_url(p) for p in proposals} for key, proposals in made.items()}


def test_each_section_for_its_people(testapp, dbsession, world):
    made = situation(world, dbsession, 1)
    expected = {
        # the author is a member of the AG: its steps that ended lately are "recent decisions"
        "author": {"desk-drafts": made["draft"], "desk-returned": made["returned"],
                   "desk-recent": made["decide"] | made["recent"]},
        "ag_secretary": {"desk-check": made["check"], "desk-schedule": made["schedule"],
                         # the AG's own steps (recommended) ended lately
                         "desk-recent": made["decide"] | made["recent"]},
        "lg_chair": {"desk-decide": made["decide"], "desk-recent": made["recent"]},
        "lg_member": {"desk-recent": made["recent"]},
        "lg_secretary": {"desk-recent": made["recent"]},  # the LG's step is scheduled: not "ready" any more
        "ag_chair": {"desk-recent": made["decide"] | made["recent"]},  # no AG step decides here
        "ia_member": {},
        "stranger": {},
        "coauthor": {"desk-recent": made["decide"] | made["recent"]},
        "ag2_member": {},
    }
    for who, sections in expected.items():
        as_user(testapp, world.people[who])
        found = desk_sections(testapp)
        assert found == {s: sections.get(s, set()) for s in SECTIONS}, who


def test_co_authors_find_their_drafts_on_the_desk(testapp, dbsession, world):
    proposal = _proposal(world, dbsession, reference=False, co_author_ids={world.coauthor.id})
    as_user(testapp, world.coauthor)
    assert desk_sections(testapp)["desk-drafts"] == {page_url(proposal)}


def test_chairs_see_decisions_of_their_own_body_only(testapp, dbsession, world):
    wg_matter = with_step(world, dbsession, "wg", 1, "open")  # the AG decides itself
    pact = with_step(world, dbsession, "pact", 2, "open")      # the LG-PI decides
    as_user(testapp, world.ag_chair)
    assert desk_sections(testapp)["desk-decide"] == {page_url(wg_matter)}
    as_user(testapp, world.lg_chair)
    assert desk_sections(testapp)["desk-decide"] == set()
    assert pact  # LG-PI has no chair in this world


def test_the_desk_needs_a_login(testapp, world):
    assert "/login" in testapp.get("/schreibtisch", status=302).location


def test_the_desk_offers_writing_only_to_writers(testapp, world):
    as_user(testapp, world.author)
    assert testapp.get("/schreibtisch").html.find("a", href="/vorlagen/neu") is not None
    as_user(testapp, world.lg_member)
    assert testapp.get("/schreibtisch").html.find("a", href="/vorlagen/neu") is None


def test_a_returned_proposal_moves_from_check_to_returned(testapp, dbsession, world):
    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    as_user(testapp, world.ag_secretary)
    assert desk_sections(testapp)["desk-check"] == {page_url(proposal)}
    fire(testapp, proposal, "return_for_rework", comment="Bitte ergänzen.")
    assert desk_sections(testapp)["desk-check"] == set()
    as_user(testapp, world.author)
    sections = desk_sections(testapp)
    assert sections["desk-returned"] == {page_url(proposal)} and sections["desk-drafts"] == set()


# -- Constant statement counts -----------------------------------------------------------------------
def measure(testapp, engine, url) -> int:
    testapp.get(url)  # warm: session touch and the like happen once
    return count_statements(engine, testapp, url)


@pytest.mark.parametrize("who", ["ag_secretary", "lg_chair", "author", "admin"])
def test_the_desk_costs_the_same_few_statements_for_1_or_20(testapp, dbsession, engine, world, who):
    situation(world, dbsession, 1)
    as_user(testapp, world.people[who])
    few = measure(testapp, engine, "/schreibtisch")
    situation(world, dbsession, 19)
    assert measure(testapp, engine, "/schreibtisch") == few


@pytest.mark.parametrize("who", ["admin", "ag_member", "ag2_member", "stranger"])
@pytest.mark.parametrize("url", ["/vorlagen", "/vorlagen?q=Sprachcaf%C3%A9s", "/vorlagen?bezirk=mitte&stand=adopted",
                                 "/vorlagen?seite=2"])
def test_the_list_and_the_search_cost_the_same_for_1_or_20(testapp, dbsession, engine, world, who, url):
    def add(n):
        for _ in range(n):
            with_step(world, dbsession, "strategic", 3, "noted", ended=True).state = "adopted"
            _proposal(world, dbsession, state="submitted")
            _proposal(world, dbsession, reference=False)
        dbsession.flush()

    add(1)
    as_user(testapp, world.people[who])
    few = measure(testapp, engine, url)
    add(30)  # more than a page
    assert measure(testapp, engine, url) == few


@pytest.mark.parametrize("who", ["author", "lg_member", "admin"])
def test_the_proposal_page_costs_the_same_however_long_its_story(testapp, app, dbsession, engine, world, who):
    """A short story: accepted, one step open. A long one: referred back and accepted again
    several times, with many co-authors, districts, attachments and history entries."""
    from sw_gremien.documents.models import Attachment

    def story(rounds, extras):
        proposal = factories.proposal(
            world.author, world.ag, world.types["strategic"],
            co_author_ids={factories.UserFactory().id for _ in range(extras)} | {world.coauthor.id},
            districts=set(list(DISTRICTS)[:max(1, extras)]),
        )
        as_user(testapp, world.author)
        fire(testapp, proposal, "submit")
        for round_ in range(rounds):
            as_user(testapp, world.ag_secretary)
            fire(testapp, proposal, "accept")
            if round_ < rounds - 1:
                dbsession.expire_all()
                fire(testapp, proposal, "refer_back", obj=proposal.current_round[0], comment="Nochmal.")
                as_user(testapp, world.author)
                fire(testapp, proposal, "submit")
        for n in range(extras):
            dbsession.add(Attachment(owner_type="proposals", owner_id=proposal.id, filename=f"anlage{n}.png",
                                     stored_name=f"x{proposal.id}n{n}", content_type="image/png", size=10,
                                     sha256="0" * 64, uploaded_by_id=world.author.id))
        dbsession.flush()
        return proposal

    short = story(1, 1)
    long = story(6, 20)
    dbsession.expire_all()
    assert len(long.consultations) == 18 and len(long.co_authors) == 21
    as_user(testapp, world.people[who])
    for suffix in ("", "/druck"):
        assert measure(testapp, engine, page_url(short) + suffix) == measure(testapp, engine, page_url(long) + suffix)


def test_a_proposal_referred_back_leaves_the_other_bodies_desks(testapp, dbsession, world):
    """After a referral back the proposal is a draft again (its authors' only): the LG's
    members no longer see its title among their recent decisions."""
    from tests.functional.proposals.support import reload
    from tests.functional.proposals.test_consultation_path import step, submit_and_accept

    proposal = factories.proposal(world.author, world.ag, world.types["strategic"], title="Zurück an die AG")
    submit_and_accept(testapp, world, proposal)
    fire(testapp, proposal, "recommend", obj=step(dbsession, proposal, "AG-SA"))
    as_user(testapp, world.lg_secretary)
    fire(testapp, proposal, "refer_back", obj=step(dbsession, proposal, "LG-GI"), comment="Abstimmung fehlt.")
    assert reload(dbsession, proposal).state == "draft"
    desk = testapp.get("/schreibtisch")
    assert "Zurück an die AG" not in desk.text
