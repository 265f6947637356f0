"""`HashIndex`: an index directory opened for querying and in-place updates."""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from eucentre.kit.private import make_private
from eucentre.matching import search as _search
from eucentre.matching.codec import (
    DISTANCE_SIGNALS,
    as_words,
    hex_error,
    id_error,
    is_variant,
    words_to_hex,
)
from eucentre.matching.defaults import DEFAULT_MAX_DISTANCE
from eucentre.matching.delta import DeltaState, append_records, read_records
from eucentre.matching.snapshot import (
    DELTA_LOG,
    FLAG_DISABLED,
    FLAG_REMOVED,
    LOCK,
    Progress,
    Snapshot,
    create_index_dir,
    encode_ids,
    next_snapshot_name,
    point_current,
    prune_snapshots,
    read_current,
    take_ids,
    write_snapshot,
)

HashLike = str | bytes


@contextlib.contextmanager
def _no_gc():
    """Pause the cyclic GC while result tuples are built: they are acyclic, and at ~50 matches
    a query the collections triggered by allocating them cost several times the search. The
    state is restored by whichever caller found the GC enabled."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Match(NamedTuple):
    """A stored hash within range of a query: its id, the distance and the query variant.

    A tuple (cheap to create by the million; sorts by distance, then id)."""

    distance: int
    id: str
    variant: str = "original"

    def as_dict(self) -> dict:
        return {"id": self.id, "distance": self.distance, "variant": self.variant}


class IndexUpdateError(ValueError):
    """Rejected update; ``problems`` lists (position in the request, reason). Nothing applied."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__("; ".join(f"#{i}: {msg}" for i, msg in problems[:10]))


