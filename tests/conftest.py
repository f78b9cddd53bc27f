"""Shared fixtures (the cookiecutter/warehouse pattern).

The schema is built once per run by the Alembic migrations. Every test runs inside an outer
transaction on one connection that is rolled back afterwards; the app under test binds its
request sessions to that same connection (as SAVEPOINTs), so whatever a request commits is
visible to the test and gone after it.

SQLite (a temporary file) by default; PostgreSQL when SW_GREMIEN_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
import transaction
import webtest
from pyramid.paster import get_appsettings
from sqlalchemy import text
from sqlalchemy.orm import Session

from sw_gremien import main, migrate
from sw_gremien.db import get_engine

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL_ENV = "SW_GREMIEN_TEST_DATABASE_URL"


def pytest_report_header(config):
    url = os.environ.get(TEST_DATABASE_URL_ENV)
    return f"sw_gremien database: {'PostgreSQL ' + url if url else 'SQLite (temporary file)'}"


@pytest.fixture(scope="session")
def app_settings(tmp_path_factory):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        settings = dict(get_appsettings(str(ROOT / "testing.ini")))
    # Uploaded files go to a directory of the test run, never into the repository.
    settings["sw_gremien.upload_dir"] = str(tmp_path_factory.mktemp("uploads"))
    return settings


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get(TEST_DATABASE_URL_ENV) or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def reset_database(engine) -> None:
    """An empty database, so the migrations start from nothing."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def engine(database_url, app_settings):
    engine = get_engine({**app_settings, "sqlalchemy.url": database_url})
    # The environment variable for the app must not point the tests elsewhere.
    os.environ.pop("SW_GREMIEN_DATABASE_URL", None)
    reset_database(engine)
    with engine.begin() as connection:
        migrate.upgrade(connection=connection)
        # The engine's test object: a table of the tests, not of the application's schema.
        from tests.workflow_support import TestBase

        TestBase.metadata.create_all(connection)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    connection = engine.connect()
    outer = connection.begin()
    yield connection
    outer.rollback()
    connection.close()


class ConnectionHolder:
    """Lets the one app of the test run bind to each test's connection in turn."""

    connection = None

    def session_factory(self, **kw):
        if self.connection is None:
            raise RuntimeError("the app was used outside a test's connection fixture")
        return Session(bind=self.connection, join_transaction_mode="create_savepoint",
                       expire_on_commit=False, **kw)


@pytest.fixture(scope="session")
def connection_holder():
    return ConnectionHolder()


@pytest.fixture
def dbsession(connection, connection_holder):
    connection_holder.connection = connection
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    factories.bind(session)
    yield session
    factories.bind(None)
    session.close()
    connection_holder.connection = None


@pytest.fixture(scope="session")
def app(app_settings, engine, connection_holder):
    settings = {**app_settings, "sw_gremien.dbsession_factory": connection_holder.session_factory}
    return main({}, **settings)


@pytest.fixture
def testapp(app, dbsession):
    return webtest.TestApp(app, extra_environ={"HTTP_HOST": "localhost", "REMOTE_ADDR": "192.0.2.10"})


@pytest.fixture
def mailer(app):
    from pyramid_mailer import get_mailer
    from pyramid.request import Request

    request = Request.blank("/")
    request.registry = app.registry
    mailer = get_mailer(request)
    mailer.outbox.clear()
    yield mailer
    mailer.outbox.clear()


@pytest.fixture
def tm():
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    yield manager
    manager.abort()
