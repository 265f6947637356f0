"""How long the Centre keeps received files, as pure functions.

A received file (a provider's upload, an authority's referral package built from such uploads,
the media an indicator was made from) is kept for the retention period from the day it was
received, and longer only for a recorded reason:

- a hold an authority asked for (do not inform, do not remove) keeps it until the hold ends;
- an indicator still in use (candidate, verified or disputed) keeps the file it was made from,
  because a complaint or a dispute about that indicator is decided by looking at it again.

Once neither applies the file is deleted. What was learnt from it stays: its hashes, its matches
and the report's timeline. See docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

DEFAULT_RETENTION_DAYS = 365


class Verdict(StrEnum):
    keep = "keep"
    delete = "delete"


@dataclass(frozen=True)
class StoredFile:
    """What decides a stored file's fate: every record that refers to it contributes."""

    received_at: datetime
    holds: tuple[datetime, ...] = ()
    used_by_live_indicator: bool = False

    @classmethod
    def merged(cls, parts: Iterable[StoredFile]) -> StoredFile:
        """One file referred to by several records: the earliest receipt, every hold, any live
        indicator."""
        parts = list(parts)
        if not parts:
            raise ValueError("a stored file needs at least one record referring to it")
        return cls(
            received_at=min(p.received_at for p in parts),
            holds=tuple(h for p in parts for h in p.holds),
            used_by_live_indicator=any(p.used_by_live_indicator for p in parts),
        )


def retention_ends(stored: StoredFile, *, retention: timedelta) -> datetime:
    """When the file may be deleted, holds included (a live indicator has no end date)."""
    return max((stored.received_at + retention, *stored.holds))


def verdict(stored: StoredFile, *, now: datetime, retention: timedelta) -> Verdict:
    if retention <= timedelta(0):
        raise ValueError("the retention period must be positive")
    if stored.used_by_live_indicator or now < retention_ends(stored, retention=retention):
        return Verdict.keep
    return Verdict.delete