class HashIndex:
    """Exact range search over PDQ hashes, or exact lookup of MD5/SHA-256 digests.

    Thread-safe: any number of threads may query while one updates. Several processes may open
    the same directory; writers serialise through an flock, readers call :meth:`refresh` to
    pick up other processes' updates and compactions.
    """

    def __init__(
        self,
        index_dir: str | os.PathLike,
        *,
        workers: int | None = None,
        auto_compact_at: int | None = 50_000,
    ):
        self.path = Path(index_dir)
        self.workers = workers or _search.default_workers()
        self.auto_compact_at = auto_compact_at
        self._mutex = threading.RLock()
        self._compact_mutex = threading.Lock()
        self._compaction: threading.Thread | None = None
        self.compaction_error: BaseException | None = None
        self._open_current()

    # --- construction -----------------------------------------------------------------------

    @classmethod
    def open(cls, index_dir: str | os.PathLike, **kw) -> HashIndex:
        """Open an index directory (memory-mapped; reads headers and the delta log only)."""
        return cls(index_dir, **kw)

    @classmethod
    def build(
        cls,
        index_dir: str | os.PathLike,
        signal: str,
        ids: Sequence[str],
        hashes: np.ndarray | Iterable[HashLike],
        *,
        overwrite: bool = False,
        progress: Progress | None = None,
        **kw,
    ) -> HashIndex:
        """Write a new index directory (atomically: built aside, renamed into place)."""
        words = as_words(hashes, signal)
        ids = list(ids)
        problems = _id_problems(ids, set())
        if len(ids) != words.shape[0]:
            problems.append((len(ids), f"{len(ids)} ids for {words.shape[0]} hashes"))
        if problems:
            raise IndexUpdateError(problems)
        kwargs = {"progress": progress} if progress else {}
        create_index_dir(Path(index_dir), signal, ids, words, overwrite=overwrite, **kwargs)
        return cls(index_dir, **kw)

    def _open_current(self) -> None:
        for attempt in range(5):
            try:
                snap = Snapshot.open(self.path / read_current(self.path))
                state = DeltaState.empty(snap)
                records, offset = read_records(snap.path / DELTA_LOG, 0)
                state.apply(records)
                break
            except FileNotFoundError:
                # A compaction elsewhere pruned the snapshot between reading CURRENT and opening.
                if attempt == 4:
                    raise
        with self._mutex:
            self._state = state
            self._log_offset = offset

    # --- introspection ----------------------------------------------------------------------

    @property
    def signal(self) -> str:
        return self._state.snap.signal

    @property
    def snapshot_name(self) -> str:
        return self._state.snap.path.name

    @property
    def delta_size(self) -> int:
        return self._state.count

    def __len__(self) -> int:
        return self._state.live_count()

    def __contains__(self, ident: str) -> bool:
        return self._state.locate(ident) is not None

    def get(self, ident: str) -> tuple[str, bool] | None:
        """(hex hash, disabled) of a live id, or None."""
        st = self._state
        where = st.locate(ident)
        if where is None:
            return None
        kind, row = where
        words, flags = (st.words, st.flags) if kind == "delta" else (st.snap.hashes, st.base_flags)
        return words_to_hex(np.asarray(words[row : row + 1]))[0], bool(flags[row] & FLAG_DISABLED)

    # --- queries ----------------------------------------------------------------------------

    def search_words(
        self,
        words: np.ndarray,
        max_distance: int = DEFAULT_MAX_DISTANCE,
        workers: int | None = None,
    ):
        """Low-level search: (query_index, row, distance, state) with rows >= snapshot count
        referring to delta rows; use :meth:`row_id` with the returned state to name them."""
        if max_distance < 0:
            raise ValueError("max_distance must be >= 0")
        if self.signal not in DISTANCE_SIGNALS:
            max_distance = 0
        workers = workers or self.workers
        st = self._state
        # Count before buffers: see delta.py for why this order makes the read race-free.
        dcount = st.count
        dwords, dflags, bflags = st.words, st.flags, st.base_flags
        words = np.ascontiguousarray(words, dtype=np.uint64)
        q, r, d = _search.search_base(st.snap, bflags, words, max_distance, workers)
        q2, r2, d2 = _search.search_rows(dwords, dcount, dflags, words, max_distance, workers)
        if q2.size:
            order = np.argsort(np.concatenate([q, q2]), kind="stable")
            q = np.concatenate([q, q2])[order]
            r = np.concatenate([r, r2 + st.snap.count])[order]
            d = np.concatenate([d, d2])[order]
        return q, r, d, st

    @staticmethod
    def row_id(state: DeltaState, row: int) -> str:
        n = state.snap.count
        return state.snap.id_of(row) if row < n else state.ids[row - n]

    @staticmethod
    def row_ids(state: DeltaState, rows: np.ndarray) -> list[str]:
        """:meth:`row_id` of many rows (as returned by :meth:`search_words`) at once."""
        rows = np.asarray(rows, np.int64)
        n = state.snap.count
        delta = rows >= n
        if not delta.any():
            return state.snap.ids_of(rows)
        out = [""] * rows.shape[0]
        base_at = np.flatnonzero(~delta)
        for i, ident in zip(base_at.tolist(), state.snap.ids_of(rows[base_at]), strict=True):
            out[i] = ident
        dids = state.ids
        for i, row in zip(np.flatnonzero(delta).tolist(), (rows[delta] - n).tolist(), strict=True):
            out[i] = dids[row]
        return out

    def search(
        self,
        hashes: np.ndarray | Iterable[HashLike],
        max_distance: int = DEFAULT_MAX_DISTANCE,
        *,
        workers: int | None = None,
    ) -> list[list[Match]]:
        """For each query hash, every live stored hash within ``max_distance`` (inclusive),
        sorted by distance then id. MD5/SHA-256 indexes ignore ``max_distance``."""
        words = as_words(hashes, self.signal)
        q, r, d, st = self.search_words(words, max_distance, workers)
        # Order by query then distance here; ids are compared below only between equal
        # distances, and only in the queries that have such ties.
        order = np.lexsort((d, q))
        q, r, d = q[order], r[order], d[order]
        bounds = np.searchsorted(q, np.arange(words.shape[0] + 1)).tolist()
        new = tuple.__new__
        with _no_gc():
            flat = [
                new(Match, (dist, ident, "original"))
                for dist, ident in zip(d.tolist(), self.row_ids(st, r), strict=True)
            ]
            out = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            # Only queries with two matches at the same distance need their ids compared.
            tied = q[1:][(q[1:] == q[:-1]) & (d[1:] == d[:-1])]
            for qi in np.unique(tied).tolist():
                out[qi].sort()
        return out

    def search_variants(
        self,
        queries: Sequence[Mapping[str, HashLike]],
        max_distance: int = DEFAULT_MAX_DISTANCE,
        *,
        workers: int | None = None,
    ) -> list[list[Match]]:
        """Each query is ``{variant label: hash}`` (dihedral labels such as "rot90", or
        "frame:N"). A stored id matched by several variants is reported once, with its smallest
        distance and the first variant (in the mapping's order) that reached it."""
        labels: list[str] = []
        owners: list[int] = []
        hashes: list[HashLike] = []
        for qi, variants in enumerate(queries):
            for label, h in variants.items():
                if not is_variant(label):
                    raise ValueError(f"query {qi}: unknown variant label {label!r}")
                labels.append(label)
                owners.append(qi)
                hashes.append(h)
        words = as_words(hashes, self.signal)
        q, r, d, st = self.search_words(words, max_distance, workers)
        owner = np.asarray(owners, np.int64)[q] if q.size else q
        order = np.lexsort((q, d, r, owner))  # by owner, row, distance, variant position
        # The first entry of each (owner, row) run is its smallest distance, earliest variant.
        o_s, r_s = owner[order], r[order]
        first = np.ones(order.shape[0], bool)
        first[1:] = (o_s[1:] != o_s[:-1]) | (r_s[1:] != r_s[:-1])
        keep = order[first]
        with _no_gc():
            best: list[list[Match]] = [[] for _ in queries]
            names = self.row_ids(st, r[keep])
            for o, dist, qi, ident in zip(
                owner[keep].tolist(), d[keep].tolist(), q[keep].tolist(), names, strict=True
            ):
                best[o].append(Match(dist, ident, labels[qi]))
            for b in best:
                b.sort()
        return best

    # --- updates ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write_lock(self):
        with self._mutex, open(self.path / LOCK, "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self._catch_up()
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _catch_up(self) -> bool:
        if read_current(self.path) != self.snapshot_name:
            self._open_current()
            return True
        try:
            records, offset = read_records(self._state.snap.path / DELTA_LOG, self._log_offset)
        except FileNotFoundError:
            self._open_current()
            return True
        if records:
            self._state.apply(records)
            self._log_offset = offset
        return bool(records)

    def refresh(self) -> bool:
        """Pick up updates and compactions made by other processes; True if anything changed."""
        with self._mutex:
            return self._catch_up()

    def _commit(self, records: list[dict], words: np.ndarray | None = None) -> None:
        self._log_offset = append_records(self._state.snap.path / DELTA_LOG, records)
        self._state.apply(records, words)

    def add(self, ids: Sequence[str], hashes: np.ndarray | Iterable[HashLike]) -> None:
        """Add hashes under new ids. All-or-nothing: invalid or already-live ids raise
        :class:`IndexUpdateError` and nothing is added."""
        ids = list(ids)
        words = as_words(hashes, self.signal)
        if len(ids) != words.shape[0]:
            raise IndexUpdateError([(len(ids), f"{len(ids)} ids for {words.shape[0]} hashes")])
        with self._write_lock():
            problems = _id_problems(ids, self)
            if problems:
                raise IndexUpdateError(problems)
            hexes = words_to_hex(words)
            self._commit(
                [{"op": "add", "id": i, "hash": h} for i, h in zip(ids, hexes, strict=True)], words
            )
        self._maybe_compact()

    def _mark(self, op: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        with self._write_lock():
            problems = [(k, f"unknown id {i!r}") for k, i in enumerate(ids) if i not in self]
            seen: set[str] = set()
            for k, i in enumerate(ids):
                if i in seen:
                    problems.append((k, f"duplicate id {i!r}"))
                seen.add(i)
            if problems:
                raise IndexUpdateError(sorted(problems))
            self._commit([{"op": op, "id": i} for i in ids])

    def remove(self, ids: Iterable[str]) -> None:
        """Delete ids (all must be live, else nothing happens and IndexUpdateError is raised)."""
        self._mark("remove", ids)

    def disable(self, ids: Iterable[str]) -> None:
        """Hide ids from results without deleting them; :meth:`enable` brings them back."""
        self._mark("disable", ids)

    def enable(self, ids: Iterable[str]) -> None:
        self._mark("enable", ids)

    # --- compaction -------------------------------------------------------------------------

    def _maybe_compact(self) -> None:
        if self.auto_compact_at is not None and self.delta_size >= self.auto_compact_at:
            self.compact(wait=False)

    def compact(self, wait: bool = True) -> threading.Thread | None:
        """Fold the delta into a new snapshot and switch ``CURRENT`` to it. With
        ``wait=False`` this runs in a background thread (returned) while queries and updates go
        on; updates made meanwhile are carried over into the new snapshot's log."""
        if wait:
            self._compact()
            return None
        with self._mutex:
            if self._compaction is not None and self._compaction.is_alive():
                return self._compaction
            self._compaction = threading.Thread(
                target=self._compact_background, daemon=True, name="eucentre-compact"
            )
            self._compaction.start()
            return self._compaction

    def _compact_background(self) -> None:
        try:
            self._compact()
        except BaseException as exc:  # surfaced to the owner via compaction_error
            self.compaction_error = exc

    def _compact(self) -> None:
        with self._compact_mutex:
            with self._write_lock():
                st = self._state
                source, offset = st.snap.path.name, self._log_offset
                dcount = st.count
                base_flags = np.array(st.base_flags)
                dwords, dflags = st.words[:dcount].copy(), st.flags[:dcount].copy()
                dids = st.ids[:dcount]
            snap = st.snap
            keep_base = np.flatnonzero((base_flags & FLAG_REMOVED) == 0)
            keep_delta = np.flatnonzero((dflags & FLAG_REMOVED) == 0)
            words = np.concatenate([snap.hashes[keep_base], dwords[keep_delta]])
            flags = np.concatenate([base_flags[keep_base], dflags[keep_delta]])
            blob1, off1 = take_ids(
                np.asarray(snap.ids_blob), np.asarray(snap.ids_offsets), keep_base
            )
            blob2, off2 = encode_ids([dids[i] for i in keep_delta.tolist()])
            blob = np.concatenate([blob1, blob2])
            offsets = np.concatenate([off1, off2[1:] + off1[-1]])
            tmp = self.path / f".compact-{os.getpid()}-{threading.get_ident()}"
            shutil.rmtree(tmp, ignore_errors=True)
            write_snapshot(tmp, snap.signal, (blob, offsets), words, flags)
            with self._write_lock():
                if self.snapshot_name != source:
                    shutil.rmtree(tmp, ignore_errors=True)  # another process compacted first
                    return
                with open(snap.path / DELTA_LOG, "rb") as fh:
                    fh.seek(offset)
                    tail = fh.read()
                with open(tmp / DELTA_LOG, "wb") as fh:
                    make_private(fh.fileno())
                    fh.write(tail)
                    fh.flush()
                    os.fsync(fh.fileno())
                name = next_snapshot_name(self.path)
                os.rename(tmp, self.path / name)
                point_current(self.path, name)
                self._open_current()
                prune_snapshots(self.path, keep=[name, source])

    def wait_for_compaction(self) -> None:
        t = self._compaction
        if t is not None:
            t.join()
        if self.compaction_error is not None:
            raise self.compaction_error


def _id_problems(ids: Sequence[str], existing) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for k, ident in enumerate(ids):
        err = id_error(ident) if isinstance(ident, str) else "id must be a string"
        if err:
            problems.append((k, err))
        elif ident in seen:
            problems.append((k, f"duplicate id {ident!r}"))
        elif ident in existing:
            problems.append((k, f"id {ident!r} already in the index"))
        seen.add(ident)
    return problems


__all__ = ["HashIndex", "IndexUpdateError", "Match", "hex_error"]
