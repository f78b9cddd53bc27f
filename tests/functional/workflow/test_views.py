"""The workflow UI: the panel on an object page, firing through the form, the conflict page,
and the office's overview of all workflows."""

import pytest
import webtest
from sqlalchemy import select

from sw_gremien import main
from sw_gremien.bodies.models import MembershipRole
from sw_gremien.security import Permissions
from sw_gremien.workflow.models import WorkflowEvent
from sw_gremien.workflow.panel import workflow_panel
from sw_gremien.workflow.resources import WorkflowObjectResource
from tests.factories import AdminFactory, BodyFactory, MembershipFactory, UserFactory
from tests.functional.helpers import login
from tests.workflow_support import Specimen


def specimen_page(context, request):
    return {"workflow_panel": workflow_panel(context.object, request)}


@pytest.fixture(scope="module")
def specimen_app(app_settings, engine, connection_holder):
    """An app of its own with a page for the test object, so the shared app stays as shipped."""
    from pyramid.config import Configurator

    wsgi = main({}, **{**app_settings, "sw_gremien.dbsession_factory": connection_holder.session_factory})
    config = Configurator(registry=wsgi.registry)
    config.include("pyramid_jinja2")
    wsgi.registry["workflow_types"]["test_specimens"] = Specimen
    config.add_route("specimen", "/probe/{object_type}/{object_id:\\d+}", factory=WorkflowObjectResource)
    config.add_view(specimen_page, route_name="specimen", renderer="tests:templates/specimen.jinja2",
                    permission=Permissions.VIEW_OBJECT)
    config.commit()
    return wsgi


