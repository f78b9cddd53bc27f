"""Helpers of the browser tests: the axe-core check and the watch for CSP violations and JS errors."""

from __future__ import annotations

import pytest

from sw_gremien.demo import DEMO_PASSWORD

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN_AXE = """async (tags) => {
  if (typeof window.axe === "undefined") {
    return null;
  }
  const results = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
  }));
}"""


class PageProblems:
    """What a page reported that a test must not ignore: CSP violations, JS errors, server errors."""

    def __init__(self):
        self.items: list[str] = []

    @classmethod
    def attach(cls, page) -> PageProblems:
        problems = cls()
        page._sw_problems = problems  # noqa: SLF001 - our own bookkeeping on the page object

        def on_console(message):
            text = message.text
            # Older Chromium says "Refused to load/execute ...", newer "... violates the
            # following Content Security Policy directive ...".
            if "Refused to" in text or "Content Security Policy" in text:
                problems.items.append(f"CSP violation ({message.type}): {text}")
            elif message.type == "error" and not text.startswith("Failed to load resource"):
                # "Failed to load resource" also comes for every deliberate 403/404/422 page;
                # broken sub-resources are caught by on_response instead.
                problems.items.append(f"console error: {text}")

        def on_page_error(error):
            problems.items.append(f"JavaScript error: {error}")

        def on_response(response):
            request = response.request
            if response.status >= 500:
                problems.items.append(f"server error {response.status} for {request.method} {response.url}")
            elif response.status >= 400 and request.resource_type != "document":
                problems.items.append(
                    f"{request.resource_type} {response.url} answered {response.status}"
                )

        def on_request_failed(request):
            problems.items.append(f"request failed: {request.method} {request.url}: {request.failure}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("response", on_response)
        page.on("requestfailed", on_request_failed)
        return problems


def fail_on_page_problems(page) -> None:
    problems = getattr(page, "_sw_problems", None)
    if problems and problems.items:
        found = "\n".join(f"  - {item}" for item in problems.items)
        problems.items.clear()
        pytest.fail(f"the page {page.url} reported problems:\n{found}", pytrace=False)


def assert_accessible(page) -> None:
    """Runs axe-core (WCAG 2.0/2.1 A and AA) on the current page and fails listing every violation.

    Also fails when the page logged a CSP violation, a JS error or a server error so far.
    """
    page.wait_for_load_state("load")
    violations = page.evaluate(_RUN_AXE, AXE_TAGS)
    if violations is None:
        pytest.fail(f"axe-core is not loaded on {page.url}", pytrace=False)
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"]:
                lines.append(f"    at {node['target']}: {node['html'][:200]}")
                if node["summary"]:
                    lines.extend(f"      {line}" for line in node["summary"].splitlines())
        pytest.fail("\n".join(lines), pytrace=False)
    fail_on_page_problems(page)


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


DUPLICATE_IDS = """() => {
  const seen = new Set(), twice = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    (seen.has(el.id) ? twice : seen).add(el.id);
  }
  return [...twice];
}"""


class PageChecks:
    """axe-core, <html lang>, unique ids and no sideways scrolling on page after page; fails
    once, at the end, listing every page with problems."""

    def __init__(self):
        self.failures: list[str] = []

    def __call__(self, page, label: str, locale: str = "de") -> None:
        assert html_lang(page) == locale, f"{label}: <html lang> is not {locale}"
        try:
            assert_accessible(page)
        except pytest.fail.Exception as exc:
            self.failures.append(f"[{locale}] {label}:\n{exc}")
        # axe 4.x no longer reports duplicate ids that no ARIA attribute refers to; a label's
        # for= or a second form on the page still depends on them being unique.
        duplicates = page.evaluate(DUPLICATE_IDS)
        if duplicates:
            self.failures.append(f"[{locale}] {label}: duplicate ids {duplicates}")
        # Reflow (WCAG 1.4.10): wide content scrolls in its own box, never the whole page.
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            self.failures.append(
                f"[{locale}] {label}: the page scrolls sideways ({widths[0]}px wide in {widths[1]}px)"
            )

    def finish(self) -> None:
        if self.failures:
            pytest.fail("\n\n".join(self.failures), pytrace=False)


def login(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Logs in through the login form; stays on the page the login leads to."""
    page.goto("/login")
    page.fill("#login input[name=email]", email)
    page.fill("#login input[name=password]", password)
    with page.expect_navigation():
        page.click("#login button[name=login]")
