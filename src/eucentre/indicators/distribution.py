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
from eucentre.media.video import VPDQ_DISTANCE_THRESHOLD, vpdq_compare
from eucentre.models import Indicator, IndicatorMatch

# ThreatExchange names for our signals, for the ThreatExchange-style CSV.
THREATEXCHANGE_TYPES = {
    "pdq": "HASH_PDQ",
    "md5": "HASH_MD5",
    "sha256": "HASH_SHA256",
    "url": "URI",
    "vpdq": "HASH_VIDEO_MD5_VPDQ",
}


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
    max_distance: int,
    organisation_id: int | None,
    context: str = "lookup",
) -> list[list[LookupMatch]]:
    """Per query, the verified indicators it matches. Each match is recorded (as a hash of the
    queried value) so overbroad indicators and error rates can be counted."""
    results: list[list[Hit]] = [[] for _ in queries]
    pdq_positions = [i for i, q in enumerate(queries) if q.signal == "pdq"]
    if pdq_positions:
        found = index.search_pdq(session, [queries[i] for i in pdq_positions], max_distance)
        for position, hits in zip(pdq_positions, found, strict=True):
            results[position] = hits
    for signal in ("md5", "sha256", "url"):
        positions = [i for i, q in enumerate(queries) if q.signal == signal]
        if not positions:
            continue
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
    _match_videos(session, index, queries, results)
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


def _match_videos(
    session: Session, index: LookupIndex, queries: Sequence[Query], results: list[list[Hit]]
) -> None:
    """vPDQ queries against verified vPDQ indicators by the vPDQ rule (enough of the frames of
    each video within PDQ distance of the other's). The index of indicator frames narrows each
    query to the indicators sharing at least one frame with it; only those are compared whole.
    The distance reported is the share of frames, in percent, left unmatched on the weaker side
    (0: every frame matches)."""
    positions = [i for i, q in enumerate(queries) if q.signal == "vpdq"]
    if not positions:
        return
    videos = [queries[i].value.split(",") for i in positions]
    candidates = index.vpdq_candidates(session, videos, VPDQ_DISTANCE_THRESHOLD)
    stored = repository.indicators_by_ids(session, set().union(*candidates))
    for position, frames, found in zip(positions, videos, candidates, strict=True):
        for indicator_id in sorted(found):
            verdict = vpdq_compare(frames, stored[indicator_id].value.split(","))
            if verdict.is_match:
                unmatched = 1 - min(verdict.query_match, verdict.compared_match)
                results[position].append(Hit(indicator_id, round(100 * unmatched), "vpdq"))


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
                THREATEXCHANGE_TYPES[indicator.signal],
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