@pytest.fixture
def client(specimen_app, dbsession):
    return webtest.TestApp(specimen_app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.20"})


@pytest.fixture
def people(dbsession):
    body = BodyFactory()
    return {
        "author": UserFactory(display_name="Ada Autorin"),
        "secretary": MembershipFactory(body=body, role=MembershipRole.SECRETARY).user,
        "member": MembershipFactory(body=body, role=MembershipRole.MEMBER).user,
        "stranger": UserFactory(),
        "body": body,
    }


def make_specimen(dbsession, people, workflow="proposal", state="draft", **kw):
    specimen = Specimen(workflow_name=workflow, state=state, author_id=people["author"].id,
                        body_id=people["body"].id, problems=kw.pop("problems", {}), **kw)
    dbsession.add(specimen)
    dbsession.flush()
    return specimen


def page_url(specimen):
    return f"/probe/test_specimens/{specimen.id}"


def test_author_sees_state_actions_history_and_diagram(client, dbsession, people):
    specimen = make_specimen(dbsession, people)
    login(client, people["author"])
    page = client.get(page_url(specimen))
    assert page.html.select_one(".state-badge").text.strip() == "Entwurf"
    forms = page.html.select("form.workflow-transition")
    actions = {form["action"].rsplit("/", 1)[-1] for form in forms}
    assert actions == {"submit", "withdraw"}
    for form in forms:
        assert form.find("input", {"name": "csrf_token"})["value"]
        assert form.find("input", {"name": "version"})["value"] == "1"
    # the comment of "withdraw" is required and labelled
    withdraw = next(f for f in forms if f["action"].endswith("/withdraw"))
    textarea = withdraw.find("textarea")
    assert textarea.has_attr("required") and withdraw.find("label", {"for": textarea["id"]})
    svg = page.html.select_one(".diagram-scroll svg")
    assert svg["role"] == "img" and svg.find("title")
    assert "aktueller Stand" in svg.text  # the current state is marked in words, not colour alone
    assert page.html.select_one(".workflow-text [aria-current=step]").strong.text == "Entwurf"


def test_a_stranger_may_not_see_a_draft(client, dbsession, people):
    specimen = make_specimen(dbsession, people)
    login(client, people["stranger"])
    client.get(page_url(specimen), status=403)


def test_firing_through_the_form(client, dbsession, people):
    specimen = make_specimen(dbsession, people)
    login(client, people["author"])
    page = client.get(page_url(specimen))
    form = next(f for f in page.forms.values() if f.action.endswith("/submit"))
    form["comment"] = "Zur Beratung in der AG"
    response = form.submit(status=302)
    assert response.location.endswith(page_url(specimen))
    after = response.follow()
    assert after.html.select_one(".state-badge").text.strip() == "Eingereicht"
    assert "Eingereicht" in after.html.select_one("[role=status]").text
    timeline = after.html.select_one(".timeline").text
    assert "Einreichen" in timeline and "Ada Autorin" in timeline and "Zur Beratung in der AG" in timeline
    dbsession.expire_all()
    assert specimen.state == "submitted" and specimen.version == 2
    # the author has nothing to fire now but "withdraw"; the secretary may accept or return
    login(client, people["secretary"])
    actions = {f.action.rsplit("/", 1)[-1] for f in client.get(page_url(specimen)).forms.values()
               if "/ablauf/" in f.action}
    assert actions == {"return_for_rework", "accept"}


def test_a_stale_form_gets_the_conflict_page_and_changes_nothing(client, dbsession, people):
    specimen = make_specimen(dbsession, people)
    login(client, people["author"])
    page = client.get(page_url(specimen))
    submit = next(f for f in page.forms.values() if f.action.endswith("/submit"))
    withdraw = next(f for f in page.forms.values() if f.action.endswith("/withdraw"))
    submit.submit(status=302)
    withdraw["comment"] = "doch nicht"
    response = withdraw.submit(status=409)
    assert response.html.find("h1").text == "Zwischenzeitlich geändert" or response.html.find("h1")
    dbsession.expire_all()
    assert specimen.state == "submitted"
    events = dbsession.scalars(select(WorkflowEvent).where(WorkflowEvent.object_id == specimen.id)).all()
    assert [e.transition for e in events] == ["submit"]


def test_a_missing_reason_keeps_what_was_typed(client, dbsession, people):
    specimen = make_specimen(dbsession, people, state="submitted")
    login(client, people["secretary"])
    page = client.get(page_url(specimen))
    form = next(f for f in page.forms.values() if f.action.endswith("/return_for_rework"))
    form["comment"] = "   "
    response = form.submit(status=422)
    assert response.html.select_one("[role=alert] li")
    # a guard that fails when the form arrives: the reason is shown and the comment kept
    token = response.html.find("input", {"name": "csrf_token"})["value"]
    specimen.problems = {"path": ["Die Beratungsfolge braucht einen Entscheidungsschritt."]}
    dbsession.flush()
    response = client.post(f"/ablauf/test_specimens/{specimen.id}/accept", {
        "csrf_token": token, "version": str(specimen.version), "comment": "Bitte in die LG",
        "came_from": page_url(specimen)}, status=422)
    assert "Die Beratungsfolge braucht einen Entscheidungsschritt." in response.text
    assert response.html.find("textarea", {"name": "comment"}).text == "Bitte in die LG"


def test_blocked_steps_are_shown_with_their_reason(client, dbsession, people):
    specimen = make_specimen(dbsession, people, problems={"submission": ["Der Beschlussvorschlag fehlt."]})
    login(client, people["author"])
    page = client.get(page_url(specimen))
    blocked = page.html.select_one(".workflow-blocked")
    assert "Der Beschlussvorschlag fehlt." in blocked.text
    assert not [f for f in page.forms.values() if f.action.endswith("/submit")]


def test_firing_needs_csrf_and_a_version(client, dbsession, people):
    specimen = make_specimen(dbsession, people)
    login(client, people["author"])
    url = f"/ablauf/test_specimens/{specimen.id}/submit"
    client.post(url, {"version": "1"}, status=400)
    token = client.get(page_url(specimen)).html.find("input", {"name": "csrf_token"})["value"]
    client.post(url, {"csrf_token": token}, status=400)
    client.post(url, {"csrf_token": token, "version": "eins"}, status=400)


def test_firing_is_refused_to_roles_without_the_step(client, dbsession, people):
    specimen = make_specimen(dbsession, people)
    login(client, people["member"])
    token = client.get("/konto").html.find("input", {"name": "csrf_token"})["value"]
    client.post(f"/ablauf/test_specimens/{specimen.id}/submit", {"csrf_token": token, "version": "1"}, status=403)
    client.post(f"/ablauf/unbekannt/{specimen.id}/submit", {"csrf_token": token, "version": "1"}, status=404)


def test_anonymous_firing_goes_to_login(client, dbsession, people):
    specimen = make_specimen(dbsession, people)
    response = client.post(f"/ablauf/test_specimens/{specimen.id}/submit", {"version": "1"}, status=302)
    assert "/login?came_from=" in response.location
    dbsession.expire_all()
    assert specimen.state == "draft"


def test_office_overview_of_all_workflows(testapp, dbsession):
    login(testapp, AdminFactory())
    page = testapp.get("/verwaltung/ablaeufe")
    assert len(page.html.select("svg.workflow-diagram")) == 4
    detail = testapp.get("/verwaltung/ablaeufe/fund_application")
    matrix = detail.html.select_one("table.role-matrix")
    header = [th.text.strip() for th in matrix.thead.find_all("th")]
    assert "Geschäftsstelle" in header and "Antragsteller" in header
    row = next(tr for tr in matrix.tbody.find_all("tr") if "grant_small" in tr.th.text)
    office_column = header.index("Geschäftsstelle")
    assert row.find_all(["th", "td"])[office_column].text.strip() == "ja"
    assert "stateDiagram-v2" in detail.text
    testapp.get("/verwaltung/ablaeufe/gibt-es-nicht", status=404)


def test_workflow_overview_in_english(testapp, dbsession):
    login(testapp, AdminFactory())
    testapp.get("/sprache/en")
    page = testapp.get("/verwaltung/ablaeufe/proposal")
    assert "Return for rework" in page.text and 'lang="en"' in page.text
