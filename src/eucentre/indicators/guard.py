"""The benign-corpus guard: no indicator that matches known-benign media can be verified."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from eucentre.indicators import repository
from eucentre.models import BenignHash
from eucentre.signals import Lookup, registry


def hamming_words(hexes: list[str]) -> np.ndarray:
    """(n, 4) uint64 words of 64-hex (256-bit) hashes such as PDQ."""
    if not hexes:
        return np.zeros((0, 4), dtype=np.uint64)
    raw = np.frombuffer(bytes.fromhex("".join(hexes)), dtype=">u8").reshape(-1, 4)
    return raw.astype(np.uint64)


def hamming_distances(query: str, stored: np.ndarray) -> np.ndarray:
    if stored.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.bitwise_count(stored ^ hamming_words([query])).sum(axis=1)


def hits(session: Session, signal: str, value: str) -> list[str]:
    """Labels of the benign media this value matches (within the signal type's default
    threshold). The guard covers hashes of single media files, not URLs or whole videos."""
    signal_type = registry.get(signal)
    if signal_type is None or not signal_type.guarded:
        return []
    if signal_type.lookup is Lookup.hamming:
        rows = repository.benign(session, signal)
        distances = hamming_distances(value, hamming_words([row.value for row in rows]))
        return [
            f"{rows[i].label or 'benign #' + str(rows[i].id)} at distance {int(d)}"
            for i, d in enumerate(distances)
            if d <= signal_type.default_threshold
        ]
    if repository.benign_exists(session, signal, value):
        return [f"benign {signal} match"]
    return []


def add(session: Session, *, signal: str, value: str, label: str) -> BenignHash | None:
    """Add one benign hash; None when it was already there."""
    if repository.benign_exists(session, signal, value):
        return None
    row = BenignHash(signal=signal, value=value, label=label[:200])
    session.add(row)
    session.flush()
    return row
