"""German full-text search over proposals, one interface for both databases.

PostgreSQL: the 'german' text search configuration (stemming: "Förderungen" finds
"Förderung"; every word also as a prefix) over an expression index (migration 0003). SQLite:
an FTS5 table kept in step by triggers, with unicode61 tokens without diacritics and prefix
matching ("förder" finds "Förderung" and "Förderliste"). Both search title, subject matter,
resolution and reasoning.
"""

from __future__ import annotations

import re

from sqlalchemy import func, literal_column, select, text

from sw_gremien.proposals.models import Proposal

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def terms(query: str) -> list[str]:
    """The words of the query; operators and quotes typed by users carry no meaning here."""
    return _WORD.findall(query or "")[:MAX_TERMS]


def _document():
    """Exactly the expression of the PostgreSQL index, with literals rendered inline (bound
    parameters would keep the planner from matching the index)."""
    empty, space = literal_column("''"), literal_column("' '")
    parts = [func.coalesce(column, empty) for column in
             (Proposal.title, Proposal.subject, Proposal.resolution, Proposal.reasoning)]
    document = parts[0]
    for part in parts[1:]:
        document = document.op("||")(space).op("||")(part)
    return document


def matches(dbsession, query: str):
    """A SQL condition on Proposal for the query, or None when the query has no words."""
    words = terms(query)
    if not words:
        return None
    if dbsession.get_bind().dialect.name == "postgresql":
        # Every word stemmed and matched as a prefix, all of them required: "förder" finds
        # "Förderung" as on SQLite. The words hold only letters, digits and "_", none of
        # to_tsquery's operators.
        tsquery = func.to_tsquery(literal_column("'german'"), " & ".join(f"{word}:*" for word in words))
        vector = func.to_tsvector(literal_column("'german'"), _document())
        return vector.op("@@")(tsquery)
    fts_query = " ".join('"' + word.replace('"', "") + '"*' for word in words)
    matching = select(literal_column("rowid")).select_from(text("proposals_fts")).where(
        text("proposals_fts MATCH :fts_query").bindparams(fts_query=fts_query)
    )
    return Proposal.id.in_(matching)
