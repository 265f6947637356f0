"""Automated assessment of a report, driven by its status so it can be re-run after a crash.

Three steps, each idempotent:
1. received -> assessing (one transaction);
2. hash each file not yet hashed (outside any transaction; each result stored in its own);
3. match, bundle, triage, route and, for referable reports, refer (one transaction: a crash
   leaves the report `assessing` with nothing half-written, and the sweeper runs it again).

An assessment holds a lease on its report from step 1 to step 3, renewed while it hashes, so a
second assessment of the same report (the sweeper's, a retry) returns at once; only a lease its
worker stopped renewing (a crash) can be taken over.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from eucentre.audit import service as audit
from eucentre.auth import repository as org_repository
from eucentre.db import transaction
from eucentre.indicators import distribution
from eucentre.indicators import repository as indicator_repository
from eucentre.indicators.guard import hamming_distances, hamming_words
from eucentre.indicators.lookup import LookupIndex, Query
from eucentre.kit.blobstore import BlobStore
from eucentre.kit.time import utcnow
from eucentre.media.errors import MediaError
from eucentre.media.hashing import hash_bytes
from eucentre.models import (
    Indicator,
    IndicatorStatus,
    Report,
    ReportItem,
    ReportItemHash,
    ReportMatch,
)
from eucentre.reports import bundles, findings, referring, repository
from eucentre.reports.intake import payload_of, set_status, timeline
from eucentre.reports.ip_ranges import IpRangeTable
from eucentre.rules import jurisdiction, triage
from eucentre.rules.report_status import Event, Status, event_for_triage
from eucentre.signals import Hashed, Lookup, MediaFile, registry

log = logging.getLogger(__name__)
SYSTEM = "system"


@dataclass(frozen=True)
class AssessmentContext:
    session_factory: sessionmaker[Session]
    index: LookupIndex
    blobs: BlobStore
    ip_table: IpRangeTable
    secret: bytes
    # Short, so a crashed assessment is resumed soon; the heartbeat renews it every third.
    lease: timedelta = timedelta(seconds=60)
    # CPU seconds one assessment may spend hashing a report's files (EUCENTRE_REPORT_CPU_SECONDS).
    cpu_budget: float = 120.0
    # Other domains' findings (reports/findings.py), e.g. a match with a victim's request.
    hooks: tuple[findings.Hook, ...] = ()


OVER_BUDGET = "cpu_budget_exceeded"


UNFINISHED = (Status.received, Status.assessing)


def assess(ctx: AssessmentContext, report_id: int) -> str | None:
    """Run (or resume) the assessment; the report's final status, or None if nothing to do
    (finished, or another worker holds it)."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(6)}"[-80:]
    with transaction(ctx.session_factory) as session:
        now = utcnow()
        if not repository.take_lease(
            session, report_id, owner=owner, until=now + ctx.lease, now=now, statuses=UNFINISHED
        ):
            return None
        report = repository.get(session, report_id)
        if report is None:
            return None
        if report.status == Status.received:
            set_status(session, report, Event.start_assessment, actor=SYSTEM)
        pending = [
            (item.id, item.blob_id)
            for item in repository.items(session, report_id)
            if item.kind == "file" and not item.hashed
        ]
    try:
        with _Heartbeat(ctx, report_id, owner) as heartbeat:
            # Each file is bounded by the media limits; the budget bounds how many such files
            # one report makes a worker hash (this thread's CPU: hashing runs here).
            started = time.thread_time()
            for position, (item_id, blob_id) in enumerate(pending):
                if not heartbeat.renew():
                    log.warning("assessment of report %s lost its lease", report_id)
                    return None
                _hash_item(ctx, item_id, blob_id)
                left = [item for item, _ in pending[position + 1 :]]
                if left and time.thread_time() - started > ctx.cpu_budget:
                    _leave_unassessed(ctx, report_id, left)
                    break
        ctx.index.prepare(ctx.session_factory)
        with transaction(ctx.session_factory) as session:
            # Releasing in the deciding transaction: if another worker took the lease over,
            # it decides, and this one must not decide a second time.
            if not repository.release_lease(session, report_id, owner=owner):
                log.warning("assessment of report %s lost its lease", report_id)
                return None
            report = repository.get(session, report_id)
            if report is None or report.status != Status.assessing:
                return None
            _decide(ctx, session, report)
            return report.status
    except BaseException:
        # A failure (not a crash) lets the task's retry start at once instead of waiting
        # for the lease to run out.
        with transaction(ctx.session_factory) as session:
            repository.release_lease(session, report_id, owner=owner)
        raise


