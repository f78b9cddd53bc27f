"""Journeys through the real app in Chromium, every page checked by axe-core (WCAG 2.1 AA).

Elements are found by id, name, role or href, not by visible text: the German catalogue may be
incomplete. Where text matters it is compared with what the app's own catalogue makes of the
message id (LiveServer.translate), or it is data (names, e-mail addresses).
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import assert_accessible, html_lang, login

pytestmark = pytest.mark.browser

OFFICE = "geschaeftsstelle@stuttgart.example"
MEMBER = "mitglied.ag-sa@stuttgart.example"
SHORT_NAMES = {"AG-SA", "AG-PR", "AG-FÖ", "LG-GI", "LG-PI", "IA"}
HOME_HEADING = "The bodies of the Stuttgarter Weg"


def test_anonymous_visitor(page, live_server):
    response = page.goto("/")
    assert response.status == 200
    # German although the browser asks for English: German is the city's default.
    assert html_lang(page) == "de"
    assert page.locator("h1").inner_text() == live_server.translate(HOME_HEADING, "de")
    assert page.locator("header a[href='/login']").is_visible()
    assert_accessible(page)

    page.click("header a[href='/gremien']")
    page.wait_for_url("**/gremien")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 6
    assert set(rows.locator("td:nth-child(2)").all_inner_texts()) == SHORT_NAMES
    assert page.locator("header a[href='/gremien']").get_attribute("aria-current") == "page"
    assert_accessible(page)

    page.click("main a[href='/gremien/ag-sa']")
    page.wait_for_url("**/gremien/ag-sa")
    assert "(AG-SA)" in page.locator("h1").inner_text()
    # The members are shown only after logging in.
    assert page.locator("main table").count() == 0
    assert_accessible(page)

    response = page.goto("/gremien/gibt-es-nicht")
    assert response.status == 404
    assert html_lang(page) == "de"
    assert page.locator("h1").inner_text() == live_server.translate("Page not found", "de")
    assert page.locator("main a[href='/']").count() == 1
    assert_accessible(page)

    # The language switch in the header: English, and back to German.
    page.goto("/")
    switch = page.locator("header a[hreflang='en']")
    assert switch.get_attribute("lang") == "en"
    with page.expect_navigation():
        switch.click()
    assert html_lang(page) == "en"
    assert page.url == live_server.url + "/"
    assert page.locator("h1").inner_text() == HOME_HEADING
    assert HOME_HEADING != live_server.translate(HOME_HEADING, "de"), "the switch changed no text"
    assert page.locator("header a[hreflang='en']").count() == 0
    assert_accessible(page)

    page.goto("/gremien")  # the choice sticks
    assert html_lang(page) == "en"
    with page.expect_navigation():
        page.click("header a[hreflang='de']")
    assert html_lang(page) == "de"
    assert page.url.endswith("/gremien")
    assert page.locator("h1").inner_text() == live_server.translate("Bodies", "de")
    assert_accessible(page)


def test_skip_link_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"]
    # The focused skip link is on screen.
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert page.url.endswith("#main")


def test_office_manages_users_and_members(page, live_server):
    # A wrong password: the generic message on the login page, the address kept.
    page.goto("/login")
    page.fill("#login input[name=email]", OFFICE)
    page.fill("#login input[name=password]", "falsches-Passwort")
    with page.expect_navigation() as navigation:
        page.click("#login button[name=login]")
    assert navigation.value.status == 422
    assert html_lang(page) == "de"
    alert = page.locator("#login [role=alert]")
    assert alert.inner_text().strip() == live_server.translate(
        "The e-mail address or the password is wrong.", "de"
    )
    assert page.input_value("#login input[name=email]") == OFFICE
    assert page.input_value("#login input[name=password]") == ""
    assert_accessible(page)

    # The right one.
    login(page, OFFICE)
    assert page.url == live_server.url + "/schreibtisch"  # the desk, where work starts
    assert "Petra Hoffmann" in page.locator("header a[href='/konto']").inner_text()

    # The user administration.
    page.click("header a[href='/verwaltung/benutzer']")
    page.wait_for_url("**/verwaltung/benutzer")
    assert page.locator("main").get_by_text(OFFICE, exact=True).count() == 1
    assert_accessible(page)

    page.click("main a[href='/verwaltung/benutzer/neu']")
    page.wait_for_url("**/verwaltung/benutzer/neu")
    assert_accessible(page)
    email = page.locator("#user input[name=email]")
    name = page.locator("#user input[name=display_name]")
    email.fill("birgit.berger-at-stuttgart.example")
    name.fill("Birgit Berger")
    with page.expect_navigation() as navigation:
        page.click("#user button[name=save]")
    assert navigation.value.status == 422
    _assert_error_next_to(page, email, live_server.translate("Please enter a valid e-mail address.", "de"))
    assert name.input_value() == "Birgit Berger"
    assert name.get_attribute("aria-invalid") is None
    # site.js moves the focus to the error summary.
    assert page.evaluate("document.activeElement.id") == "user-errors"
    assert_accessible(page)

    email.fill("birgit.berger@stuttgart.example")
    with page.expect_navigation():
        page.click("#user button[name=save]")
    match = re.search(r"/verwaltung/benutzer/(\d+)$", page.url)
    assert match, page.url
    user_id = match.group(1)
    assert "Birgit Berger" in page.locator("h1").inner_text()
    assert_accessible(page)

    # Add her to AG-SA: first with the end before the start, then correctly.
    page.goto("/gremien/ag-sa")
    assert_accessible(page)
    page.click("main a[href='/gremien/ag-sa/mitglieder/neu']")
    page.wait_for_url("**/gremien/ag-sa/mitglieder/neu")
    assert_accessible(page)
    page.select_option("#membership select[name=user_id]", value=user_id)
    start, end = page.locator("#membership input[type=date]").all()
    start.fill("2025-01-01")
    end.fill("2024-12-31")
    with page.expect_navigation() as navigation:
        page.click("#membership button[name=save]")
    assert navigation.value.status == 422
    start, end = page.locator("#membership input[type=date]").all()
    _assert_error_next_to(page, end, live_server.translate("The end date lies before the start date.", "de"))
    assert start.input_value() == "2025-01-01"
    assert page.locator("#membership select[name=user_id]").input_value() == user_id
    assert_accessible(page)

    end.fill("")
    with page.expect_navigation():
        page.click("#membership button[name=save]")
    page.wait_for_url("**/gremien/ag-sa")
    row = page.locator("main table tbody tr").filter(
        has=page.locator("a[href='mailto:birgit.berger@stuttgart.example']")
    )
    assert row.count() == 1
    assert row.locator("td").first.inner_text().strip() == "Birgit Berger"
    assert_accessible(page)

    # Log out through the button in the header.
    with page.expect_navigation():
        page.click("header form[action='/logout'] button[type=submit]")
    assert page.url == live_server.url + "/"
    assert page.locator("header a[href='/login']").is_visible()
    assert page.locator("header a[href='/konto']").count() == 0
    assert_accessible(page)
    response = page.goto("/verwaltung/benutzer")
    assert page.url.startswith(live_server.url + "/login?came_from=")
    assert response.status == 200


def _assert_error_next_to(page, field, message):
    """The message sits in the field's own form group and is linked by aria-describedby."""
    assert field.get_attribute("aria-invalid") == "true"
    field_id = field.get_attribute("id")
    error = page.locator(f"#error-{field_id}")
    assert error.is_visible()
    assert error.inner_text().strip() == message
    assert f"error-{field_id}" in (field.get_attribute("aria-describedby") or "").split()
    assert page.locator(f"#item-{field_id} #error-{field_id}").count() == 1


