"""Alembic environment: the URL comes from the app's settings (and SW_GREMIEN_DATABASE_URL)."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from sw_gremien import models
from sw_gremien.db import database_url
from sw_gremien.migrate import include_name

config = context.config
target_metadata = models.metadata


def _url() -> str:
    # `sw-gremien migrate` passes the URL in; `alembic -c development.ini` reads the ini.
    url = config.attributes.get("url")
    if url:
        return url
    return database_url({"sqlalchemy.url": config.get_main_option("sqlalchemy.url")})


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = engine_from_config({"sqlalchemy.url": _url()}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


def _run(connection) -> None:
    # Batch mode lets ALTER TABLE work on SQLite, which cannot alter constraints in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
