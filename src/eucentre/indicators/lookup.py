"""The providers' lookup, backed by the matching engine and kept current from the change feed.

Each serving process holds a `LookupIndex` over one shared, memory-mapped index directory.
Before answering, a process catches the index up with the database's change feed (at most every
`sync_interval` seconds): under a file lock, whoever comes first applies the new changes and
moves the cursor, the others just pick up the index's delta log. No change needs a rebuild.

Disputes must act at once, even before any index catches up, so every PDQ hit is re-checked
against the database's current status before it is returned.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from eucentre.db import transaction
from eucentre.indicators import repository
from eucentre.matching import HashIndex, Match
from eucentre.models import IndicatorStatus

CURSOR_FILE = "feed_cursor"
SYNC_BATCH = 10_000


@dataclass(frozen=True)
class Query:
    signal: str
    value: str
    # Extra hashes of the same item (dihedral variants, "rot90"...), PDQ only.
    variants: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    indicator_id: int
    distance: int
    variant: str


class LookupIndex:
    def __init__(self, root: Path, *, sync_interval: float = 0.5) -> None:
        self.root = root
        self.sync_interval = sync_interval
        self._index: HashIndex | None = None
        self._synced_at = 0.0
        self._warm = False
        self._mutex = threading.Lock()

    @property
    def pdq_dir(self) -> Path:
        return self.root / "indicators-pdq"

    def sync(self, session: Session, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._synced_at < self.sync_interval:
            return
        # Join the database transaction before taking the locks below. Whoever holds them then
        # already holds its transaction; otherwise, on SQLite, a thread could hold the locks
        # while waiting for the single write lock that a thread waiting for them holds.
        session.connection()
        with self._mutex:
            if not force and time.monotonic() - self._synced_at < self.sync_interval:
                return  # another thread caught up while this one waited
            self.root.mkdir(parents=True, exist_ok=True)
            with open(self.root / "indicators-pdq.lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    self._sync_locked(session)
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
            self._synced_at = now

    def prepare(self, session_factory: sessionmaker[Session]) -> None:
        """Catch up (when due) and compile the search kernels, in a short transaction of its
        own, so a later lookup inside a write transaction is quick (on SQLite that transaction
        holds the database's only write lock). Nothing is opened when nothing is due."""
        if self._warm and time.monotonic() - self._synced_at < self.sync_interval:
            return
        with transaction(session_factory) as session:
            self.sync(session)
        if not self._warm and self._index is not None:
            self._index.search(["0" * 64], 0)
            self._warm = True

    def _sync_locked(self, session: Session) -> None:
        if not (self.pdq_dir / "CURRENT").exists():
            self._build(session)
        if self._index is None:
            self._index = HashIndex.open(self.pdq_dir)
        self._index.refresh()
        cursor = self._read_cursor()
        while True:
            changes = repository.changes_since(
                session, signal="pdq", cursor=cursor, limit=SYNC_BATCH
            )
            if not changes:
                break
            self._apply(changes)
            cursor = changes[-1].seq
            self._write_cursor(cursor)

    def _build(self, session: Session) -> None:
        # The head is read before the rows: changes after it are applied on top, and applying
        # one that the build already reflects is harmless (see _apply).
        head = repository.feed_head(session)
        ids, hashes = [], []
        for indicator in repository.iter_verified(session, "pdq"):
            ids.append(str(indicator.id))
            hashes.append(indicator.value)
        HashIndex.build(self.pdq_dir, "pdq", ids, hashes, overwrite=True)
        self._write_cursor(head)

    def _apply(self, changes: Sequence) -> None:  # type: ignore[type-arg]
        assert self._index is not None
        index = self._index
        # The net effect per indicator: the last change wins.
        final: dict[str, tuple[str, str]] = {}
        for change in changes:
            final[str(change.indicator_id)] = (change.op, change.value)
        to_remove = [i for i, (op, _) in final.items() if i in index]
        if to_remove:
            index.remove(to_remove)
        adds = [(i, value) for i, (op, value) in final.items() if op == "add"]
        if adds:
            index.add([i for i, _ in adds], [v for _, v in adds])

    def _read_cursor(self) -> int:
        try:
            return int((self.pdq_dir / CURSOR_FILE).read_text().strip() or 0)
        except FileNotFoundError:
            return 0

    def _write_cursor(self, cursor: int) -> None:
        target = self.pdq_dir / CURSOR_FILE
        tmp = target.with_suffix(".tmp")
        tmp.write_text(str(cursor))
        os.replace(tmp, target)

    def search_pdq(
        self, session: Session, queries: Sequence[Query], max_distance: int
    ) -> list[list[Hit]]:
        self.sync(session)
        assert self._index is not None
        if not queries:
            return []
        if any(q.variants for q in queries):
            found = self._index.search_variants(
                [{"original": q.value, **q.variants} for q in queries], max_distance
            )
        else:
            found = self._index.search([q.value for q in queries], max_distance)
        return self._only_verified(session, found)

    @staticmethod
    def _only_verified(session: Session, found: list[list[Match]]) -> list[list[Hit]]:
        statuses = repository.statuses(session, (int(m.id) for hits in found for m in hits))
        return [
            [
                Hit(int(m.id), m.distance, m.variant)
                for m in hits
                if statuses.get(int(m.id)) == IndicatorStatus.verified
            ]
            for hits in found
        ]
