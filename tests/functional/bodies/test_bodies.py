"""The bodies' pages and the office's forms for bodies and memberships."""

import datetime as dt

from sqlalchemy import select

from sw_gremien.bodies.models import Body, Membership, MembershipRole
from tests.factories import AdminFactory, BodyFactory, MembershipFactory, UserFactory
from tests.functional.helpers import login, set_date


def test_list_shows_active_bodies_with_current_member_counts(testapp, dbsession):
    body = BodyFactory(name="Arbeitsgruppe Soziale Arbeit", short_name="AG-SA", position=1)
    MembershipFactory.create_batch(3, body=body)
    MembershipFactory(body=body, end_date=dt.date(2024, 6, 30))  # former member: not counted
    BodyFactory(name="Aufgelöste Gruppe", active=False)
    page = testapp.get("/gremien")
    row = page.html.find("a", string="Arbeitsgruppe Soziale Arbeit").find_parent("tr")
    assert row.find_all("td")[-1].text.strip() == "3"
    assert "Aufgelöste Gruppe" not in page.text


def test_list_issues_a_constant_number_of_statements(testapp, dbsession, engine):
    from sqlalchemy import event

    def count_statements():
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            testapp.get("/gremien")
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return len(statements)

    BodyFactory()
    few = count_statements()
    for _ in range(10):
        MembershipFactory.create_batch(2, body=BodyFactory())
    assert count_statements() == few


def test_body_page_lists_members_by_role_for_logged_in_users(testapp, dbsession):
    body = BodyFactory()
    MembershipFactory(body=body, role=MembershipRole.MEMBER, user=UserFactory(display_name="Anna Mitglied"))
    MembershipFactory(body=body, role=MembershipRole.CHAIR, user=UserFactory(display_name="Zora Vorsitz"))
    MembershipFactory(body=body, user=UserFactory(display_name="Ehemalig Egon"),
                      start_date=dt.date(2020, 1, 1), end_date=dt.date(2023, 12, 31))
    viewer = UserFactory()
    login(testapp, viewer)
    page = testapp.get(f"/gremien/{body.slug}")
    names = [row.find("td").text.strip() for row in page.html.find("table").find("tbody").find_all("tr")]
    assert names == ["Zora Vorsitz", "Anna Mitglied"]  # the chair first
    assert "Ehemalig Egon" in page.html.find("details").text
    # e-mail addresses only for the body's own members and the office
    assert "mailto:" not in page.text


def test_members_of_the_body_see_contacts(testapp, dbsession):
    membership = MembershipFactory()
    login(testapp, membership.user)
    page = testapp.get(f"/gremien/{membership.body.slug}")
    assert f"mailto:{membership.user.email}" in page.text


def test_office_creates_a_body_with_a_readable_slug(testapp, dbsession):
    login(testapp, AdminFactory())
    form = testapp.get("/gremien/neu").forms["body"]
    form["short_name"] = "AG-FÖ"
    form["name"] = "Arbeitsgruppe Förderung"
    form["kind"] = "working_group"
    form["rhythm"] = "quarterly"
    form["description"] = "Berät die Förderanträge vor."
    response = form.submit("save", status=302)
    assert response.location.endswith("/gremien/ag-foe")
    body = dbsession.scalar(select(Body).where(Body.short_name == "AG-FÖ"))
    assert body.name == "Arbeitsgruppe Förderung" and body.notice_period_days == 7
    assert "Arbeitsgruppe Förderung" in response.follow().text


def test_body_form_errors_stand_next_to_the_field_and_keep_input(testapp, dbsession):
    BodyFactory(name="Internationaler Ausschuss", short_name="IA")
    login(testapp, AdminFactory())
    form = testapp.get("/gremien/neu").forms["body"]
    form["short_name"] = "IA"
    form["name"] = "Internationaler Ausschuss"
    form["description"] = "Mein langer Text"
    form["notice_period_days"] = "abc"
    response = form.submit("save", status=422)
    errors = {p["id"] for p in response.html.select("p.invalid-feedback")}
    short_name_id = response.html.find("input", {"name": "short_name"})["id"]
    assert f"error-{short_name_id}" in errors
    notice_id = response.html.find("input", {"name": "notice_period_days"})["id"]
    assert f"error-{notice_id}" in errors
    assert response.html.find("input", {"name": "short_name"})["aria-invalid"] == "true"
    assert response.html.find("textarea", {"name": "description"}).text == "Mein langer Text"
    assert response.html.find("input", {"name": "notice_period_days"})["value"] == "abc"


def test_office_edits_a_body_and_the_slug_stays(testapp, dbsession):
    body = BodyFactory(short_name="AG-X", slug="ag-x")
    login(testapp, AdminFactory())
    form = testapp.get(f"/gremien/{body.slug}/bearbeiten").forms["body"]
    form["short_name"] = "AG-Y"
    form["has_public_part"] = True
    form.submit("save", status=302)
    dbsession.expire_all()
    assert body.short_name == "AG-Y" and body.slug == "ag-x" and body.has_public_part


