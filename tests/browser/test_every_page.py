"""Every page of the app, in German and in English, passes axe-core (WCAG 2.1 A/AA) in Chromium.

Forms are checked in their error states too. One browser context per role and test; each test
visits many pages and reports the problems of all of them at once. Nothing here changes data
that another test relies on: forms are only submitted where they fail, except the
password-forgotten form, which only issues a reset link.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import PageChecks, html_lang, login

pytestmark = pytest.mark.browser

OFFICE = "geschaeftsstelle@stuttgart.example"
MEMBER = "mitglied.ag-sa@stuttgart.example"
RESET_USER = "initiative@stuttgart.example"
INITIATIVE = "initiative@stuttgart.example"  # in the demo without an organisation yet
WORKFLOWS = ("proposal", "consultation", "meeting", "fund_application")
LOCALES = ("de", "en")
PHONE = {"width": 320, "height": 640}  # WCAG 1.4.10 Reflow: 320 CSS pixels wide


class Checker:
    """One page in one language, checked (PageChecks) after every step; fails once, at the end."""

    def __init__(self, page, locale):
        self.page = page
        self.locale = locale
        self.checks = PageChecks()

    def goto(self, path: str, status: int = 200, label: str | None = None):
        response = self.page.goto(path)
        assert response is not None
        assert response.status == status, f"{path}: status {response.status}, expected {status}"
        self.check(label or path)
        return response

    def submit(self, form: str, button: str, status: int, label: str):
        """Clicks ``#<form> button[name=<button>]`` and checks the page it leads to."""
        with self.page.expect_navigation() as navigation:
            self.page.click(f"#{form} button[name={button}]")
        assert navigation.value.status == status, (
            f"{label}: status {navigation.value.status}, expected {status}"
        )
        self.check(label)

    def check(self, label: str) -> None:
        self.checks(self.page, label, self.locale)

    def finish(self) -> None:
        self.checks.finish()


def start(page, locale: str, email: str | None = None) -> Checker:
    """Logs in (if ``email``) and switches to ``locale`` with the header's language link."""
    if email:
        login(page, email)
    else:
        page.goto("/")
    if locale != "de":
        with page.expect_navigation():
            page.click(f"header a[hreflang='{locale}']")
    assert html_lang(page) == locale
    return Checker(page, locale)


def reset_link(live_server, page) -> str:
    """Asks for a password reset for RESET_USER and returns the path of the link in the mail."""
    from pyramid_mailer import get_mailer

    outbox = get_mailer(live_server.app.registry).outbox
    sent_before = len(outbox)
    page.goto("/passwort-vergessen")
    page.fill("#password-forgotten input[name=email]", RESET_USER)
    with page.expect_navigation():
        page.click("#password-forgotten button[name=send]")
    # The mail leaves after the commit, before the redirect's answer.
    mails = [m for m in outbox[sent_before:] if m.recipients == [RESET_USER]]
    assert mails, "no password-reset mail was sent"
    match = re.search(r"/passwort-setzen/[A-Za-z0-9_-]+", mails[-1].body)
    assert match, mails[-1].body
    return match.group(0)


@pytest.mark.parametrize("locale", LOCALES)
def test_public_pages(new_page, live_server, locale):
    page = new_page()
    c = start(page, locale)
    c.check("/")
    c.goto("/gremien")
    c.goto("/gremien/ag-sa", label="/gremien/ag-sa (anonymous)")
    c.goto("/gremien/gibt-es-nicht", status=404, label="404 page")

    c.goto("/login")
    c.submit("login", "login", 422, "/login, empty submission")
    assert page.locator("#login [aria-invalid=true]").count() == 2

    c.goto("/passwort-vergessen")
    page.fill("#password-forgotten input[name=email]", "kein-at-zeichen")
    c.submit("password-forgotten", "send", 422, "/passwort-vergessen, invalid address")

    c.goto("/passwort-setzen/kein-gueltiges-token", status=410, label="/passwort-setzen/<invalid token>")

    link = reset_link(live_server, page)
    assert page.url.endswith("/login")
    c.check("/login after the reset request (flash message)")
    c.goto(link, label="/passwort-setzen/<valid token>")
    page.fill("#password-set input[name=password]", "kurz")
    page.fill("#password-set input[name=password_repeat]", "kurz")
    c.submit("password-set", "save", 422, "/passwort-setzen/<valid token>, password too short")
    assert page.locator("#password-set input[name=password]").get_attribute("aria-invalid") == "true"

    # 400: the form's CSRF token removed before sending.
    c.goto("/passwort-vergessen")
    page.evaluate("document.querySelector('#password-forgotten input[name=csrf_token]').remove()")
    page.fill("#password-forgotten input[name=email]", RESET_USER)
    c.submit("password-forgotten", "send", 400, "400 page (missing CSRF token)")
    c.finish()


