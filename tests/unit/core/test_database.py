"""Migrations own the schema: they match the models, and go down and up again cleanly."""

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from sw_gremien import migrate, models


def test_models_and_migrations_agree(engine):
    from tests.workflow_support import TestBase

    test_tables = set(TestBase.metadata.tables)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_name": lambda name, type_, parent: (
                migrate.include_name(name, type_, parent) and not (type_ == "table" and name in test_tables)
            ),
        })
        diff = compare_metadata(context, models.metadata)
    assert diff == [], f"the models differ from the migrations; write a migration: {diff}"


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite'}"
    migrate.upgrade(url)
    migrate.downgrade(url, revision="base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert "users" in inspect(engine).get_table_names()
    engine.dispose()


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path, app_settings):
    from sw_gremien.db import get_engine

    engine = get_engine({**app_settings, "sqlalchemy.url": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


def test_environment_variable_overrides_the_ini_url(monkeypatch):
    from sw_gremien.db import database_url

    monkeypatch.setenv("SW_GREMIEN_DATABASE_URL", "postgresql+psycopg://db/x")
    assert database_url({"sqlalchemy.url": "sqlite:///a"}) == "postgresql+psycopg://db/x"
    monkeypatch.delenv("SW_GREMIEN_DATABASE_URL")
    assert database_url({"sqlalchemy.url": "sqlite:///a"}) == "sqlite:///a"


def test_cli_migrates_and_seeds_twice_without_change(tmp_path):
    """The start command's steps on a fresh SQLite file: migrate, seed, seed again."""
    ini = tmp_path / "demo.ini"
    ini.write_text(
        "[app:main]\nuse = egg:sw_gremien\n"
        f"sqlalchemy.url = sqlite:///{tmp_path / 'demo.sqlite'}\n"
        "sw_gremien.secret = " + "s" * 40 + "\nsw_gremien.allow_demo_data = true\n"
    )
    run = [sys.executable, "-W", "ignore", "-m", "sw_gremien.cli", "-c", str(ini)]
    env = {"PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "ignore"}
    subprocess.run([*run, "migrate"], check=True, capture_output=True, env=env)
    first = subprocess.run([*run, "seed-demo"], check=True, capture_output=True, text=True, env=env)
    assert "geschaeftsstelle@stuttgart.example" in first.stdout
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'demo.sqlite'}")

    def counts():
        with engine.connect() as c:
            return [c.execute(text(f"select count(*) from {t}")).scalar()
                    for t in ("users", "bodies", "memberships", "proposal_types", "proposals", "meetings",
                              "funds", "fund_years")]

    before = counts()
    subprocess.run([*run, "seed-demo"], check=True, capture_output=True, env=env)
    assert counts() == before == [20, 6, 18, 5, 30, 6, 1, 7]  # 2015–2020 and this year
    engine.dispose()


def test_demo_data_refused_where_not_allowed(tmp_path):
    ini = tmp_path / "prod.ini"
    ini.write_text(
        "[app:main]\nuse = egg:sw_gremien\n"
        f"sqlalchemy.url = sqlite:///{tmp_path / 'p.sqlite'}\nsw_gremien.secret = " + "s" * 40 + "\n"
    )
    result = subprocess.run([sys.executable, "-W", "ignore", "-m", "sw_gremien.cli", "-c", str(ini), "seed-demo"],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2


def test_a_locked_sqlite_database_is_worth_a_retry(tmp_path, app_settings):
    """pyramid_retry repeats a request whose SQLite write waited in vain for the lock."""
    import sqlite3

    from sqlalchemy.exc import OperationalError
    from zope.sqlalchemy.datamanager import SessionDataManager

    from sw_gremien.db import get_engine

    get_engine({**app_settings, "sqlalchemy.url": f"sqlite:///{tmp_path / 'x.sqlite'}"}).dispose()

    locked = OperationalError("UPDATE …", {}, sqlite3.OperationalError("database is locked"))
    other = OperationalError("SELECT …", {}, sqlite3.OperationalError("no such table: x"))
    should_retry = SessionDataManager.should_retry
    assert should_retry(None, locked) is True
    assert not should_retry(None, other)
