"""The facet table: for every published record, which facet values it has, in memory, as one
boolean matrix (records x values), so a search counts the facets of tens of thousands of
results and applies its filters in a millisecond. It follows the search documents' change
sequence: a refresh reads only the documents changed since the last one (one indexed query,
and nothing when nothing changed)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from eucentre.prevention.models import PreventionSearchDoc, PreventionSearchState
from eucentre.prevention.schemas import RecordData

REFRESH_BATCH = 5000
PARSED_REVISIONS = 2000


class FacetTable:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = 0
        self._columns: dict[tuple[str, str], int] = {}
        self._matrix = np.zeros((1024, 64), dtype=bool)
        self._live = np.zeros(1024, dtype=bool)
        self._published = np.zeros(1024, dtype=np.float64)
        self._parsed: OrderedDict[int, RecordData] = OrderedDict()

    def parsed(self, revision_id: int, data: dict[str, Any]) -> RecordData:
        """A published revision's content, parsed once (published revisions never change)."""
        with self._lock:
            found = self._parsed.get(revision_id)
            if found is not None:
                self._parsed.move_to_end(revision_id)
                return found
        found = RecordData.model_validate(data)
        with self._lock:
            self._parsed[revision_id] = found
            while len(self._parsed) > PARSED_REVISIONS:
                self._parsed.popitem(last=False)
        return found

    # --- keeping current ----------------------------------------------------------------

    def refresh(self, session: Session) -> None:
        current = session.scalar(
            select(PreventionSearchState.seq).where(PreventionSearchState.id == 1)
        )
        if current is None or current == self._seq:
            return
        with self._lock:
            while True:
                rows = session.execute(
                    select(
                        PreventionSearchDoc.record_id,
                        PreventionSearchDoc.live,
                        PreventionSearchDoc.facets,
                        PreventionSearchDoc.published_at,
                        PreventionSearchDoc.seq,
                    )
                    .where(PreventionSearchDoc.seq > self._seq)
                    .order_by(PreventionSearchDoc.seq)
                    .limit(REFRESH_BATCH)
                ).all()
                for record_id, live, facets, published_at, seq in rows:
                    self._set(record_id, live, facets or {}, published_at.timestamp())
                    self._seq = seq
                if len(rows) < REFRESH_BATCH:
                    break

    def _set(
        self, record_id: int, live: bool, facets: Mapping[str, Sequence[str]], at: float
    ) -> None:
        self._grow_rows(record_id + 1)
        self._matrix[record_id, :] = False
        self._live[record_id] = live
        self._published[record_id] = at
        if not live:
            return
        for facet, values in facets.items():
            for value in values:
                column = self._column(facet, value)  # may grow the matrix: before indexing it
                self._matrix[record_id, column] = True

    def _column(self, facet: str, value: str) -> int:
        key = (facet, value)
        column = self._columns.get(key)
        if column is None:
            column = self._columns[key] = len(self._columns)
            if column >= self._matrix.shape[1]:
                extra = np.zeros((self._matrix.shape[0], self._matrix.shape[1]), dtype=bool)
                self._matrix = np.hstack([self._matrix, extra])
        return column

    def _grow_rows(self, needed: int) -> None:
        size = self._matrix.shape[0]
        if needed <= size:
            return
        while size < needed:
            size *= 2
        grow = size - self._matrix.shape[0]
        self._matrix = np.vstack([self._matrix, np.zeros((grow, self._matrix.shape[1]), bool)])
        self._live = np.concatenate([self._live, np.zeros(grow, dtype=bool)])
        self._published = np.concatenate([self._published, np.zeros(grow)])

    # --- reading ------------------------------------------------------------------------

    def size(self) -> int:
        """How many records are published."""
        with self._lock:
            return int(np.count_nonzero(self._live))

    def live_ids(self) -> np.ndarray:
        with self._lock:
            return np.flatnonzero(self._live)

    def keep(self, ids: np.ndarray, filters: Mapping[str, Sequence[str]]) -> np.ndarray:
        """The ids (published ones only) that have, for every filtered facet, one of its
        values."""
        with self._lock:
            ids = ids[ids < self._live.shape[0]]
            ids = ids[self._live[ids]]
            for facet, values in filters.items():
                columns = [
                    self._columns[(facet, value)]
                    for value in values
                    if (facet, value) in self._columns
                ]
                if not columns:
                    return ids[:0]
                ids = ids[self._matrix[np.ix_(ids, np.array(columns, dtype=np.int64))].any(axis=1)]
            return ids

    def counts(self, ids: np.ndarray) -> dict[str, dict[str, int]]:
        """For each facet, how many of these records have each value (values with none are
        left out)."""
        with self._lock:
            if len(ids):
                totals = self._matrix[ids].sum(axis=0, dtype=np.int64)
            else:
                totals = np.zeros(self._matrix.shape[1], dtype=np.int64)
            out: dict[str, dict[str, int]] = {}
            for (facet, value), column in self._columns.items():
                if totals[column]:
                    out.setdefault(facet, {})[value] = int(totals[column])
            return out

    def newest_first(self, ids: np.ndarray, count: int) -> list[int]:
        """Up to `count` of these ids, the most recently published first."""
        with self._lock:
            if not len(ids):
                return []
            order = np.argsort(-self._published[ids], kind="stable")
            return [int(i) for i in ids[order[:count]]]