@pytest.mark.parametrize("locale", LOCALES)
def test_member_pages(new_page, locale):
    page = new_page()
    c = start(page, locale, MEMBER)
    c.check("/ (member)")
    c.goto("/gremien/ag-sa", label="/gremien/ag-sa (member)")
    assert page.locator("main table tbody tr").count() >= 3

    c.goto("/konto")
    page.fill("#profile input[name=display_name]", "A")
    c.submit("profile", "save", 422, "/konto, profile form error")
    page.fill("#password input[name=current_password]", "nicht-das-Passwort")
    page.fill("#password input[name=password]", "kurz")
    page.fill("#password input[name=password_repeat]", "anders")
    c.submit("password", "change_password", 422, "/konto, password form error")
    assert page.locator("#password [aria-invalid=true]").count() == 2

    c.goto("/verwaltung/benutzer", status=403, label="403 page")
    c.goto("/logout", label="/logout (confirmation)")
    assert page.locator("main form[action='/logout'] button[type=submit]").count() == 1
    c.finish()


@pytest.mark.parametrize(("locale", "viewport"), [
    pytest.param("de", None, id="de"),
    pytest.param("en", None, id="en"),
    # Wide tables and the Mermaid text scroll sideways on a phone: still reachable by keyboard?
    pytest.param("de", PHONE, id="de-phone"),
])
def test_office_pages(new_page, locale, viewport):
    page = new_page(**({"viewport": viewport, "is_mobile": True, "has_touch": True} if viewport else {}))
    c = start(page, locale, OFFICE)
    c.check("/ (office)")
    c.goto("/gremien", label="/gremien (office)")
    c.goto("/gremien/ag-sa", label="/gremien/ag-sa (office)")
    edit_link = page.locator("main table a[href^='/gremien/ag-sa/mitglieder/'][href$='/bearbeiten']").first
    membership_path = edit_link.get_attribute("href")

    c.goto("/gremien/neu")
    c.submit("body", "save", 422, "/gremien/neu, empty submission")
    c.goto("/gremien/ag-sa/bearbeiten")
    page.fill("#body input[name=short_name]", "X")
    page.fill("#body input[name=name]", "")
    c.submit("body", "save", 422, "/gremien/ag-sa/bearbeiten, errors")

    c.goto(membership_path, label="/gremien/ag-sa/mitglieder/<id>/bearbeiten")
    page.locator("#membership input[type=date]").nth(1).fill("2023-12-31")
    c.submit("membership", "save", 422, "/gremien/ag-sa/mitglieder/<id>/bearbeiten, end before start")
    c.goto("/gremien/ag-sa/mitglieder/neu")

    c.goto("/verwaltung/benutzer")
    page.fill("main form[role=search] input[name=q]", "ag-sa")
    with page.expect_navigation():
        page.press("main form[role=search] input[name=q]", "Enter")
    assert page.url.endswith("/verwaltung/benutzer?q=ag-sa")
    assert page.locator("main table tbody tr").count() == 3
    c.check("/verwaltung/benutzer?q=ag-sa")
    user_path = page.locator("main table tbody a[href^='/verwaltung/benutzer/']").first.get_attribute("href")

    c.goto("/verwaltung/benutzer/neu")
    page.fill("#user input[name=email]", "keine-adresse")
    c.submit("user", "save", 422, "/verwaltung/benutzer/neu, invalid address")
    c.goto(user_path, label="/verwaltung/benutzer/<id>")
    page.fill("#user input[name=email]", "")
    c.submit("user", "save", 422, "/verwaltung/benutzer/<id>, empty address")

    c.goto("/verwaltung/ablaeufe")
    assert page.locator("main svg").count() == len(WORKFLOWS)
    for name in WORKFLOWS:
        c.goto(f"/verwaltung/ablaeufe/{name}")
        assert page.locator("main svg").count() == 1
        assert page.locator("main table.role-matrix").count() == 1
        # "–" for "no" is hidden from screen readers, which read the hidden word instead; an
        # aria-label on a plain <span> would be ignored by most of them.
        assert page.locator("main table.role-matrix [aria-label]").count() == 0
        # The Mermaid text in the closed <details> as well.
        page.click("main details > summary")
        c.check(f"/verwaltung/ablaeufe/{name}, Mermaid text open")
    c.goto("/verwaltung/ablaeufe/gibt-es-nicht", status=404, label="404 page (office)")
    c.finish()


