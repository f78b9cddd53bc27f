"""Which role gets which answer on every page: 200, 403, or the redirect to the login.

One row per page; the roles are the people of one working group plus the office, an
initiative contact without memberships, and an anonymous visitor.
"""

import datetime as dt
import re

import pytest

from sw_gremien.db import utcnow
from sw_gremien.meetings.services import add_free_item, plan_meeting, prepare_attendance
from tests import factories

from sw_gremien.bodies.models import MembershipRole
from tests.factories import AdminFactory, BodyFactory, MembershipFactory, UserFactory
from tests.functional.helpers import login

ROLES = ("anonymous", "initiative", "member", "secretary", "chair", "office")
OK, FORBIDDEN, LOGIN = 200, 403, "login"

EVERYONE = dict.fromkeys(ROLES, OK)
LOGGED_IN = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}
OFFICE_ONLY = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "office": OK}
WRITERS = {**LOGGED_IN, "initiative": FORBIDDEN}  # members of a working group, and the office
# The world's proposal is a draft of the member: its author and the office see and edit it;
# only the office may shape the path of a draft (the secretaries once it is submitted).
DRAFT_READERS = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "member": OK, "office": OK}
# The body's people (not the initiative contact), and the office.
BODY_PEOPLE = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN, "initiative": FORBIDDEN}
# The body's secretary and the office: plan meetings, build agendas, record results.
SECRETARIES = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "secretary": OK, "office": OK}
# The contact of an organisation (the initiative) and the office; a draft only its applicant edits.
APPLICANTS = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "initiative": OK, "office": OK}
DRAFT_APPLICANT = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "initiative": OK}

PAGES = {
    "/": EVERYONE,
    "/login": EVERYONE,
    "/passwort-vergessen": EVERYONE,
    "/gremien": EVERYONE,
    "/gremien/{slug}": EVERYONE,
    "/konto": LOGGED_IN,
    "/gremien/neu": OFFICE_ONLY,
    "/gremien/{slug}/bearbeiten": OFFICE_ONLY,
    "/gremien/{slug}/mitglieder/neu": OFFICE_ONLY,
    "/gremien/{slug}/mitglieder/{membership_id}/bearbeiten": OFFICE_ONLY,
    "/verwaltung/benutzer": OFFICE_ONLY,
    "/verwaltung/benutzer/neu": OFFICE_ONLY,
    "/verwaltung/benutzer/{user_id}": OFFICE_ONLY,
    "/verwaltung/ablaeufe": OFFICE_ONLY,
    "/verwaltung/ablaeufe/{name}": OFFICE_ONLY,
    "/schreibtisch": LOGGED_IN,
    "/benachrichtigungen": LOGGED_IN,
    "/vorlagen": EVERYONE,
    "/vorlagen/neu": WRITERS,
    "/vorlagen/{proposal_id}": DRAFT_READERS,
    "/vorlagen/{proposal_id}/bearbeiten": DRAFT_READERS,
    "/vorlagen/{proposal_id}/druck": DRAFT_READERS,
    "/vorlagen/{proposal_id}/beratungsfolge": OFFICE_ONLY,
    "/verwaltung/vorlagenarten": OFFICE_ONLY,
    "/verwaltung/vorlagenarten/neu": OFFICE_ONLY,
    "/verwaltung/vorlagenarten/{type_id}": OFFICE_ONLY,
    # The world's meetings of AG-SA (not public): planned unless MEETING_STATES says otherwise.
    "/sitzungen": EVERYONE,
    "/gremien/{slug}/sitzungen/neu": SECRETARIES,
    "/gremien/{slug}/sitzungen/reihe": SECRETARIES,
    "/gremien/{slug}/kalender.ics": EVERYONE,
    "/konto/kalender": LOGGED_IN,
    "/sitzungen/{meeting_id}": BODY_PEOPLE,
    "/sitzungen/{meeting_id}/bearbeiten": SECRETARIES,
    "/sitzungen/{meeting_id}/tagesordnung": SECRETARIES,
    "/sitzungen/{meeting_id}/tagesordnung/neu": SECRETARIES,
    "/sitzungen/{meeting_id}/top/{item_id}": SECRETARIES,
    "/sitzungen/{meeting_id}/top/{item_id}/berichtigen": SECRETARIES,
    "/sitzungen/{meeting_id}/anwesenheit": SECRETARIES,
    "/sitzungen/{meeting_id}/protokoll": BODY_PEOPLE,
    "/sitzungen/{meeting_id}/protokoll.pdf": BODY_PEOPLE,
    "/sitzungen/{meeting_id}/einladung.pdf": BODY_PEOPLE,
    "/sitzungen/{meeting_id}/termin.ics": BODY_PEOPLE,
    # The fund's money (the office), the public list of granted projects, one's own data.
    "/verwaltung/fonds": OFFICE_ONLY,
    "/verwaltung/fonds/haushaltsjahr": OFFICE_ONLY,
    "/verwaltung/fonds/buchungen.csv": OFFICE_ONLY,
    "/gefoerderte-projekte": EVERYONE,
    "/konto/meine-daten.json": LOGGED_IN,
    # The applicants' pages: the world's application is a draft of the initiative's organisation.
    "/foerderung/registrieren": EVERYONE,
    "/foerderung": LOGGED_IN,
    "/foerderung/antraege/neu": APPLICANTS,
    "/foerderung/antraege/{application_id}": APPLICANTS,
    "/foerderung/antraege/{application_id}/bearbeiten": DRAFT_APPLICANT,
    "/foerderung/antraege/{application_id}/antrag.pdf": APPLICANTS,
    "/foerderung/organisationen/{organisation_id}": APPLICANTS,
    # The world's application is a draft: no proof of use yet (back to the application page),
    # no grant notice (404 for those who may see it).
    "/foerderung/antraege/{application_id}/verwendungsnachweis": {
        **dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "initiative": 302},
    "/foerderung/antraege/{application_id}/bescheid.pdf": {
        **dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "initiative": 404, "office": 404},
    # Only for paid grants (404 for those who may fire a step of the draft).
    "/foerderung/antraege/{application_id}/frist": {
        **dict.fromkeys(ROLES, FORBIDDEN), "anonymous": LOGIN, "initiative": 404, "office": 404},
    "/verwaltung/fonds/foerderliste": OFFICE_ONLY,
    # The world's proposal is no grant list.
    "/verwaltung/fonds/foerderliste/{proposal_id}": {**OFFICE_ONLY, "office": 404},
}

