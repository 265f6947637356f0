"""Test helpers for the indicator domain: made through the real services."""

from __future__ import annotations

import random

from eucentre.indicators import service
from eucentre.indicators.service import NewCandidate
from eucentre.rules.indicator_status import Action


def random_pdq(seed: int) -> str:
    return f"{random.Random(seed).getrandbits(256):064x}"


def near(pdq: str, flips: int, seed: int = 0) -> str:
    bits = int(pdq, 16)
    for bit in random.Random(seed).sample(range(256), flips):
        bits ^= 1 << bit
    return f"{bits:064x}"


def candidate(session, value: str, signal: str = "pdq", quality: int | None = 90):
    indicator, _ = service.create(
        session,
        actor="user:analyst-a",
        source_kind="analyst",
        source_name="test",
        candidate=NewCandidate(signal, value, quality=quality if signal == "pdq" else None),
    )
    return indicator


def verified(session, value: str, signal: str = "pdq"):
    indicator = candidate(session, value, signal)
    service.decide(session, actor="user:1001", indicator_id=indicator.id, action=Action.confirm)
    service.decide(session, actor="user:1002", indicator_id=indicator.id, action=Action.confirm)
    return indicator