@pytest.mark.parametrize(("locale", "viewport"), [
    pytest.param("de", None, id="de"),
    pytest.param("en", None, id="en"),
    pytest.param("de", PHONE, id="de-phone"),
])
def test_fund_office_pages(new_page, locale, viewport):
    """The office's pages of the Integrations-Fonds. The demo has the fund and its budgets but
    no applications: the application, organisation, proof and grant-list pages are checked in
    test_fund_journey.py, which creates them."""
    page = new_page(**({"viewport": viewport, "is_mobile": True, "has_touch": True} if viewport else {}))
    c = start(page, locale, OFFICE)
    c.goto("/verwaltung/fonds")
    assert page.locator("#fund-balances tbody tr").count() >= 6  # 2015–2020
    assert page.locator("#fund-chart svg[role=img]").count() == 1
    c.goto("/verwaltung/fonds/haushaltsjahr")
    page.fill("#fund-year input[name=year]", "1999")
    page.fill("#fund-year input[name=budget]", "viel")
    c.submit("fund-year", "save", 422, "/verwaltung/fonds/haushaltsjahr, wrong year and amount")
    assert page.locator("#fund-year [aria-invalid=true]").count() == 2
    c.goto("/verwaltung/fonds/haushaltsjahr?jahr=2015", label="/verwaltung/fonds/haushaltsjahr?jahr=2015")
    assert page.input_value("#fund-year input[name=budget]") != ""
    c.goto("/verwaltung/fonds/foerderliste")
    c.goto("/foerderung", label="/foerderung (office)")
    c.goto("/foerderung?stand=granted", label="/foerderung?stand=granted (office)")
    c.goto("/gefoerderte-projekte", label="/gefoerderte-projekte (office)")
    c.finish()


@pytest.mark.parametrize("locale", LOCALES)
def test_fund_public_pages(new_page, locale):
    """The public list of funded projects and the registration of an initiative (only failing
    submissions: a registration that succeeds counts against the limit per network), anonymous
    and by someone with an account but no organisation yet."""
    page = new_page()
    c = start(page, locale)
    c.goto("/gefoerderte-projekte")
    c.goto("/gefoerderte-projekte?jahr=kein-jahr", label="/gefoerderte-projekte with an invalid year")
    c.goto("/foerderung/registrieren")
    c.submit("register", "register", 422, "/foerderung/registrieren, empty submission")
    assert page.locator("#register [aria-invalid=true]").count() == 3  # name, address, organisation
    c.finish()

    page = new_page()
    c = start(page, locale, INITIATIVE)
    c.goto("/foerderung", label="/foerderung (no organisation yet)")
    assert page.locator("main a[href='/foerderung/registrieren']").count() == 1
    c.goto("/foerderung/registrieren", label="/foerderung/registrieren (logged in)")
    assert page.locator("#register input[name=email]").count() == 0
    c.submit("register", "register", 422, "/foerderung/registrieren (logged in), empty submission")
    c.finish()


FOCUS_STYLE = """(el) => {
  const style = getComputedStyle(el);
  return {outline: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor};
}"""


def test_keyboard_reaches_every_field_with_visible_focus(new_page):
    page = new_page()
    login(page, OFFICE)
    page.goto("/gremien/neu")
    fields = page.eval_on_selector_all(
        "#body input:not([type=hidden]), #body select, #body textarea, #body button",
        "els => els.map(el => el.id)",
    )
    assert len(fields) == 9, fields  # 8 fields and the button
    assert fields[-1] == "bodysave"

    # Only the login form takes the focus on load; here the page starts at the top, so screen
    # readers begin with the skip link and the heading. Start where the skip link leads, at
    # <main>, and go through the breadcrumb into the form.
    assert page.evaluate("document.activeElement.id") not in fields
    page.focus("#main")
    reached = []
    for _ in range(len(fields) + 5):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        element_id = focused.evaluate("el => el.id")
        style = focused.evaluate(FOCUS_STYLE)
        label = element_id or focused.evaluate("el => el.outerHTML.slice(0, 80)")
        # :focus-visible in site.css: a 3px solid outline on every element reached by keyboard.
        assert style["outline"] == "solid" and style["width"] >= 2, f"focus not visible on {label}: {style}"
        if element_id in fields:
            reached.append(element_id)
        if element_id == fields[-1]:
            break
    assert reached == fields, "Tab order skips or reorders fields of the form"

    # The header's links and buttons on the dark background, too: from the skip link on
    # through the header until the focus reaches <main>.
    page.focus("a.skip-link")
    header_stops = []
    for _ in range(15):
        page.keyboard.press("Tab")
        if not page.evaluate("document.activeElement.closest('header') !== null"):
            break
        label = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        style = page.evaluate_handle("document.activeElement").evaluate(FOCUS_STYLE)
        assert style["outline"] == "solid" and style["width"] >= 2, f"focus not visible on {label}: {style}"
        header_stops.append(label)
    # Brand, desk, proposals, meetings, bodies, funded projects, fund applications, fund,
    # proposal types, users, workflows, language, notifications, account, logout.
    assert len(header_stops) == 15, header_stops


@pytest.mark.parametrize("locale", LOCALES)
def test_meeting_calendar_pages(new_page, locale):
    """The month view (anonymous and as a member, also at phone width) and the page of the
    personal calendar address; nothing is submitted."""
    page = new_page()
    c = start(page, locale)
    c.goto("/sitzungen", label="/sitzungen (anonymous)")
    c.goto("/sitzungen?monat=kein-monat", label="/sitzungen with an invalid month")
    page.set_viewport_size(PHONE)
    c.goto("/sitzungen", label="/sitzungen (phone width)")
    c.finish()

    page = new_page()
    c = start(page, locale, MEMBER)
    c.goto("/sitzungen", label="/sitzungen (member)")
    c.goto("/konto/kalender")
    c.finish()
