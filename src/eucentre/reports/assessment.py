"""Automated assessment of a report, driven by its status so it can be re-run after a crash.

Three steps, each idempotent:
1. received -> assessing (one transaction);
2. hash each file not yet hashed (outside any transaction; each result stored in its own);
3. match, bundle, triage, route and, for referable reports, refer (one transaction: a crash
   leaves the report `assessing` with nothing half-written, and the sweeper runs it again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from eucentre.audit import service as audit
from eucentre.auth import repository as org_repository
from eucentre.db import transaction
from eucentre.indicators import distribution
from eucentre.indicators import repository as indicator_repository
from eucentre.indicators.guard import pdq_distances, pdq_words
from eucentre.indicators.lookup import LookupIndex, Query
from eucentre.indicators.schemas import VARIANT_ALIASES
from eucentre.kit.blobstore import BlobStore
from eucentre.media.errors import MediaError
from eucentre.media.hashing import hash_bytes
from eucentre.models import Indicator, IndicatorStatus, Report, ReportItem, ReportMatch
from eucentre.referrals import service as referrals
from eucentre.reports import bundles, repository
from eucentre.reports.intake import payload_of, set_status, timeline
from eucentre.reports.ip_ranges import IpRangeTable
from eucentre.rules import jurisdiction, triage
from eucentre.rules.report_status import Event, Status, event_for_triage

log = logging.getLogger(__name__)
SYSTEM = "system"
PDQ_THRESHOLD = 31


@dataclass(frozen=True)
class AssessmentContext:
    session_factory: sessionmaker[Session]
    index: LookupIndex
    blobs: BlobStore
    ip_table: IpRangeTable
    secret: bytes


def assess(ctx: AssessmentContext, report_id: int) -> str | None:
    """Run (or resume) the assessment; the report's final status, or None if nothing to do."""
    with transaction(ctx.session_factory) as session:
        report = repository.get(session, report_id)
        if report is None or report.status not in (Status.received, Status.assessing):
            return None
        if report.status == Status.received:
            set_status(session, report, Event.start_assessment, actor=SYSTEM)
        pending = [
            (item.id, item.blob_id)
            for item in repository.items(session, report_id)
            if item.kind == "file" and not item.hashed
        ]
    for item_id, blob_id in pending:
        _hash_item(ctx, item_id, blob_id)
    ctx.index.prepare(ctx.session_factory)
    with transaction(ctx.session_factory) as session:
        report = repository.get(session, report_id)
        if report is None or report.status != Status.assessing:
            return None
        _decide(ctx, session, report)
        return report.status


def _hash_item(ctx: AssessmentContext, item_id: int, blob_id: str | None) -> None:
    record, failure = None, None
    try:
        record = hash_bytes(ctx.blobs.get(blob_id or ""))
    except MediaError as bad:
        failure = bad.code
    except KeyError:
        failure = "blob_missing"
    with transaction(ctx.session_factory) as session:
        item = session.get(ReportItem, item_id)
        if item is None or item.hashed:
            return
        item.hashed = True
        if failure or record is None:
            item.error_code = failure
            return
        item.media_type = record["media_type"]
        item.md5, item.sha256 = record["md5"], record["sha256"]
        if record["media_type"] == "image":
            item.pdq, item.pdq_quality = record["pdq"], record["pdq_quality"]
            item.pdq_variants = {
                VARIANT_ALIASES.get(k, k): v for k, v in record.get("pdq_dihedral", {}).items()
            }
        else:
            item.vpdq = [
                {"frame": f["frame"], "timestamp": f["timestamp"], "pdq": f["pdq"]}
                for f in record.get("vpdq", [])
            ]


def _queries(item: ReportItem) -> list[tuple[Query, str]]:
    """The lookups an item needs, each with the variant label to report."""
    found: list[tuple[Query, str]] = []
    if item.pdq:
        found.append((Query("pdq", item.pdq, dict(item.pdq_variants or {})), ""))
    for frame in item.vpdq or []:
        found.append((Query("pdq", frame["pdq"]), f"frame:{frame['frame']}"))
    if item.vpdq:
        # The whole video against vPDQ indicators, by the vPDQ rule.
        found.append((Query("vpdq", ",".join(f["pdq"] for f in item.vpdq)), "vpdq"))
    for signal in ("md5", "sha256"):
        value = getattr(item, signal)
        if value:
            found.append((Query(signal, value), ""))
    return found


