"""The rules of proposals without the web: paths, completeness, reference numbers, search terms
and the path's chaining through the workflow engine."""

from decimal import Decimal

import pytest
from pyramid import testing
from pyramid.authorization import Authenticated, Everyone

from sw_gremien.proposals import search, services
from sw_gremien.proposals.models import ProposalType
from sw_gremien.proposals.services import PathStep
from sw_gremien.workflow import engine as wf_engine
from tests import factories
from tests.factories import BodyFactory, UserFactory


# -- Search terms ----------------------------------------------------------------------------------
@pytest.mark.parametrize("query, words", [
    ("Förderung Sprachcafé", ["Förderung", "Sprachcafé"]),
    ('"Sprach*" OR (NEAR) -x', ["Sprach", "OR", "NEAR", "x"]),
    ("title:Straße; DROP TABLE", ["title", "Straße", "DROP", "TABLE"]),
    ("  ", []),
    ("*** ()", []),
    (None, []),
    ("a b c d e f g h i j", ["a", "b", "c", "d", "e", "f", "g", "h"]),  # at most eight words
])
def test_terms(query, words):
    assert search.terms(query) == words


def test_no_words_no_condition(dbsession):
    assert search.matches(dbsession, "&&& ***") is None
    assert search.matches(dbsession, "Förderung") is not None


# -- Paths ---------------------------------------------------------------------------------------------
def probe(informational=False):
    return ProposalType(informational=informational)


def test_path_problems():
    assert services.path_problems([], probe())
    assert services.path_problems([], probe(informational=True))  # informational needs a step too
    assert services.path_problems([PathStep(1, "preliminary"), PathStep(2, "notice")], probe())
    assert services.path_problems([PathStep(1, "preliminary"), PathStep(2, "notice")], probe(True)) == []
    assert services.path_problems([PathStep(1, "decision")], probe()) == []


def test_default_path_puts_the_own_working_group_where_the_type_says(dbsession):
    ag, lg = BodyFactory(), BodyFactory()
    proposal_type = factories.proposal_type((("origin", "preliminary"), (lg, "decision"), ("origin", "notice")))
    assert services.default_path(proposal_type, ag) == [
        PathStep(ag.id, "preliminary"), PathStep(lg.id, "decision"), PathStep(ag.id, "notice")]


def test_path_is_editable_only_before_it_starts(dbsession):
    author, ag = UserFactory(), BodyFactory()
    proposal = factories.proposal(author, ag)
    assert services.path_is_editable(proposal)
    proposal.state = "submitted"
    assert services.path_is_editable(proposal)
    proposal.current_round[0].state = "open"
    assert not services.path_is_editable(proposal)
    proposal.current_round[0].state = "waiting"
    proposal.state = "in_consultation"
    assert not services.path_is_editable(proposal)


def test_changing_the_type_keeps_a_started_path(dbsession):
    author, ag, lg = UserFactory(), BodyFactory(), BodyFactory()
    proposal = factories.proposal(author, ag)
    other = factories.proposal_type((("origin", "preliminary"), (lg, "decision")))
    proposal.state = "in_consultation"
    proposal.current_round[0].state = "open"
    services.change_type(dbsession, proposal, other)
    assert proposal.type_id == other.id
    assert [(c.body_id, c.role) for c in proposal.current_round] == [(ag.id, "decision")]


# -- Completeness -----------------------------------------------------------------------------------
def test_submission_problems(dbsession):
    author, ag = UserFactory(), BodyFactory()
    complete = factories.proposal(author, ag)
    assert complete.submission_problems() == []
    empty = factories.proposal(author, ag, complete=False)
    assert len(empty.submission_problems()) == 4
    empty.title = "   "
    assert len(empty.submission_problems()) == 5
    info = factories.proposal(author, ag, factories.proposal_type((("origin", "notice"),), informational=True),
                              resolution="", reasoning="")
    assert info.submission_problems() == []


def test_apply_fields_keeps_existing_district_rows_and_drops_the_author_as_co_author(dbsession):
    author, other, ag = UserFactory(), UserFactory(), BodyFactory()
    proposal = factories.proposal(author, ag, districts={"mitte", "nord"})
    kept = next(row for row in proposal.district_rows if row.district == "mitte")
    services.apply_fields(dbsession, proposal, {"districts": {"mitte", "west"},
                                                "co_author_ids": {author.id, other.id}})
    dbsession.flush()
    assert sorted(proposal.districts) == ["mitte", "west"]
    assert kept in proposal.district_rows
    assert [u.id for u in proposal.co_authors] == [other.id]
    services.apply_fields(dbsession, proposal, {"co_author_ids": set()})
    assert proposal.co_authors == []


@pytest.mark.parametrize("value, parsed", [(None, None), ("", None), ("12.50", Decimal("12.50"))])
def test_parse_cost(value, parsed):
    assert services.parse_cost(value) == parsed


# -- Reference numbers -------------------------------------------------------------------------------
def test_reference_numbers_count_per_year_and_prefix(dbsession):
    assert services.next_reference(dbsession, 2091) == "V-2091-0001"
    assert services.next_reference(dbsession, 2091) == "V-2091-0002"
    assert services.next_reference(dbsession, 2092) == "V-2092-0001"
    assert services.next_reference(dbsession, 2091, prefix="F") == "F-2091-0001"
    assert services.next_reference(dbsession, 2091) == "V-2091-0003"


def test_numbers_past_9999_still_fit(dbsession):
    from sw_gremien.proposals.models import ReferenceCounter

    dbsession.add(ReferenceCounter(prefix="V", year=2093, last_number=9999))
    dbsession.flush()
    reference = services.next_reference(dbsession, 2093)
    assert reference == "V-2093-10000" and len(reference) <= 20


# -- The path's chaining, driven through the engine as the system ----------------------------------
def system_request(app, dbsession, user=None):
    request = testing.DummyRequest()
    request.registry = app.registry
    request.dbsession = dbsession
    request.user = user
    request.principals = [Everyone, Authenticated] + ([f"user:{user.id}", "role:admin"] if user else [])
    request.workflows = app.registry["workflows"]
    request.locale_name = "de"
    return request


def test_a_second_round_repeats_the_bodies_and_roles(app, dbsession):
    author, ag, lg, ia = UserFactory(), BodyFactory(), BodyFactory(), BodyFactory()
    proposal_type = factories.proposal_type((("origin", "preliminary"), (lg, "decision"), (ia, "notice")))
    proposal = factories.proposal(author, ag, proposal_type)
    for consultation in proposal.current_round:
        consultation.state = "cancelled"
    services._start_new_round(dbsession, proposal)
    assert [(c.round, c.position, c.body_id, c.role, c.state) for c in proposal.current_round] == [
        (2, 1, ag.id, "preliminary", "waiting"), (2, 2, lg.id, "decision", "waiting"), (2, 3, ia.id, "notice", "waiting")]
    assert len(proposal.consultations) == 6


def test_the_system_may_not_fire_what_the_yaml_reserves_for_people(app, dbsession):
    author, ag = UserFactory(), BodyFactory()
    proposal = factories.proposal(author, ag)
    with pytest.raises(ValueError):
        wf_engine.fire(proposal, "submit", system_request(app, dbsession), as_system=True)