# Pages that exist only in a later state of the meeting.
MEETING_STATES = {
    "/sitzungen/{meeting_id}/top/{item_id}/berichtigen": "minutes_approved",
    "/sitzungen/{meeting_id}/anwesenheit": "held",
    "/sitzungen/{meeting_id}/protokoll": "held",
    "/sitzungen/{meeting_id}/protokoll.pdf": "held",
}


@pytest.fixture
def world(dbsession):
    body = BodyFactory(short_name="AG-SA", slug="ag-sa")
    people = {"initiative": UserFactory(), "office": AdminFactory()}
    memberships = {}
    for role in ("member", "secretary", "chair"):
        membership = MembershipFactory(body=body, role=MembershipRole(role))
        people[role] = membership.user
        memberships[role] = membership
    draft = factories.proposal(people["member"], body)
    meetings = {}
    for state in ("planned", *set(MEETING_STATES.values())):
        meeting = plan_meeting(factories.BodyFactory._meta.sqlalchemy_session, body,
                               starts_at=utcnow() + dt.timedelta(days=20), location="Rathaus")
        item = add_free_item(factories.BodyFactory._meta.sqlalchemy_session, meeting, kind="report", title="Bericht")
        meeting.state = state
        if state != "planned":
            meeting.convened_at = utcnow()
            prepare_attendance(factories.BodyFactory._meta.sqlalchemy_session, meeting)
        meetings[state] = (meeting.id, item.id)
    # The initiative's organisation and its draft application.
    from sw_gremien.funding.services import the_fund

    session = factories.BodyFactory._meta.sqlalchemy_session
    fund = the_fund(session) or factories.fund()
    organisation = factories.organisation(people["initiative"])
    fund_application = factories.application(fund, organisation, author=people["initiative"])
    return {"body": body, "people": people, "membership": memberships["member"], "proposal": draft,
            "organisation": organisation, "application": fund_application,
            "meetings": meetings}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(testapp, world, role):
    if role != "anonymous":
        login(testapp, world["people"][role])
    values = {
        "slug": world["body"].slug,
        "membership_id": world["membership"].id,
        "user_id": world["people"]["member"].id,
        "name": "proposal",
        "proposal_id": world["proposal"].id,
        "type_id": world["proposal"].type_id,
        "application_id": world["application"].id,
        "organisation_id": world["organisation"].id,
    }
    answers = {}
    for pattern, expected_by_role in PAGES.items():
        meeting_id, item_id = world["meetings"][MEETING_STATES.get(pattern, "planned")]
        path = pattern.format(**values, meeting_id=meeting_id, item_id=item_id)
        response = testapp.get(path, expect_errors=True)
        if response.status_int == 302 and "/login?came_from=" in response.location:
            answers[pattern] = LOGIN
        else:
            answers[pattern] = response.status_int
    expected = {pattern: by_role[role] for pattern, by_role in PAGES.items()}
    assert answers == expected


def test_every_get_route_is_in_the_matrix(app):
    """A new page must be added to the matrix above."""
    # POST-only actions and token links are tested where they belong.
    skipped = {"set_language", "logout", "password_set", "admin_user_invite", "workflow_fire",
               "proposal_attachments", "proposal_attachment", "proposal_attachment_delete",
               "meeting_agenda_order", "meeting_item_move", "meeting_item_remove", "user_calendar",
               "funding_register_confirm", "organisation_contacts", "organisation_contact_remove",
               "application_receipt"}  # the receipts: tests/functional/funding/test_after_the_grant.py
    mapper = app.registry.queryUtility(__import__("pyramid.interfaces", fromlist=["IRoutesMapper"]).IRoutesMapper)
    covered = {pattern.replace("{slug}", "{slug}") for pattern in PAGES}
    missing = []
    for route in mapper.get_routes():
        if route.name.startswith("__") or route.name in skipped:
            continue
        generic = re.sub(r"\{(\w+):[^}]+\}", r"{\1}", route.pattern)
        if generic not in covered:
            missing.append(route.pattern)
    assert not missing, f"pages missing from the role matrix: {missing}"
