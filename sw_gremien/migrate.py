"""Running the Alembic migrations from code (CLI, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

SCRIPT_LOCATION = "sw_gremien:migrations"


def include_name(name, type_, parent_names) -> bool:
    """For autogenerate: the full-text machinery is made by hand in migration 0003 and must
    not be seen as something to drop — SQLite's FTS5 index (a virtual table and its shadow
    tables) and PostgreSQL's expression index."""
    if type_ == "index" and name == "ix_proposals_fulltext":
        return False
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