def _match(
    ctx: AssessmentContext, session: Session, report: Report, items: list[ReportItem]
) -> list[ReportMatch]:
    """Verified matches through the lookup index; disputed ones too (triage must know that a
    report only matched disputed indicators)."""
    repository.forget_matches(session, report.id)
    disputed = _Disputed.load(session)
    recorded: dict[tuple[int, int], ReportMatch] = {}

    def keep(item: ReportItem, indicator, distance: int, variant: str, signal: str) -> None:  # type: ignore[no-untyped-def]
        key = (item.id, indicator.id)
        if key in recorded and recorded[key].distance <= distance:
            return
        recorded[key] = ReportMatch(
            report_id=report.id,
            item_id=item.id,
            indicator_id=indicator.id,
            list_name=indicator.lists[0].name if indicator.lists else "",
            signal=signal,
            indicator_status=indicator.status,
            distance=distance,
            variant=variant[:16] or "original",
        )

    for item in items:
        pairs = _queries(item)
        if not pairs:
            continue
        found = distribution.lookup(
            session,
            index=ctx.index,
            queries=[q for q, _ in pairs],
            max_distance=PDQ_THRESHOLD,
            organisation_id=report.provider_id,
            context="report",
        )
        for (query, label), hits in zip(pairs, found, strict=True):
            for hit in hits:
                keep(item, hit.indicator, hit.distance, label or hit.variant, query.signal)
        for indicator, distance, signal in disputed.hits(pairs):
            keep(item, indicator, distance, "original", signal)
    for match in recorded.values():
        session.add(match)
    session.flush()
    return list(recorded.values())


@dataclass(frozen=True)
class _Disputed:
    """Disputed indicators, loaded once per assessment (they leave the lookup index at once)."""

    pdq: list[Indicator]
    words: np.ndarray
    exact: dict[tuple[str, str], Indicator]

    @classmethod
    def load(cls, session: Session) -> _Disputed:
        rows = indicator_repository.queue(session, status=IndicatorStatus.disputed, limit=100_000)
        pdq = [i for i in rows if i.signal == "pdq"]
        exact = {(i.signal, i.value): i for i in rows if i.signal in ("md5", "sha256")}
        return cls(pdq=pdq, words=pdq_words([i.value for i in pdq]), exact=exact)

    def hits(self, pairs: list[tuple[Query, str]]) -> Iterator[tuple[Indicator, int, str]]:
        for query, _ in pairs:
            if query.signal == "pdq":
                distances = pdq_distances(query.value, self.words)
                for indicator, distance in zip(self.pdq, distances, strict=True):
                    if distance <= PDQ_THRESHOLD:
                        yield indicator, int(distance), "pdq"
            elif (query.signal, query.value) in self.exact:
                yield self.exact[(query.signal, query.value)], 0, query.signal


def _facts(
    report: Report, payload: dict, items: list[ReportItem], matches: list[ReportMatch]
) -> triage.ReportFacts:
    users = payload.get("reported_users", [])
    return triage.ReportFacts(
        incident_type=report.incident_type,  # type: ignore[arg-type]
        urgent=report.urgent,
        file_count=sum(1 for i in items if i.kind == "file"),
        hash_count=sum(1 for i in items if i.kind == "hash"),
        url_count=len(payload.get("urls", [])),
        has_description=bool(payload.get("description", "").strip()),
        matches=tuple(
            triage.MatchFact(m.indicator_status, m.list_name, m.distance) for m in matches
        ),
        has_location_data=any(u.get("ip_events") or u.get("country") for u in users),
        has_user_identifiers=any(u.get("identifiers") for u in users),
        content_removed=report.content_removed,
    )


def _routing(
    ctx: AssessmentContext, payload: dict, provider_country: str | None
) -> jurisdiction.Routing:
    users = []
    for user in payload.get("reported_users", []):
        events = []
        for event in user.get("ip_events", []):
            events.append(
                jurisdiction.LocatedEvent(
                    event=event["event"],
                    time=datetime.fromisoformat(event["time"]),
                    country=ctx.ip_table.lookup(event["ip"]),
                )
            )
        users.append(
            jurisdiction.UserLocation(declared_country=user.get("country"), ip_events=tuple(events))
        )
    return jurisdiction.route(users=users, provider_country=provider_country)


def _decide(ctx: AssessmentContext, session: Session, report: Report) -> None:
    payload = payload_of(report, secret=ctx.secret)
    items = repository.items(session, report.id)
    matches = _match(ctx, session, report, items)
    bundle = bundles.place(session, report, items)
    decision = triage.triage(facts=_facts(report, payload, items, matches))
    provider = org_repository.organisation(session, report.provider_id)
    routing = _routing(ctx, payload, provider.country if provider else None)
    report.priority = decision.priority
    report.triage_reasons = list(decision.reasons)
    report.routing = {
        "member_states": list(routing.member_states),
        "europol": routing.europol,
        "reasons": list(routing.reasons),
    }
    timeline(
        session,
        report,
        actor=SYSTEM,
        kind="assessed",
        message=" ".join(decision.reasons),
        details={
            "outcome": decision.outcome,
            "matches": len(matches),
            "bundle": bundle.id,
            "bundle_size": bundle.report_count,
        },
    )
    set_status(session, report, event_for_triage(decision.outcome), actor=SYSTEM)
    if decision.outcome == "unfounded":
        timeline(
            session,
            report,
            actor=SYSTEM,
            kind="unfounded",
            for_provider=True,
            message="The report is manifestly unfounded: " + " ".join(decision.reasons),
        )
    elif decision.outcome == "refer":
        referrals.refer(session, report=report, member_states=routing.member_states, actor=SYSTEM)
    audit.record(
        session,
        actor=SYSTEM,
        action="report.assessed",
        object_type="report",
        object_id=report.id,
        details={"outcome": decision.outcome, "matches": len(matches)},
    )
