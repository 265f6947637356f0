"""The full-text engines behind the search: SQLite FTS5 (embedded) and PostgreSQL full text.
Both answer the same two questions about a planned query: which published records match it,
and which of them rank first.

Ranking costs per matching row, so it uses only the query's selective groups, by their exact
terms: a group that matches most of the catalogue ("prevention" in a prevention catalogue)
still has to match, but its weight in BM25 would be about nil anyway. Records matched only
through an unranked group or a prefix come after the ranked ones, the newest first.

The matched ids are read through the driver's cursor in one fetch: tens of thousands of rows
through the ORM's row objects cost ten times as much."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from eucentre.prevention import query

# A group ranks when it matches at most this share of the catalogue.
SELECTIVE_SHARE = 0.1
MATCH = "SELECT rowid FROM prevention_fts WHERE prevention_fts MATCH ?"
# bm25 weights of the columns: a word in the title counts four times one in the summary.
RANKED = MATCH + " ORDER BY bm25(prevention_fts, 4.0, 1.0)"
FREQUENCY = "SELECT doc FROM prevention_fts_vocab WHERE term = ?"


def _cursor(session: Session) -> Any:
    return session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]


class SqliteEngine:
    def match(self, session: Session, plan: query.Plan) -> np.ndarray:
        rows = _cursor(session).execute(MATCH, (query.fts5(plan.groups),)).fetchall()
        return np.array([row[0] for row in rows], dtype=np.int64)

    def _frequency(self, cursor: Any, group: query.Group) -> int:
        """An upper bound of how many documents the group's exact terms match."""
        total = 0
        for term in group.terms:
            found = cursor.execute(FREQUENCY, (term,)).fetchone()
            total += found[0] if found else 0
        return total

    def ranked(self, session: Session, plan: query.Plan, *, catalogue: int) -> Iterator[int]:
        """Matching ids in rank order, by the selective groups (none: nothing is ranked)."""
        cursor = _cursor(session)
        limit = max(50, int(catalogue * SELECTIVE_SHARE))
        selective = [
            query.Group(g.words, g.concept, g.terms, (), ())
            for g in plan.groups
            if self._frequency(cursor, g) <= limit
        ]
        if not selective:
            return iter(())
        expression = " OR ".join(query.fts5_group(g) for g in selective)
        return (row[0] for row in cursor.execute(RANKED, (expression,)))


DOCUMENT = "to_tsvector('simple', title || ' ' || body)"


class PostgresEngine:
    def match(self, session: Session, plan: query.Plan) -> np.ndarray:
        cursor = _cursor(session)
        cursor.execute(
            "SELECT record_id FROM prevention_search_docs WHERE live AND "
            "to_tsvector('simple', title || ' ' || body) @@ to_tsquery('simple', %s)",
            (query.tsquery(plan.groups),),
        )
        return np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)

    def ranked(self, session: Session, plan: query.Plan, *, catalogue: int) -> Iterator[int]:
        cursor = _cursor(session)
        expression = " | ".join(query.tsquery_group(g) for g in plan.groups)
        cursor.execute(
            "SELECT record_id FROM prevention_search_docs WHERE live AND "
            "to_tsvector('simple', title || ' ' || body) @@ to_tsquery('simple', %s) "
            "ORDER BY ts_rank_cd(setweight(to_tsvector('simple', title), 'A') || "
            "to_tsvector('simple', body), to_tsquery('simple', %s)) DESC, record_id",
            (expression, expression),
        )
        return (row[0] for row in cursor.fetchall())


def engine_for(session: Session) -> SqliteEngine | PostgresEngine:
    return SqliteEngine() if session.get_bind().dialect.name == "sqlite" else PostgresEngine()