def test_office_adds_a_member(testapp, dbsession):
    body = BodyFactory()
    person = UserFactory(display_name="Neue Person")
    login(testapp, AdminFactory())
    form = testapp.get(f"/gremien/{body.slug}/mitglieder/neu").forms["membership"]
    form["user_id"] = str(person.id)
    form["role"] = "secretary"
    set_date(form, "start_date", "2026-01-01")
    form["note"] = "Sozialamt"
    form.submit("save", status=302)
    membership = dbsession.scalar(select(Membership).where(Membership.user_id == person.id))
    assert (membership.body_id, membership.role, membership.start_date, membership.note) == (
        body.id, "secretary", dt.date(2026, 1, 1), "Sozialamt")


def test_membership_end_before_start_is_refused_next_to_the_field(testapp, dbsession):
    body = BodyFactory()
    person = UserFactory()
    login(testapp, AdminFactory())
    form = testapp.get(f"/gremien/{body.slug}/mitglieder/neu").forms["membership"]
    form["user_id"] = str(person.id)
    form["note"] = "bleibt erhalten"
    set_date(form, "start_date", "2026-05-01")
    set_date(form, "end_date", "2026-04-01")
    response = form.submit("save", status=422)
    end_input = response.html.find_all("input", {"type": "date"})[1]
    assert end_input["aria-invalid"] == "true"
    assert response.html.find(id=f"error-{end_input['id']}") is not None
    assert response.html.find("input", {"name": "note"})["value"] == "bleibt erhalten"
    assert end_input["value"] == "2026-04-01"
    assert dbsession.scalar(select(Membership).where(Membership.user_id == person.id)) is None


def test_overlapping_membership_is_refused(testapp, dbsession):
    existing = MembershipFactory(start_date=dt.date(2024, 1, 1))
    login(testapp, AdminFactory())
    form = testapp.get(f"/gremien/{existing.body.slug}/mitglieder/neu").forms["membership"]
    form["user_id"] = str(existing.user_id)
    set_date(form, "start_date", "2025-01-01")
    response = form.submit("save", status=422)
    user_select = response.html.find("select", {"name": "user_id"})
    assert response.html.find(id=f"error-{user_select['id']}") is not None


def test_ending_a_membership_moves_the_person_to_former_members(testapp, dbsession):
    membership = MembershipFactory(user=UserFactory(display_name="Bald Weg"))
    login(testapp, AdminFactory())
    url = f"/gremien/{membership.body.slug}/mitglieder/{membership.id}/bearbeiten"
    form = testapp.get(url).forms["membership"]
    set_date(form, "end_date", "2025-12-31")
    form.submit("save", status=302)
    page = testapp.get(f"/gremien/{membership.body.slug}")
    assert "Bald Weg" in page.html.find("details").text


def test_membership_of_another_body_is_not_found(testapp, dbsession):
    membership = MembershipFactory()
    other = BodyFactory()
    login(testapp, AdminFactory())
    testapp.get(f"/gremien/{other.slug}/mitglieder/{membership.id}/bearbeiten", status=404)


def test_an_ended_membership_no_longer_counts(testapp, dbsession):
    """Contacts are for current members: after the end date the body's principal is gone."""
    ended = MembershipFactory(start_date=dt.date(2020, 1, 1), end_date=dt.date(2024, 12, 31))
    MembershipFactory(body=ended.body)
    login(testapp, ended.user)
    assert "mailto:" not in testapp.get(f"/gremien/{ended.body.slug}").text


def test_colander_and_deform_speak_german(testapp, dbsession):
    """Their own catalogues are wired in: "Required" and the error summary come in German,
    and in English after the switch."""
    login(testapp, AdminFactory())
    form = testapp.get("/gremien/neu").forms["body"]
    response = form.submit("save", status=422)
    assert "Pflichtangabe" in response.text
    assert "Es gab ein Problem mit Ihren Angaben" in response.text
    testapp.get("/sprache/en")
    response = testapp.get("/gremien/neu").forms["body"].submit("save", status=422)
    assert "Required" in response.text and "There was a problem with your submission" in response.text


def test_the_body_page_shows_its_queue_to_members(testapp, dbsession, app):
    from sw_gremien.db import utcnow
    from tests import factories

    body = BodyFactory()
    secretary = MembershipFactory(body=body, role=MembershipRole.SECRETARY).user
    draft = factories.proposal(secretary, body, title="Patenschaften für Familien")
    consultation = draft.current_round[0]
    consultation.state, consultation.opened_at = "open", utcnow()  # as the accepted path leaves it
    dbsession.flush()
    assert testapp.get(f"/gremien/{body.slug}").html.find(id="queue-heading") is None  # anonymous
    login(testapp, secretary)
    queue = testapp.get(f"/gremien/{body.slug}").html.find(id="queue-heading").find_parent("section")
    assert "Patenschaften für Familien" in queue.text
