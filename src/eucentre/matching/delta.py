"""In-place updates: an append-only log next to each snapshot and its in-memory replay.

Adds, removals, disables and re-enables are appended to ``<snapshot>/delta.log`` (one JSON
object per line) and applied to a :class:`DeltaState` held by every process serving the
snapshot. Added hashes live in a small growable array searched by linear scan; removals and
disables are flag bits consulted at query time. Compaction (``index.py``) folds the delta into
a fresh snapshot.

Readers never lock: they only append-read the log, and a torn last line (a writer mid-append)
is left for the next read. Capacity grows by replacing the buffer *before* publishing the new
count, so a concurrent query that read the count first never indexes past its buffer.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eucentre.kit.private import make_private
from eucentre.matching.snapshot import FLAG_DISABLED, FLAG_REMOVED, Snapshot


def append_records(log: Path, records: list[dict]) -> int:
    """Append ``records`` with one write and fsync; returns the new end offset."""
    data = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records).encode()
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        make_private(fd)
        os.write(fd, data)
        os.fsync(fd)
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def read_records(log: Path, offset: int) -> tuple[list[dict], int]:
    """Complete records after byte ``offset``, and the offset just past the last one."""
    with open(log, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    end = data.rfind(b"\n") + 1
    records = [json.loads(line) for line in data[:end].splitlines() if line]
    return records, offset + end


@dataclass
class DeltaState:
    """Everything changed since the snapshot was written, as seen by this process."""

    snap: Snapshot
    words: np.ndarray
    flags: np.ndarray
    count: int = 0
    ids: list[str] = field(default_factory=list)
    # live delta id -> delta row
    rows: dict[str, int] = field(default_factory=dict)
    # Base-row flags are the snapshot's memmap until the first change, then a private copy.
    base_flags: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    changes: int = 0

    @classmethod
    def empty(cls, snap: Snapshot) -> DeltaState:
        w = snap.hashes.shape[1]
        return cls(
            snap=snap,
            words=np.zeros((64, w), np.uint64),
            flags=np.zeros(64, np.uint8),
            base_flags=snap.flags,
        )

    # --- lookups ----------------------------------------------------------------------------

    def locate(self, ident: str) -> tuple[str, int] | None:
        """("delta", row) or ("base", row) of a live (not removed) id."""
        row = self.rows.get(ident)
        if row is not None:
            return ("delta", row)
        base = self.snap.row_of(ident)
        if base is not None and not self.base_flags[base] & FLAG_REMOVED:
            return ("base", base)
        return None

    def live_count(self) -> int:
        removed = int(np.count_nonzero(self.base_flags & FLAG_REMOVED)) if self.changes else 0
        return self.snap.count - removed + len(self.rows)

    # --- mutation (replay of validated records) ---------------------------------------------

    def _own_base_flags(self) -> np.ndarray:
        if not self.base_flags.flags.writeable:
            self.base_flags = np.array(self.base_flags)
        return self.base_flags

    def apply(self, records: list[dict], words: np.ndarray | None = None) -> None:
        """Apply log records; ``words`` may carry the parsed hashes of the "add" records."""
        from eucentre.matching.codec import hex_to_words

        adds = [r for r in records if r["op"] == "add"]
        if words is None:
            words = hex_to_words([r["hash"] for r in adds], self.snap.signal)
        k = 0
        for rec in records:
            op = rec["op"]
            ident = rec["id"]
            self.changes += 1
            if op == "add":
                self._add(ident, words[k])
                k += 1
                continue
            where = self.locate(ident)
            if where is None:
                continue  # an id removed twice by racing writers: the log is still consistent
            kind, row = where
            flags = self.flags if kind == "delta" else self._own_base_flags()
            if op == "remove":
                flags[row] |= FLAG_REMOVED
                if kind == "delta":
                    del self.rows[ident]
            elif op == "disable":
                flags[row] |= FLAG_DISABLED
            elif op == "enable":
                flags[row] &= ~np.uint8(FLAG_DISABLED)
            else:
                raise ValueError(f"unknown delta op {op!r}")

    def _add(self, ident: str, word_row: np.ndarray) -> None:
        n = self.count
        if n >= self.words.shape[0]:
            words = np.zeros((self.words.shape[0] * 2, self.words.shape[1]), np.uint64)
            words[:n] = self.words[:n]
            flags = np.zeros(words.shape[0], np.uint8)
            flags[:n] = self.flags[:n]
            self.words = words
            self.flags = flags
        self.words[n] = word_row
        self.flags[n] = 0
        self.ids.append(ident)
        self.rows[ident] = n
        self.count = n + 1
