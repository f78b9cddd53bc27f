"""The office's proposal types with their default consultation paths."""

import pytest
from sqlalchemy import func, select

from sw_gremien.proposals.models import Proposal, ProposalType
from tests.functional.proposals.forms import create_through_form
from tests.functional.proposals.support import as_user, states

ROWS = 6


def set_steps(form, steps) -> None:
    for index in range(ROWS):
        if index < len(steps):
            body, role = steps[index]
            form.set("body", "origin" if body == "origin" else str(body.id), index=index)
            form.set("role", role, index=index)
        else:
            form.set("body", "", index=index)


def type_named(dbsession, name) -> ProposalType | None:
    dbsession.expire_all()
    return dbsession.scalar(select(ProposalType).where(ProposalType.name == name))


def new_type_form(testapp):
    return testapp.get("/verwaltung/vorlagenarten/neu").forms["proposal-type"]


def test_the_office_lists_the_types_with_their_paths(testapp, world):
    as_user(testapp, world.admin)
    page = testapp.get("/verwaltung/vorlagenarten")
    rows = {row.find("th").text.strip(): row for row in page.html.select("table tbody tr")}
    assert {"Strategische Vorlage", "Vorlage Pakt für Integration", "Arbeitsgruppen-Angelegenheit",
            "Information"} <= set(rows)
    assert "LG-GI" in rows["Strategische Vorlage"].text and "IA" in rows["Strategische Vorlage"].text
    edit = rows["Information"].find("a")["href"]
    assert edit == f"/verwaltung/vorlagenarten/{world.types['info'].id}"


@pytest.mark.parametrize("who", ["author", "ag_secretary", "ag_chair", "lg_chair", "stranger"])
def test_only_the_office_manages_types(testapp, dbsession, world, who):
    as_user(testapp, world.people[who])
    testapp.get("/verwaltung/vorlagenarten", status=403)
    testapp.get("/verwaltung/vorlagenarten/neu", status=403)
    testapp.get(f"/verwaltung/vorlagenarten/{world.types['wg'].id}", status=403)
    token = testapp.get("/konto").html.find("input", {"name": "csrf_token"})["value"]
    testapp.post("/verwaltung/vorlagenarten/neu", {"csrf_token": token, "name": "Heimlich", "save": "save"}, status=403)
    assert type_named(dbsession, "Heimlich") is None


def test_anonymous_visitors_go_to_the_login(testapp, world):
    assert "/login" in testapp.get("/verwaltung/vorlagenarten", status=302).location


def test_the_office_creates_a_type_with_the_own_working_group_first(testapp, dbsession, world):
    as_user(testapp, world.admin)
    form = new_type_form(testapp)
    form["name"] = "Gemeinsame Vorlage"
    form["description"] = "Für beide Lenkungsgruppen."
    form["position"] = "7"
    set_steps(form, [("origin", "preliminary"), (world.lgpi, "preliminary"), (world.lg, "decision"),
                     (world.ia, "notice")])
    response = form.submit("save", status=302)
    assert response.location.endswith("/verwaltung/vorlagenarten")
    proposal_type = type_named(dbsession, "Gemeinsame Vorlage")
    assert (proposal_type.description, proposal_type.informational, proposal_type.active, proposal_type.position) == (
        "Für beide Lenkungsgruppen.", False, True, 7)
    assert [(s.position, s.body_id, s.role) for s in proposal_type.steps] == [
        (1, None, "preliminary"), (2, world.lgpi.id, "preliminary"), (3, world.lg.id, "decision"), (4, world.ia.id, "notice")]
    # a proposal of this type starts with the path of its own working group
    as_user(testapp, world.ag2_member)
    create_through_form(testapp, proposal_type, title="Aus der AG Projekt")
    proposal = dbsession.scalar(select(Proposal).where(Proposal.title == "Aus der AG Projekt"))
    assert states(dbsession, proposal) == [
        (1, "AG-PR", "preliminary", "waiting"), (1, "LG-PI", "preliminary", "waiting"),
        (1, "LG-GI", "decision", "waiting"), (1, "IA", "notice", "waiting")]


