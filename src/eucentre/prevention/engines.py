"""The full-text engines behind the search: SQLite FTS5 (embedded) and PostgreSQL full text.
Both answer the same two questions about a planned query: which published records match it,
and which of them rank first.

Ranking costs per matching row, so it uses only the query's selective groups: a group that
matches most of the catalogue ("prevention" in a prevention catalogue) still has to match, but
its weight in BM25 would be about nil anyway. When no group is selective, the newest records
come first."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from sqlalchemy import bindparam
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from eucentre.prevention import query

# A group ranks when it matches at most this share of the catalogue.
SELECTIVE_SHARE = 0.1
# bm25 weights of the columns (in the queries): a word in the title counts four times one in
# the summary.


class SqliteEngine:
    def match(self, session: Session, plan: query.Plan) -> np.ndarray:
        rows = session.execute(
            sql("SELECT rowid FROM prevention_fts WHERE prevention_fts MATCH :q"),
            {"q": query.fts5(plan.groups)},
        )
        return np.fromiter((row[0] for row in rows), dtype=np.int64)

    def _frequency(self, session: Session, group: query.Group) -> int:
        """An upper bound of how many documents the group matches (from FTS5's vocabulary)."""
        total = 0
        terms = list(group.terms) + [word for phrase in group.phrases for word in phrase[:1]]
        if terms:
            total += (
                session.scalar(
                    sql(
                        "SELECT coalesce(sum(doc), 0) FROM prevention_fts_vocab "
                        "WHERE term IN :terms"
                    ).bindparams(bindparam("terms", expanding=True)),
                    {"terms": terms},
                )
                or 0
            )
        for prefix in group.prefixes:
            total += (
                session.scalar(
                    sql(
                        "SELECT coalesce(sum(doc), 0) FROM prevention_fts_vocab "
                        "WHERE term >= :low AND term < :high"
                    ),
                    {"low": prefix, "high": prefix + "\uffff"},
                )
                or 0
            )
        return total

    def ranked(self, session: Session, plan: query.Plan, *, catalogue: int) -> Iterator[int]:
        """Matching ids in rank order, by the selective groups (nothing: rank by recency)."""
        limit = max(50, int(catalogue * SELECTIVE_SHARE))
        selective = tuple(g for g in plan.groups if self._frequency(session, g) <= limit)
        if not selective:
            return iter(())
        rows = session.execute(
            sql(
                "SELECT rowid FROM prevention_fts WHERE prevention_fts MATCH :q "
                "ORDER BY bm25(prevention_fts, 4.0, 1.0)"
            ),
            {"q": " OR ".join(query.fts5_group(g) for g in selective)},
        )
        return (row[0] for row in rows)


class PostgresEngine:
    def match(self, session: Session, plan: query.Plan) -> np.ndarray:
        rows = session.execute(
            sql(
                "SELECT record_id FROM prevention_search_docs WHERE live AND "
                "to_tsvector('simple', title || ' ' || body) @@ to_tsquery('simple', :q)"
            ),
            {"q": query.tsquery(plan.groups)},
        )
        return np.fromiter((row[0] for row in rows), dtype=np.int64)

    def ranked(self, session: Session, plan: query.Plan, *, catalogue: int) -> Iterator[int]:
        rows = session.execute(
            sql(
                "SELECT record_id FROM prevention_search_docs WHERE live AND "
                "to_tsvector('simple', title || ' ' || body) @@ to_tsquery('simple', :any) "
                "ORDER BY ts_rank_cd(setweight(to_tsvector('simple', title), 'A') || "
                "to_tsvector('simple', body), to_tsquery('simple', :any)) DESC, record_id"
            ),
            {"any": " | ".join(query.tsquery_group(g) for g in plan.groups)},
        )
        return (row[0] for row in rows)


def engine_for(session: Session) -> SqliteEngine | PostgresEngine:
    return SqliteEngine() if session.get_bind().dialect.name == "sqlite" else PostgresEngine()
