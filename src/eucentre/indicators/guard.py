"""The benign-corpus guard: no indicator that matches known-benign media can be verified."""

from __future__ import annotations

import numpy as np
from sqlalchemy.orm import Session

from eucentre.indicators import repository
from eucentre.media.signals import SIGNAL_TYPES
from eucentre.models import BenignHash


def pdq_words(hexes: list[str]) -> np.ndarray:
    """(n, 4) uint64 words of 64-hex PDQ hashes."""
    if not hexes:
        return np.zeros((0, 4), dtype=np.uint64)
    raw = np.frombuffer(bytes.fromhex("".join(hexes)), dtype=">u8").reshape(-1, 4)
    return raw.astype(np.uint64)


def pdq_distances(query: str, stored: np.ndarray) -> np.ndarray:
    if stored.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    return np.bitwise_count(stored ^ pdq_words([query])).sum(axis=1)


def hits(session: Session, signal: str, value: str) -> list[str]:
    """Labels of the benign media this value matches (PDQ within its default threshold)."""
    if signal == "pdq":
        rows = repository.benign(session, "pdq")
        distances = pdq_distances(value, pdq_words([row.value for row in rows]))
        limit = SIGNAL_TYPES["pdq"].default_threshold
        return [
            f"{rows[i].label or 'benign #' + str(rows[i].id)} at distance {int(d)}"
            for i, d in enumerate(distances)
            if d <= limit
        ]
    if signal in ("md5", "sha256") and repository.benign_exists(session, signal, value):
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
