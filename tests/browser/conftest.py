"""Fixtures of the browser tests: the real app behind waitress, and Chromium driven by Playwright.

The app runs in a background thread on a free 127.0.0.1 port with its own database, built by
the Alembic migrations and filled with the demo data (``sw-gremien seed-demo``). It does NOT use
the outer-transaction fixtures of tests/conftest.py: those bind every request to the test's
connection, which a server in another thread cannot share.

- SQLite: a fresh temporary file.
- PostgreSQL (SW_GREMIEN_TEST_DATABASE_URL set): a separate database ``<dbname>_browser`` next to
  the given one, created at the start and dropped at the end.

Chromium is Debian's (/usr/bin/chromium, or SW_GREMIEN_CHROMIUM); axe-core comes from
node_modules (``npm ci``). When either is missing the browser tests are skipped, unless CI=true
or SW_GREMIEN_REQUIRE_BROWSER=1, where they fail instead.
"""

from __future__ import annotations

import importlib.util
import os
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import transaction
from pyramid.paster import get_appsettings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from waitress.server import TcpWSGIServer

from tests.browser.helpers import PageChecks, PageProblems, fail_on_page_problems, login

ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = Path(__file__).resolve().parent
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "SW_GREMIEN_CHROMIUM"
TEST_DATABASE_URL_ENV = "SW_GREMIEN_TEST_DATABASE_URL"
APP_DATABASE_URL_ENV = "SW_GREMIEN_DATABASE_URL"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Fail fast: nothing in this app should take seconds.
DEFAULT_TIMEOUT_MS = 10_000

# Fixtures of tests/conftest.py that belong to the WebTest suites. Browser tests talking to
# them would see another database than the live server.
FORBIDDEN_FIXTURES = {"dbsession", "connection", "testapp", "app", "engine", "tm", "mailer"}


def _browser_required() -> bool:
    return (os.environ.get("CI", "").lower() == "true"
            or os.environ.get("SW_GREMIEN_REQUIRE_BROWSER", "") == "1")


def chromium_path() -> str:
    return os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM


def missing_prerequisites() -> list[str]:
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package playwright (install it with `pip install -e '.[dev]'`, "
                       "or `make setup`)")
    chromium = chromium_path()
    if not (os.path.isfile(chromium) and os.access(chromium, os.X_OK)):
        missing.append(f"Chromium ({chromium}; install it with `apt-get install chromium` "
                       f"or point {CHROMIUM_ENV} at a Chromium binary)")
    if not AXE_PATH.is_file():
        missing.append(f"axe-core ({AXE_PATH.relative_to(ROOT)}; install it with `npm ci`, "
                       "or `make setup`)")
    return missing


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        wrong = FORBIDDEN_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if wrong:
            raise pytest.UsageError(
                f"{item.nodeid}: browser tests must not use the WebTest fixtures {sorted(wrong)}; "
                "they talk to the live server and its own database"
            )


@pytest.fixture(scope="session", autouse=True)
def browser_prerequisites():
    missing = missing_prerequisites()
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if _browser_required():
            pytest.fail(message + " (required: CI=true or SW_GREMIEN_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(message)


# The database ---------------------------------------------------------------------------------

def _create_postgresql_database(base_url: str) -> str:
    url = make_url(base_url)
    name = f"{url.database}_browser"
    admin_engine = create_engine(url, isolation_level="AUTOCOMMIT")
    quoted = admin_engine.dialect.identifier_preparer.quote(name)
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        admin_engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgresql_database(base_url: str, browser_url: str) -> None:
    admin_engine = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    quoted = admin_engine.dialect.identifier_preparer.quote(make_url(browser_url).database)
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
    finally:
        admin_engine.dispose()


def _seed(url: str, settings: dict) -> None:
    from sw_gremien.db import get_engine, get_session_factory, get_tm_session
    from sw_gremien.demo import seed_demo

    engine = get_engine({**settings, "sqlalchemy.url": url})
    try:
        manager = transaction.TransactionManager(explicit=True)
        dbsession = get_tm_session(get_session_factory(engine), manager)
        with manager:
            seed_demo(dbsession, with_proposals=False)
        dbsession.close()
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def browser_database_url(tmp_path_factory, browser_prerequisites):
    # The app prefers SW_GREMIEN_DATABASE_URL over its settings: it must not point the live
    # server at some other database.
    saved = os.environ.pop(APP_DATABASE_URL_ENV, None)
    base_url = os.environ.get(TEST_DATABASE_URL_ENV)
    if base_url:
        url = _create_postgresql_database(base_url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.sqlite'}"
    try:
        yield url
    finally:
        if base_url:
            _drop_postgresql_database(base_url, url)
        if saved is not None:
            os.environ[APP_DATABASE_URL_ENV] = saved


# The live server ------------------------------------------------------------------------------

class _Server(TcpWSGIServer):
    """waitress in a background thread, stoppable from the test thread."""

    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="sw-gremien-live-server", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        def close_all():
            # Runs in the server's own loop: once the map is empty, the loop ends.
            for channel in list(self._map.values()):
                channel.close()

        self.trigger.pull_trigger(close_all)
        if self.thread is not None:
            self.thread.join(timeout=10)
        self.task_dispatcher.shutdown()


@dataclass
class LiveServer:
    url: str
    database_url: str
    app: object = field(repr=False)

    def translate(self, msgid: str, locale: str) -> str:
        """``msgid`` as the app shows it in ``locale`` (the catalogue may still lack it)."""
        from pyramid.i18n import make_localizer
        from pyramid.interfaces import ITranslationDirectories

        directories = self.app.registry.queryUtility(ITranslationDirectories, default=[])
        return make_localizer(locale, directories).translate(msgid, domain="sw_gremien")


@pytest.fixture(scope="session")
def live_server(browser_database_url):
    from sw_gremien import main, migrate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        settings = dict(get_appsettings(str(ROOT / "testing.ini")))
    settings.update({"sqlalchemy.url": browser_database_url, "sw_gremien.mailer": "testing"})

    migrate.upgrade(browser_database_url)
    _seed(browser_database_url, settings)
    app = main({}, **settings)

    server = _Server(app, host="127.0.0.1", port=0, threads=4, clear_untrusted_proxy_headers=True)
    server.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.effective_port}", database_url=browser_database_url,
                         app=app)
    finally:
        server.stop()
        factory = app.registry.get("dbsession_factory")
        bind = getattr(factory, "kw", {}).get("bind")
        if bind is not None:
            bind.dispose()


# The browser ----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_instance(browser_prerequisites):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a fresh context (own cookies); checks it for CSP violations and JS errors.

    ``new_page(viewport={"width": 375, "height": 700})`` for a phone.
    """
    opened = []

    def open_page(**context_options):
        # Accept-Language English on purpose: the app must be German regardless of it.
        options = {"base_url": live_server.url, "locale": "en-US", **context_options}
        context = browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.add_init_script(path=str(AXE_PATH))
        page = context.new_page()
        PageProblems.attach(page)
        opened.append((context, page))
        return page

    yield open_page
    try:
        for _context, page in opened:
            fail_on_page_problems(page)
    finally:
        for context, _page in opened:
            context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# -- For the journeys ---------------------------------------------------------------------------
@pytest.fixture
def checks():
    return PageChecks()


@pytest.fixture
def as_user(new_page):
    """A logged-in page per person, opened on first use and reused afterwards."""
    pages = {}

    def page_of(email: str):
        if email not in pages:
            page = new_page()
            login(page, email)
            pages[email] = page
        return pages[email]

    return page_of
