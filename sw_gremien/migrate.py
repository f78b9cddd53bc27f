"""Running the Alembic migrations from code (CLI, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

SCRIPT_LOCATION = "sw_gremien:migrations"


def include_name(name, type_, parent_names) -> bool:
    """For autogenerate: SQLite's full-text index (a virtual table and its shadow tables) is
    made by hand in a migration and must not be seen as a table to drop."""
    return not (type_ == "table" and name and name.startswith("proposals_fts"))


def alembic_config(url: str | None = None, connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | None = None, connection=None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url, connection), revision)


def downgrade(url: str | None = None, connection=None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url, connection), revision)
