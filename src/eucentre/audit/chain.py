"""The chain's arithmetic, free of the database: how an entry is hashed and how a run of entries
is checked."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eucentre.kit.time import as_utc

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Link:
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    details: dict[str, Any],
) -> str:
    # Canonical JSON, times in UTC to the microsecond: the same entry hashes the same on
    # SQLite (naive times) and PostgreSQL (zoned times).
    body = json.dumps(
        {
            "seq": seq,
            "at": as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "details": details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def find_problems(
    links: Iterable[Link], *, head_seq: int | None, head_hash: str | None
) -> list[ChainProblem]:
    """Every place where the chain is not what appending alone could have produced."""
    problems: list[ChainProblem] = []
    expected_seq, expected_prev = 1, GENESIS_HASH
    for link in links:
        if link.seq != expected_seq:
            problems.append(
                ChainProblem(link.seq, f"expected entry {expected_seq}: missing or reordered")
            )
        if link.prev_hash != expected_prev:
            problems.append(ChainProblem(link.seq, "does not follow the entry before it"))
        recomputed = entry_hash(
            prev_hash=link.prev_hash,
            seq=link.seq,
            at=link.at,
            actor=link.actor,
            action=link.action,
            object_type=link.object_type,
            object_id=link.object_id,
            details=link.details,
        )
        if recomputed != link.entry_hash:
            problems.append(ChainProblem(link.seq, "content changed after it was written"))
        expected_seq, expected_prev = link.seq + 1, link.entry_hash
    last_seq = expected_seq - 1
    if head_seq is not None and (head_seq != last_seq or head_hash != expected_prev):
        problems.append(
            ChainProblem(head_seq, f"the chain ends at entry {last_seq}, its head says {head_seq}")
        )
    return problems
