"""Security headers, CSRF and the error pages."""

import pytest

from tests.factories import BodyFactory, MembershipFactory, UserFactory
from tests.functional.helpers import login


def test_security_headers_on_pages(testapp):
    response = testapp.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_under_https(testapp):
    response = testapp.get("/", extra_environ={"wsgi.url_scheme": "https"})
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_security_headers_on_static_files_and_errors(testapp):
    assert testapp.get("/static/css/site.css").headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in testapp.get("/gibt-es-nicht", status=404).headers


def test_post_without_csrf_token_is_refused_with_400(testapp, dbsession):
    user = UserFactory()
    response = testapp.post("/login", {"email": user.email, "password": "x", "login": "login"}, status=400)
    assert 'lang="de"' in response.text
    assert "<h1>" in response.text


def test_post_with_wrong_csrf_token_is_refused(testapp, dbsession):
    user = UserFactory()
    login(testapp, user)
    testapp.post("/logout", {"csrf_token": "falsch"}, status=400)
    # still logged in
    assert testapp.get("/konto").status_int == 200


def test_unknown_body_gets_the_german_404(testapp, dbsession):
    response = testapp.get("/gremien/gibt-es-nicht", status=404)
    assert 'lang="de"' in response.text
    assert response.html.find("h1") is not None
    assert "Traceback" not in response.text


def test_404_in_english_after_switching(testapp, dbsession):
    testapp.get("/sprache/en", status=302)
    response = testapp.get("/gremien/gibt-es-nicht", status=404)
    assert 'lang="en"' in response.text
    assert "Page not found" in response.text


def test_member_gets_403_page_on_admin_pages(testapp, dbsession):
    member = MembershipFactory().user
    login(testapp, member)
    response = testapp.get("/verwaltung/benutzer", status=403)
    assert 'lang="de"' in response.text
    assert response.html.find("h1") is not None


def test_anonymous_is_sent_to_login_with_the_way_back(testapp, dbsession):
    response = testapp.get("/verwaltung/benutzer?q=a", status=302)
    assert response.location.endswith("/login?came_from=%2Fverwaltung%2Fbenutzer%3Fq%3Da")


def test_500_page_shows_an_error_id_and_no_trace(app, testapp, dbsession, caplog, monkeypatch):
    from sw_gremien.bodies import services

    def broken(*args, **kw):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "bodies_with_member_counts", broken)
    response = testapp.get("/gremien", status=500)
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    error_id = response.html.find("code").text
    assert len(error_id) == 12
    assert any(error_id in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("path", ["/static/../development.ini", "/static/%2e%2e/development.ini"])
def test_static_files_do_not_escape(testapp, path):
    testapp.get(path, status=404)


def test_language_switch_only_redirects_locally(testapp):
    response = testapp.get("/sprache/en?came_from=https://evil.example/", status=302)
    assert response.location in ("http://localhost/", "/")


def test_body_page_is_public_but_members_need_login(testapp, dbsession):
    body = BodyFactory(has_public_part=False)
    MembershipFactory(body=body, user=UserFactory(display_name="Erika Mustermann"))
    response = testapp.get(f"/gremien/{body.slug}")
    assert "Erika Mustermann" not in response.text
    public_body = BodyFactory(has_public_part=True)
    MembershipFactory(body=public_body, user=UserFactory(display_name="Max Öffentlich"))
    response = testapp.get(f"/gremien/{public_body.slug}")
    assert "Max Öffentlich" in response.text


def test_unknown_user_ids_are_not_revealed_to_outsiders(testapp, dbsession):
    """Whether an account exists is the office's knowledge: others get the login (or 403)
    whatever the id, the office gets 404 for a missing one."""
    from tests.factories import AdminFactory

    response = testapp.get("/verwaltung/benutzer/987654", status=302)
    assert "/login" in response.location
    login(testapp, MembershipFactory().user)
    testapp.get("/verwaltung/benutzer/987654", status=403)
    testapp.get("/logout")
    login(testapp, AdminFactory())
    testapp.get("/verwaltung/benutzer/987654", status=404)
    testapp.get("/verwaltung/benutzer/99999999999999999999", status=404)


def test_ids_beyond_the_integer_range_are_not_found(testapp, dbsession):
    from tests.factories import AdminFactory

    body = BodyFactory()
    login(testapp, AdminFactory())
    testapp.get(f"/gremien/{body.slug}/mitglieder/99999999999999999999/bearbeiten", status=404)


@pytest.mark.parametrize("came_from", ["/\t/evil.example", "/\n/evil.example", "/\\evil.example"])
def test_came_from_with_control_characters_goes_home(testapp, dbsession, came_from):
    user = UserFactory()
    page = testapp.get("/login", params={"came_from": came_from})
    form = page.forms["login"]
    form["email"] = user.email
    form["password"] = "richtiges-Passwort-123"
    response = form.submit("login", status=302)
    assert response.location in ("http://localhost/", "/")


def test_mail_links_never_follow_the_host_header(testapp, dbsession, mailer):
    """A password-reset request sent with a forged Host must still mail a link to our own
    address (else the token would travel to the forger's site)."""
    user = UserFactory()
    page = testapp.get("/passwort-vergessen", extra_environ={"HTTP_HOST": "evil.example"})
    form = page.forms["password-forgotten"]
    form["email"] = user.email
    form.submit("send", extra_environ={"HTTP_HOST": "evil.example", "HTTP_X_FORWARDED_HOST": "evil.example"})
    assert len(mailer.outbox) == 1
    body = mailer.outbox[0].body
    assert "evil.example" not in body
    assert "http://localhost/passwort-setzen/" in body


def test_production_needs_a_public_url(app_settings):
    from pyramid.exceptions import ConfigurationError

    from sw_gremien import main

    settings = {**app_settings, "sw_gremien.mailer": "smtp"}
    settings.pop("sw_gremien.public_url", None)
    with pytest.raises(ConfigurationError, match="public_url"):
        main({}, **settings)