def test_a_type_needs_a_decision_step_unless_it_is_informational(testapp, dbsession, world):
    as_user(testapp, world.admin)
    form = new_type_form(testapp)
    form["name"] = "Nur Kenntnisnahme"
    set_steps(form, [("origin", "preliminary"), (world.ia, "notice")])
    response = form.submit("save", status=422)
    assert response.html.select_one("form#proposal-type .alert-danger, form#proposal-type [role=alert]") is not None
    assert type_named(dbsession, "Nur Kenntnisnahme") is None
    # what was typed is kept
    form = response.forms["proposal-type"]
    assert form["name"].value == "Nur Kenntnisnahme"
    assert form.get("body", index=1).value == str(world.ia.id) and form.get("role", index=1).value == "notice"
    # as information only, it may
    form["informational"].checked = True
    form.submit("save", status=302)
    proposal_type = type_named(dbsession, "Nur Kenntnisnahme")
    assert proposal_type.informational and [s.role for s in proposal_type.steps] == ["preliminary", "notice"]


def test_a_type_needs_at_least_one_step(testapp, dbsession, world):
    as_user(testapp, world.admin)
    form = new_type_form(testapp)
    form["name"] = "Ohne Weg"
    form["informational"].checked = True
    set_steps(form, [])
    form.submit("save", status=422)
    assert type_named(dbsession, "Ohne Weg") is None


def test_a_type_name_is_unique(testapp, dbsession, world):
    as_user(testapp, world.admin)
    form = new_type_form(testapp)
    form["name"] = "Strategische Vorlage"
    set_steps(form, [("origin", "decision")])
    response = form.submit("save", status=422)
    assert response.forms["proposal-type"]["name"].value == "Strategische Vorlage"
    field = response.html.find("input", {"name": "name"})
    assert field.get("aria-invalid") == "true"
    assert dbsession.scalar(select(func.count()).select_from(ProposalType).where(
        ProposalType.name == "Strategische Vorlage")) == 1
    # renaming another type to a taken name is refused the same way
    form = testapp.get(f"/verwaltung/vorlagenarten/{world.types['wg'].id}").forms["proposal-type"]
    form["name"] = "Information"
    form.submit("save", status=422)
    # keeping its own name is fine
    form = testapp.get(f"/verwaltung/vorlagenarten/{world.types['wg'].id}").forms["proposal-type"]
    form.submit("save", status=302)


def test_the_office_edits_a_type(testapp, dbsession, world):
    proposal_type = world.types["pact"]
    as_user(testapp, world.admin)
    form = testapp.get(f"/verwaltung/vorlagenarten/{proposal_type.id}").forms["proposal-type"]
    assert form["name"].value == "Vorlage Pakt für Integration"
    assert [(form.get("body", index=i).value, form.get("role", index=i).value) for i in range(2)] == [
        ("origin", "preliminary"), (str(world.lgpi.id), "decision")]
    assert form.get("body", index=2).value == ""
    form["name"] = "Pakt-Vorlage"
    set_steps(form, [("origin", "preliminary"), (world.lg, "preliminary"), (world.lgpi, "decision")])
    form["active"].checked = False
    form.submit("save", status=302)
    proposal_type = type_named(dbsession, "Pakt-Vorlage")
    assert not proposal_type.active
    assert [(s.body_id, s.role) for s in proposal_type.steps] == [
        (None, "preliminary"), (world.lg.id, "preliminary"), (world.lgpi.id, "decision")]
    # an inactive type is not offered for new proposals
    as_user(testapp, world.author)
    options = {v for v, _s, _t in testapp.get("/vorlagen/neu").forms["proposal"]["type_id"].options}
    assert str(proposal_type.id) not in options and str(world.types["wg"].id) in options


def test_editing_a_type_leaves_existing_proposals_alone(testapp, dbsession, world):
    from tests import factories

    proposal = factories.proposal(world.author, world.ag, world.types["wg"])
    as_user(testapp, world.admin)
    form = testapp.get(f"/verwaltung/vorlagenarten/{world.types['wg'].id}").forms["proposal-type"]
    set_steps(form, [("origin", "preliminary"), (world.lg, "decision")])
    form.submit("save", status=302)
    assert states(dbsession, proposal) == [(1, "AG-SA", "decision", "waiting")]


def test_unknown_type_is_404(testapp, world):
    as_user(testapp, world.admin)
    testapp.get("/verwaltung/vorlagenarten/999999", status=404)
