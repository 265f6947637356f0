"""The Centre's side of a detection test: indicators with two independent sources, verified,
and a published bundle."""

from __future__ import annotations

from typing import Any

from eucentre.detection import service as detection
from eucentre.indicators import service
from eucentre.indicators.service import NewCandidate
from eucentre.media.hashing import hash_bytes

SOURCES = ("Hotline A", "Hotline B")


def twice_sourced(session: Any, signal: str, value: str, sources=SOURCES, quality=90):
    """An indicator imported from each of `sources`, then verified on their word."""
    indicator = None
    for name in sources:
        indicator, _ = service.create(
            session,
            actor="test",
            candidate=NewCandidate(signal, value, quality=quality if signal == "pdq" else None),
            source_kind="import",
            source_name=name,
        )
    assert indicator is not None
    service.verify_trusted(session, actor="test", indicator=indicator, source=sources[0])
    return indicator


def list_image(session: Any, data: bytes, signals=("pdq",)) -> dict:
    record = hash_bytes(data)
    for signal in signals:
        twice_sourced(session, signal, record[signal], quality=record["pdq_quality"])
    return record


def publish(session: Any, settings: Any, blobs: Any, **options: Any):
    return detection.publish(session, secret=settings.secret, blobs=blobs, actor="test", **options)