class _Heartbeat:
    """Renews the lease from a thread while files are hashed: one large file can take longer
    than a lease, and a worker that is still hashing must not look crashed."""

    def __init__(self, ctx: AssessmentContext, report_id: int, owner: str) -> None:
        self._ctx, self._report_id, self._owner = ctx, report_id, owner
        self._stop = threading.Event()
        self._lost = False
        self._thread = threading.Thread(
            target=self._beat, name=f"lease-report-{report_id}", daemon=True
        )

    def renew(self) -> bool:
        if self._lost:
            return False
        with transaction(self._ctx.session_factory) as session:
            held = repository.renew_lease(
                session, self._report_id, owner=self._owner, until=utcnow() + self._ctx.lease
            )
        self._lost = not held
        return held

    def _beat(self) -> None:
        while not self._stop.wait(self._ctx.lease.total_seconds() / 3):
            try:
                if not self.renew():
                    return
            except Exception:
                # A missed beat is not fatal: the next one, or the release, will tell.
                log.exception("renewing the lease of report %s failed", self._report_id)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


def _hash_item(ctx: AssessmentContext, item_id: int, blob_id: str | None) -> None:
    record, failure, found = None, None, {}
    try:
        data = ctx.blobs.get(blob_id or "")
    except KeyError:
        data, failure = b"", "blob_missing"
    if failure is None:
        try:
            record = hash_bytes(data)
            # Every registered signal type hashes the file, reading the one decoding pass.
            found = registry.hash_media(MediaFile(data, record))
        except MediaError as bad:
            failure = bad.code
    with transaction(ctx.session_factory) as session:
        item = session.get(ReportItem, item_id)
        if item is None or item.hashed:
            return
        item.hashed = True
        if failure or record is None:
            item.error_code = failure
            return
        item.media_type = record["media_type"]
        item.hashes = [
            ReportItemHash.of(signal, h.value, quality=h.quality, details=h.details)
            for signal, h in found.items()
        ]


def _leave_unassessed(ctx: AssessmentContext, report_id: int, item_ids: list[int]) -> None:
    with transaction(ctx.session_factory) as session:
        left = 0
        for item_id in item_ids:
            item = session.get(ReportItem, item_id)
            if item is not None and not item.hashed:
                item.hashed, item.error_code = True, OVER_BUDGET
                left += 1
        report = repository.get(session, report_id)
        if report is not None:
            timeline(
                session,
                report,
                actor=SYSTEM,
                kind=OVER_BUDGET,
                message=f"{left} file(s) left unassessed: the processing budget was spent",
                details={"files": left, "cpu_seconds": ctx.cpu_budget},
            )
    log.warning("report %s: processing budget spent, %d file(s) left unassessed", report_id, left)


def _queries(item: ReportItem) -> list[tuple[Query, str]]:
    """The lookups an item needs (each signal type says which), with the variant label to
    report. Hashes of a signal type no longer registered are kept but not looked up."""
    found: list[tuple[Query, str]] = []
    for stored in item.hashes:
        signal_type = registry.get(stored.signal)
        if signal_type is None:
            continue
        hashed = Hashed(stored.value, stored.quality, stored.details)
        for spec in signal_type.queries_for(hashed):
            found.append((Query(spec.signal, spec.value, spec.variants), spec.label))
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
            max_distance=None,
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
    """Disputed indicators, loaded once per assessment (they leave the lookup index at once).
    Signals found by a Hamming index are compared by distance, exact ones by value; videos as
    a whole are not (their frames are, as PDQ)."""

    near: dict[str, tuple[list[Indicator], np.ndarray, int]]
    exact: dict[tuple[str, str], Indicator]

    @classmethod
    def load(cls, session: Session) -> _Disputed:
        rows = indicator_repository.queue(session, status=IndicatorStatus.disputed, limit=100_000)
        near = {}
        for signal_type in registry.of_lookup(Lookup.hamming):
            found = [i for i in rows if i.signal == signal_type.name]
            words = hamming_words([i.value for i in found])
            near[signal_type.name] = (found, words, signal_type.default_threshold)
        exact_signals = {s.name for s in registry.of_lookup(Lookup.exact)}
        exact = {(i.signal, i.value): i for i in rows if i.signal in exact_signals}
        return cls(near=near, exact=exact)

    def hits(self, pairs: list[tuple[Query, str]]) -> Iterator[tuple[Indicator, int, str]]:
        for query, _ in pairs:
            if query.signal in self.near:
                found, words, limit = self.near[query.signal]
                distances = hamming_distances(query.value, words)  # type: ignore[arg-type]
                for indicator, distance in zip(found, distances, strict=True):
                    if distance <= limit:
                        yield indicator, int(distance), query.signal
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
        unassessed_file_count=sum(1 for i in items if i.error_code == OVER_BUDGET),
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
    found_by_others = [f for hook in ctx.hooks for f in hook(session, report, items)]
    others = findings.apply(report, found_by_others)
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
        message=" ".join([*decision.reasons, *others]),
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
        referring.refer(session, report=report, member_states=routing.member_states, actor=SYSTEM)
    audit.record(
        session,
        actor=SYSTEM,
        action="report.assessed",
        object_type="report",
        object_id=report.id,
        details={"outcome": decision.outcome, "matches": len(matches)},
    )