def test_member_is_refused_the_user_administration(page, live_server):
    login(page, MEMBER)
    assert page.locator("header a[href='/verwaltung/benutzer']").count() == 0
    response = page.goto("/verwaltung/benutzer")
    assert response.status == 403
    assert html_lang(page) == "de"
    assert page.locator("h1").inner_text() == live_server.translate("Access denied", "de")
    assert page.locator("main table").count() == 0
    assert_accessible(page)


def test_mobile_menu(new_page):
    page = new_page(viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)
    page.goto("/")
    toggler = page.locator("header button.navbar-toggler")
    menu = page.locator("#main-nav")
    assert toggler.is_visible()
    assert not menu.is_visible()
    assert toggler.get_attribute("aria-expanded") == "false"
    assert_accessible(page)

    # Keyboard only: the skip link, the brand, then the toggler.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('navbar-toggler')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#main-nav.show:not(.collapsing)")
    assert toggler.get_attribute("aria-expanded") == "true"
    assert page.locator("#main-nav a[href='/gremien']").is_visible()
    assert page.locator("#main-nav a[href='/login']").is_visible()
    assert_accessible(page)

    # The menu leads on (proposals, meetings, then bodies), and the next page passes too.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/vorlagen"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/sitzungen"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/gremien"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/gremien")
    assert_accessible(page)

    # Space closes the menu again.
    page.locator("header button.navbar-toggler").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#main-nav.show:not(.collapsing)")
    page.keyboard.press("Space")
    page.wait_for_selector("#main-nav", state="hidden")
    assert toggler.get_attribute("aria-expanded") == "false"


def test_the_checks_catch_problems(page):
    """The harness itself: axe reports a violation, and a CSP refusal fails the test."""
    page.goto("/")
    page.evaluate("""() => {
        const img = document.createElement("img");
        img.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
        document.querySelector("main").appendChild(img);
    }""")
    with pytest.raises(pytest.fail.Exception, match=r"image-alt \(critical\).*\n    at img: <img "):
        assert_accessible(page)

    page.goto("/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.body.appendChild(script);
    }""")
    assert page.evaluate("window.inlineRan") is None
    with pytest.raises(pytest.fail.Exception, match=r"CSP violation \(error\): .*inline script"):
        assert_accessible(page)
