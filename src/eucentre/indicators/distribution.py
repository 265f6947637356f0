"""What providers get: lookups, the change feed and full exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from eucentre.db import transaction
from eucentre.indicators import repository
from eucentre.indicators.lookup import Hit, LookupIndex, Query
from eucentre.kit.crypto import sha256_hex
from eucentre.kit.time import as_utc
from eucentre.models import Indicator, IndicatorMatch
from eucentre.signals import Lookup, SignalType, registry


@dataclass(frozen=True)
class LookupMatch:
    indicator: Indicator
    distance: int
    variant: str


def lookup(
    session: Session,
    *,
    index: LookupIndex,
    queries: Sequence[Query],
    max_distance: int | None,
    organisation_id: int | None,
    context: str = "lookup",
) -> list[list[LookupMatch]]:
    """Per query, the verified indicators it matches, found by the lookup its signal type
    declares. `max_distance` bounds the Hamming-indexed signals (None: each signal type's
    default threshold). Each match is recorded (as a hash of the queried value) so overbroad
    indicators and error rates can be counted."""
    results: list[list[Hit]] = [[] for _ in queries]
    for signal_type in registry:
        positions = [i for i, q in enumerate(queries) if q.signal == signal_type.name]
        if not positions:
            continue
        if signal_type.lookup is Lookup.hamming:
            limit = signal_type.default_threshold if max_distance is None else max_distance
            found = index.search(session, signal_type.name, [queries[i] for i in positions], limit)
            for position, hits in zip(positions, found, strict=True):
                results[position] = hits
        elif signal_type.lookup is Lookup.frames:
            _match_videos(session, index, signal_type, queries, positions, results)
        else:
            _match_exact(session, signal_type.name, queries, positions, results)
    indicators = repository.indicators_by_ids(
        session, (h.indicator_id for hits in results for h in hits)
    )
    answer: list[list[LookupMatch]] = []
    for query, hits in zip(queries, results, strict=True):
        item_key = sha256_hex(f"{query.signal}:{query.value}")
        matches = []
        for hit in hits:
            matches.append(LookupMatch(indicators[hit.indicator_id], hit.distance, hit.variant))
            session.add(
                IndicatorMatch(
                    indicator_id=hit.indicator_id,
                    item_key=item_key,
                    organisation_id=organisation_id,
                    distance=hit.distance,
                    variant=hit.variant[:16],
                    context=context,
                )
            )
        answer.append(matches)
    session.flush()
    return answer


def _match_exact(
    session: Session,
    signal: str,
    queries: Sequence[Query],
    positions: list[int],
    results: list[list[Hit]],
) -> None:
    by_value = {
        ind.value: ind.id
        for ind in repository.verified_by_values(
            session, signal, [queries[i].value for i in positions]
        )
    }
    for position in positions:
        indicator_id = by_value.get(queries[position].value)
        if indicator_id is not None:
            results[position] = [Hit(indicator_id, 0, "original")]


def _match_videos(
    session: Session,
    index: LookupIndex,
    signal_type: SignalType,
    queries: Sequence[Query],
    positions: list[int],
    results: list[list[Hit]],
) -> None:
    """Videos against verified indicators of the signal by its rule (for vPDQ, enough of the
    frames of each video within PDQ distance of the other's). The index of indicator frames
    narrows each query to the indicators sharing at least one frame with it; only those are
    compared whole, and the signal type says what distance to report."""
    assert signal_type.match_distance is not None
    videos = [queries[i].value.split(",") for i in positions]
    candidates = index.frame_candidates(
        session, signal_type.name, videos, signal_type.frame_threshold
    )
    stored = repository.indicators_by_ids(session, set().union(*candidates))
    for position, found in zip(positions, candidates, strict=True):
        for indicator_id in sorted(found):
            theirs = stored[indicator_id].value
            distance = signal_type.match_distance(queries[position].value, theirs)
            if distance is not None:
                results[position].append(Hit(indicator_id, distance, signal_type.name))


def export_rows(factory: sessionmaker[Session], signal: str) -> Iterator[Indicator]:
    """Every verified indicator of a signal, read in batches in its own transaction (a stream
    outlives the request's session)."""
    with transaction(factory) as session:
        yield from repository.iter_verified(session, signal)


def export_csv(factory: sessionmaker[Session], signal: str) -> Iterator[str]:
    """ThreatExchange-style CSV: id, type, indicator, tags, last_updated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "type", "indicator", "tags", "last_updated"])
    for count, indicator in enumerate(export_rows(factory, signal), start=1):
        tags = sorted({*indicator.labels, *(item.name for item in indicator.lists)})
        writer.writerow(
            [
                indicator.id,
                registry[indicator.signal].export_type,
                indicator.value,
                " ".join(tags),
                as_utc(indicator.updated_at).isoformat(),
            ]
        )
        if count % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_jsonl(factory: sessionmaker[Session], signal: str) -> Iterator[str]:
    for indicator in export_rows(factory, signal):
        yield (
            json.dumps(
                {
                    "id": indicator.id,
                    "signal": indicator.signal,
                    "value": indicator.value,
                    "labels": indicator.labels,
                    "lists": [item.name for item in indicator.lists],
                    "updated_at": as_utc(indicator.updated_at).isoformat(),
                }
            )
            + "\n"
        )
