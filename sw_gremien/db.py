"""Database wiring: the declarative base, engines, and the request-bound session.

``request.dbsession`` is joined to the request's transaction (pyramid_tm + zope.sqlalchemy),
so a view never commits by hand and an exception rolls everything back.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

import zope.sqlalchemy
from sqlalchemy import DateTime, MetaData, engine_from_config, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so that Alembic migrations name them the same on SQLite and
# PostgreSQL and can drop them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

DATABASE_URL_ENV = "SW_GREMIEN_DATABASE_URL"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC.

    SQLite has no time zones; PostgreSQL has. Storing naive UTC on both and attaching UTC on
    the way out gives the same aware values everywhere.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def database_url(settings: dict) -> str:
    """The configured URL; the environment variable wins so deployments need no ini edits."""
    return os.environ.get(DATABASE_URL_ENV) or settings["sqlalchemy.url"]


def get_engine(settings: dict, prefix: str = "sqlalchemy.") -> Engine:
    settings = dict(settings)
    settings[prefix + "url"] = database_url(settings)
    engine = engine_from_config(settings, prefix)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _mark_sqlite_lock_retryable() -> None:
    """Two writers on SQLite: the second gets "database is locked" once its wait runs out.
    Like PostgreSQL's serialization failures, that is worth another attempt: let
    pyramid_retry repeat the request (zope.sqlalchemy keeps the list of retryable errors)."""
    from zope.sqlalchemy import datamanager

    entry = (sqlite3.OperationalError, _is_sqlite_lock)
    if entry not in datamanager._retryable_errors:
        datamanager._retryable_errors.append(entry)


def _is_sqlite_lock(error) -> bool:
    return "database is locked" in str(error)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    _mark_sqlite_lock_retryable()
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        # pysqlite's own transaction handling would defer BEGIN until the first write; let
        # SQLAlchemy emit BEGIN so SAVEPOINTs and isolation behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        # SQLite's own lower() knows only ASCII; searches for "Özlem" need the Unicode one
        # that PostgreSQL has.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN")


# The largest value of an integer primary key (PostgreSQL's 32-bit ``integer``).
MAX_ID = 2**31 - 1


def get_by_id(dbsession, model, raw_id):
    """The row with this id from a URL, or None; ids beyond the column's range find nothing
    instead of making the database fail."""
    try:
        object_id = int(raw_id)
    except (TypeError, ValueError):
        return None
    if not 0 < object_id <= MAX_ID:
        return None
    return dbsession.get(model, object_id)


def get_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def get_tm_session(session_factory, transaction_manager, request=None) -> Session:
    dbsession = session_factory(info={"request": request})
    zope.sqlalchemy.register(dbsession, transaction_manager=transaction_manager)
    return dbsession


def includeme(config):
    settings = config.get_settings()
    settings["tm.manager_hook"] = "pyramid_tm.explicit_manager"
    config.include("pyramid_tm")
    config.include("pyramid_retry")

    # Tests put a session factory bound to their own connection into the settings.
    session_factory = settings.get("sw_gremien.dbsession_factory")
    if session_factory is None:
        engine = get_engine(settings)
        session_factory = get_session_factory(engine)
    config.registry["dbsession_factory"] = session_factory

    def dbsession(request):
        # The transaction may be re-run by pyramid_retry: take the manager from the environ
        # when pyramid_tm has set it up.
        tm = request.environ.get("tm.manager") or request.tm
        return get_tm_session(session_factory, tm, request=request)

    config.add_request_method(dbsession, reify=True)
