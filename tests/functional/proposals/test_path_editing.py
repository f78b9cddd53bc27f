"""Adjusting a proposal's consultation path (/vorlagen/<id>/beratungsfolge) before it starts."""

import pytest

from tests import factories
from tests.functional.proposals.support import (
    as_user,
    fire,
    new_client,
    page_url,
    reload,
    states,
)

ROWS = 6


def path_url(proposal) -> str:
    return page_url(proposal) + "/beratungsfolge"


def set_steps(form, steps) -> None:
    """Fill the six rows with (body, role) pairs; the rest empty."""
    for index in range(ROWS):
        if index < len(steps):
            body, role = steps[index]
            form.set("body_id", str(body.id), index=index)
            form.set("role", role, index=index)
        else:
            form.set("body_id", "", index=index)


def read_steps(form) -> list[tuple[str, str]]:
    return [(form.get("body_id", index=i).value, form.get("role", index=i).value)
            for i in range(ROWS) if form.get("body_id", index=i).value]


def submitted(testapp, world, proposal):
    as_user(testapp, world.author)
    fire(testapp, proposal, "submit")
    return proposal


def test_the_form_shows_the_current_path(testapp, dbsession, world):
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["strategic"]))
    as_user(testapp, world.ag_secretary)
    page = testapp.get(page_url(proposal))
    assert page.html.find("a", href=path_url(proposal)) is not None
    form = testapp.get(path_url(proposal)).forms["path"]
    assert read_steps(form) == [(str(world.ag.id), "preliminary"), (str(world.lg.id), "decision"),
                                (str(world.ia.id), "notice")]


def test_reorder_remove_and_add_steps(testapp, dbsession, world):
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["strategic"]))
    as_user(testapp, world.ag_secretary)
    form = testapp.get(path_url(proposal)).forms["path"]
    # the IA first, then the working group, LG-GI removed, LG-PI added to decide
    set_steps(form, [(world.ia, "notice"), (world.ag, "preliminary"), (world.lgpi, "decision")])
    response = form.submit("save", status=302)
    assert response.location.endswith(page_url(proposal))
    assert states(dbsession, proposal) == [
        (1, "IA", "notice", "waiting"), (1, "AG-SA", "preliminary", "waiting"), (1, "LG-PI", "decision", "waiting")]
    # the version moved on
    assert reload(dbsession, proposal).version > 2
    # a gap between rows is closed up
    form = testapp.get(path_url(proposal)).forms["path"]
    set_steps(form, [(world.ag, "preliminary"), (world.lg, "decision")])
    form.set("body_id", "", index=0)
    form.set("body_id", str(world.ia.id), index=4)
    form.set("role", "notice", index=4)
    form.submit("save", status=302)
    assert states(dbsession, proposal) == [(1, "LG-GI", "decision", "waiting"), (1, "IA", "notice", "waiting")]
    # the changed path is what runs after acceptance
    fire(testapp, proposal, "accept")
    assert states(dbsession, proposal)[0] == (1, "LG-GI", "decision", "open")


@pytest.mark.parametrize("steps", [
    (("ag", "preliminary"), ("lg", "decision"), ("lgpi", "decision")),   # two decisions
    (("lg", "decision"), ("ag", "preliminary")),                         # deliberating after it
])
def test_after_the_decision_only_notice_steps_follow(testapp, dbsession, world, steps):
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["strategic"]))
    before = states(dbsession, proposal)
    as_user(testapp, world.ag_secretary)
    form = testapp.get(path_url(proposal)).forms["path"]
    set_steps(form, [(getattr(world, body), role) for body, role in steps])
    response = form.submit("save", status=422)
    assert response.html.select_one(".alert-danger")
    assert states(dbsession, proposal) == before


def test_a_path_needs_a_decision_step(testapp, dbsession, world):
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["strategic"]))
    as_user(testapp, world.ag_secretary)
    form = testapp.get(path_url(proposal)).forms["path"]
    set_steps(form, [(world.ag, "preliminary"), (world.ia, "notice")])
    response = form.submit("save", status=422)
    assert response.html.select_one("form#path .alert-danger, form#path [role=alert]") is not None
    # what was chosen is still there
    assert read_steps(response.forms["path"]) == [(str(world.ag.id), "preliminary"), (str(world.ia.id), "notice")]
    assert [s[2] for s in states(dbsession, proposal)] == ["preliminary", "decision", "notice"]
    # no step at all is refused too
    form = testapp.get(path_url(proposal)).forms["path"]
    set_steps(form, [])
    form.submit("save", status=422)
    assert len(states(dbsession, proposal)) == 3


