"""The providers' lookup, backed by the matching engine and kept current from the change feed.

Each serving process holds a `LookupIndex` over shared, memory-mapped index directories, one
per signal type whose lookup is an index (`eucentre.signals`): verified PDQ indicators, and the
frames of verified vPDQ indicators. Before answering, a
process catches the indexes up with the database's change feed (at most every `sync_interval`
seconds): under a file lock, whoever comes first applies the new changes and moves the cursors,
the others just pick up the indexes' delta logs. No change needs a rebuild.

Disputes must act at once, even before any index catches up, so every hit is re-checked against
the database's current status before it is returned.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from eucentre.db import transaction
from eucentre.indicators import repository
from eucentre.kit.private import private_dir, private_file
from eucentre.matching import HashIndex, Match
from eucentre.models import IndicatorStatus
from eucentre.signals import Lookup, SignalType, registry

CURSOR_FILE = "feed_cursor"
SYNC_BATCH = 10_000
ZERO_HASH = "0" * 64


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


# How an indicator's value becomes index entries: (entry id, 256-bit hex) pairs. The value of
# an indicator never changes, so its entries can be recomputed to remove them.
Entries = Callable[[int, str], list[tuple[str, str]]]


def whole_entries(indicator_id: int, value: str) -> list[tuple[str, str]]:
    return [(str(indicator_id), value)]


def frame_entries(indicator_id: int, value: str) -> list[tuple[str, str]]:
    """One entry per distinct frame, named `<indicator id>:<n>`."""
    frames = dict.fromkeys(value.split(","))
    return [(f"{indicator_id}:{n}", frame) for n, frame in enumerate(frames)]


ENTRIES: dict[Lookup, Entries] = {Lookup.hamming: whole_entries, Lookup.frames: frame_entries}


def indicator_of(entry_id: str) -> int:
    return int(entry_id.split(":", 1)[0])


class FeedIndex:
    """One index directory holding one signal's verified indicators, with its feed cursor."""

    def __init__(self, directory: Path, signal: str, entries: Entries) -> None:
        self.directory = directory
        self.signal = signal
        self.entries = entries
        self.index: HashIndex | None = None

    def catch_up(self, session: Session) -> None:
        """Apply the change feed since the cursor (the caller holds the lookup's locks)."""
        if not (self.directory / "CURRENT").exists():
            self._build(session)
        if self.index is None:
            self.index = HashIndex.open(self.directory)
        self.index.refresh()
        cursor = self._read_cursor()
        while True:
            changes = repository.changes_since(
                session, signal=self.signal, cursor=cursor, limit=SYNC_BATCH
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
        for indicator in repository.iter_verified(session, self.signal):
            for entry_id, value in self.entries(indicator.id, indicator.value):
                ids.append(entry_id)
                hashes.append(value)
        # Every indexed signal is 256-bit hex, which the matching engine's "pdq" codec holds.
        HashIndex.build(self.directory, "pdq", ids, hashes, overwrite=True)
        self._write_cursor(head)

    def _apply(self, changes: Sequence) -> None:  # type: ignore[type-arg]
        assert self.index is not None
        index = self.index
        # The net effect per indicator: the last change wins.
        final: dict[int, tuple[str, str]] = {}
        for change in changes:
            final[change.indicator_id] = (change.op, change.value)
        entries = {
            indicator_id: self.entries(indicator_id, value)
            for indicator_id, (_, value) in final.items()
        }
        to_remove = [e for listed in entries.values() for e, _ in listed if e in index]
        if to_remove:
            index.remove(to_remove)
        adds = [
            pair
            for indicator_id, (op, _) in final.items()
            if op == "add"
            for pair in entries[indicator_id]
        ]
        if adds:
            index.add([e for e, _ in adds], [v for _, v in adds])

    def _read_cursor(self) -> int:
        try:
            return int((self.directory / CURSOR_FILE).read_text().strip() or 0)
        except FileNotFoundError:
            return 0

    def _write_cursor(self, cursor: int) -> None:
        target = self.directory / CURSOR_FILE
        tmp = target.with_suffix(".tmp")
        private_file(tmp).write_text(str(cursor))
        os.replace(tmp, target)


def _index_name(signal_type: SignalType) -> str:
    return signal_type.index_name or f"indicators-{signal_type.name}"


class LookupIndex:
    def __init__(self, root: Path, *, sync_interval: float = 0.5) -> None:
        self.root = root
        self.sync_interval = sync_interval
        # The signal types registered when the process starts; each index is keyed by signal.
        self.indexes = {
            s.name: FeedIndex(root / _index_name(s), s.name, ENTRIES[s.lookup])
            for s in registry
            if s.lookup in ENTRIES
        }
        self._synced_at = 0.0
        self._warm = False
        self._mutex = threading.Lock()

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
            private_dir(self.root)
            # The lock file keeps the name it had when only PDQ was indexed, so processes of
            # the previous release, during a rolling upgrade, take the same lock.
            with open(private_file(self.root / "indicators-pdq.lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    for feed in self.indexes.values():
                        feed.catch_up(session)
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
        if not self._warm:
            for feed in self.indexes.values():
                if feed.index is not None:
                    feed.index.search([ZERO_HASH], 0)
            self._warm = True

    def search(
        self, session: Session, signal: str, queries: Sequence[Query], max_distance: int
    ) -> list[list[Hit]]:
        """Per query, the verified indicators of `signal` within `max_distance` bits."""
        self.sync(session)
        index = self.indexes[signal].index
        assert index is not None
        if not queries:
            return []
        if any(q.variants for q in queries):
            found = index.search_variants(
                [{"original": q.value, **q.variants} for q in queries], max_distance
            )
        else:
            found = index.search([q.value for q in queries], max_distance)
        return self._only_verified(session, found)

    def frame_candidates(
        self, session: Session, signal: str, videos: Sequence[Sequence[str]], max_distance: int
    ) -> list[set[int]]:
        """Per video (its frames' hashes), the verified indicators of `signal` with at least
        one frame within `max_distance` of one of its frames. The vPDQ rule needs a share of
        matching frames above zero, so no indicator outside this set can match."""
        self.sync(session)
        index = self.indexes[signal].index
        assert index is not None
        frames = [frame for video in videos for frame in video]
        found = index.search(frames, max_distance) if frames else []
        candidates: list[set[int]] = []
        start = 0
        for video in videos:
            hits = found[start : start + len(video)]
            start += len(video)
            candidates.append({indicator_of(m.id) for matches in hits for m in matches})
        statuses = repository.statuses(session, set().union(*candidates))
        return [
            {i for i in found_ids if statuses.get(i) == IndicatorStatus.verified}
            for found_ids in candidates
        ]

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