def test_an_information_needs_no_decision_step(testapp, dbsession, world):
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["info"]))
    as_user(testapp, world.ag_secretary)
    form = testapp.get(path_url(proposal)).forms["path"]
    set_steps(form, [(world.ag, "notice"), (world.ia, "notice")])
    form.submit("save", status=302)
    assert states(dbsession, proposal) == [(1, "AG-SA", "notice", "waiting"), (1, "IA", "notice", "waiting")]


def test_a_stale_path_form_is_a_conflict_and_keeps_the_input(testapp, app, dbsession, world):
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["strategic"]))
    secretary = as_user(testapp, world.ag_secretary)
    office = as_user(new_client(app), world.admin)
    mine = secretary.get(path_url(proposal)).forms["path"]
    theirs = office.get(path_url(proposal)).forms["path"]
    set_steps(theirs, [(world.ag, "preliminary"), (world.lgpi, "decision")])
    theirs.submit("save", status=302)

    set_steps(mine, [(world.ag, "decision")])
    response = mine.submit("save", status=409)
    assert read_steps(response.forms["path"]) == [(str(world.ag.id), "decision")]
    assert response.forms["path"]["version"].value == str(reload(dbsession, proposal).version)
    assert states(dbsession, proposal) == [(1, "AG-SA", "preliminary", "waiting"), (1, "LG-PI", "decision", "waiting")]
    # saving again on purpose works
    response.forms["path"].submit("save", status=302)
    assert states(dbsession, proposal) == [(1, "AG-SA", "decision", "waiting")]


@pytest.mark.parametrize("who, status", [
    ("ag_secretary", 200), ("admin", 200),
    ("author", 403), ("coauthor", 403), ("ag_member", 403), ("ag_chair", 403),
    ("lg_secretary", 403), ("stranger", 403),
])
def test_who_may_adjust_a_submitted_path(testapp, dbsession, world, who, status):
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["strategic"],
                                                            co_author_ids={world.coauthor.id}))
    as_user(testapp, world.people[who])
    testapp.get(path_url(proposal), status=status)
    if status == 403:
        token = testapp.get("/konto").html.find("input", {"name": "csrf_token"})["value"]
        testapp.post(path_url(proposal), {"csrf_token": token, "save": "save"}, status=403)
        assert len(states(dbsession, proposal)) == 3


def test_a_draft_path_is_shaped_only_by_the_office(testapp, dbsession, world):
    """A draft is the authors' until it is submitted: the secretaries do not see it, so they do
    not shape its path either; the office may."""
    proposal = factories.proposal(world.author, world.ag, world.types["strategic"])
    for who in ("ag_secretary", "author", "ag_member", "lg_secretary"):
        as_user(testapp, world.people[who])
        testapp.get(path_url(proposal), status=403)
    as_user(testapp, world.admin)
    form = testapp.get(path_url(proposal), status=200).forms["path"]
    set_steps(form, [(world.ag, "decision")])
    form.submit("save", status=302)
    assert states(dbsession, proposal) == [(1, "AG-SA", "decision", "waiting")]


def test_the_path_is_fixed_once_it_has_started(testapp, dbsession, world):
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["strategic"]))
    as_user(testapp, world.ag_secretary)
    fire(testapp, proposal, "accept")
    testapp.get(path_url(proposal), status=403)
    assert testapp.get(page_url(proposal)).html.find("a", href=path_url(proposal)) is None
    as_user(testapp, world.admin)
    testapp.get(path_url(proposal), status=403)
    # a withdrawn proposal's path neither
    proposal = submitted(testapp, world, factories.proposal(world.author, world.ag, world.types["wg"], title="Zweite"))
    fire(testapp, proposal, "withdraw", comment="Doppelt.")
    as_user(testapp, world.admin)
    testapp.get(path_url(proposal), status=403)


def test_unknown_proposal_is_404(testapp, world):
    as_user(testapp, world.admin)
    testapp.get("/vorlagen/999999/beratungsfolge", status=404)
    testapp.get("/vorlagen/99999999999999/beratungsfolge", status=404)
