"""Indicator decisions: creation, four-eyes verification, disputes, the benign guard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.indicators import guard, repository
from eucentre.indicators.values import InvalidValue, normalise
from eucentre.models import Indicator, IndicatorEvent, IndicatorSource, IndicatorStatus
from eucentre.rules.indicator_status import (
    Action,
    Facts,
    Status,
    TransitionRefused,
    distributed,
    next_status,
)
from eucentre.signals import Hashed, Lookup, registry

SOURCE_KINDS = ("assessment", "authority", "import", "analyst", "demo")


def default_lists(signal: str) -> list[str]:
    signal_type = registry.get(signal)
    return [signal_type.default_list if signal_type else "known_material"]


def _rates_quality(signal: str) -> bool:
    signal_type = registry.get(signal)
    return signal_type is not None and signal_type.min_quality is not None


def media_candidates(found: Mapping[str, Hashed]) -> list[tuple[str, str, int | None]]:
    """(signal, value, quality) of the candidates a file's hashes become: those of the signal
    types marked `candidate_from_media`, provided the file has a quality-rated hash (an
    image's PDQ) good enough to be an indicator. None otherwise (a video, a flat image)."""
    known = {s: registry[s] for s in found if s in registry}
    rated = [(known[s], h) for s, h in found.items() if s in known and known[s].min_quality]
    if not rated or any((h.quality or 0) < (t.min_quality or 0) for t, h in rated):
        return []
    return [
        (s, h.value, h.quality if known[s].min_quality is not None else None)
        for s, h in found.items()
        if s in known and known[s].candidate_from_media
    ]


@dataclass(frozen=True)
class NewCandidate:
    signal: str
    value: str
    labels: tuple[str, ...] = ()
    quality: int | None = None
    blob_id: str | None = None


def create(
    session: Session,
    *,
    actor: str,
    candidate: NewCandidate,
    source_kind: str,
    source_name: str,
    source_reference: str = "",
    lists: Iterable[str] | None = None,
) -> tuple[Indicator, bool]:
    """A new candidate, or the existing indicator with the same value (created=False): adding
    the same value twice changes nothing."""
    try:
        value = normalise(candidate.signal, candidate.value)
    except InvalidValue as bad:
        raise errors.UnprocessableEntity(str(bad), code="invalid_value") from bad
    signal_type = registry.get(candidate.signal)
    floor = signal_type.min_quality if signal_type else None
    if floor is not None and candidate.quality is not None and candidate.quality < floor:
        label = signal_type.label if signal_type else candidate.signal
        raise errors.UnprocessableEntity(
            f"{label} quality {candidate.quality} is under {floor}: too little detail to be "
            "an indicator",
            code="low_quality",
        )
    if source_kind not in SOURCE_KINDS:
        raise errors.UnprocessableEntity(
            f"unknown source kind {source_kind!r}", code="invalid_source"
        )
    existing = repository.by_value(session, candidate.signal, value)
    if existing is not None:
        _add_source(session, existing, source_kind, source_name, source_reference, actor)
        return existing, False
    wanted = list(lists or default_lists(candidate.signal))
    found = repository.lists_named(session, wanted)
    if len(found) != len(set(wanted)):
        missing = sorted(set(wanted) - {item.name for item in found})
        raise errors.UnprocessableEntity(
            f"unknown list(s): {', '.join(missing)}", code="unknown_list"
        )
    indicator = Indicator(
        signal=candidate.signal,
        value=value,
        value_digest=repository.value_digest(value),
        status=IndicatorStatus.candidate,
        labels=sorted(set(candidate.labels)),
        quality=candidate.quality,
        source_blob_id=candidate.blob_id,
    )
    indicator.lists = found
    session.add(indicator)
    session.flush()
    session.add(
        IndicatorSource(
            indicator_id=indicator.id,
            kind=source_kind,
            name=source_name[:200],
            reference=source_reference[:200],
            actor=actor,
        )
    )
    _event(session, indicator, actor=actor, kind="created", details={"source": source_kind})
    hit = guard.hits(session, indicator.signal, indicator.value)
    if hit:
        _event(session, indicator, actor="system", kind="guard_hit", reason="; ".join(hit))
    return indicator, True


def _add_source(
    session: Session, indicator: Indicator, kind: str, name: str, reference: str, actor: str
) -> None:
    """A value that arrives again from another source keeps that source in its provenance
    (the detection bundles count independent sources); the same source twice is one."""
    known = {(source.kind, source.name) for source in repository.sources(session, indicator.id)}
    if (kind, name[:200]) in known:
        return
    session.add(
        IndicatorSource(
            indicator_id=indicator.id,
            kind=kind,
            name=name[:200],
            reference=reference[:200],
            actor=actor,
        )
    )
    _event(session, indicator, actor=actor, kind="source_added", details={"source": kind})


def _event(
    session: Session,
    indicator: Indicator,
    *,
    actor: str,
    kind: str,
    reason: str = "",
    details: dict | None = None,
) -> None:
    session.add(
        IndicatorEvent(
            indicator_id=indicator.id, actor=actor, kind=kind, reason=reason, details=details or {}
        )
    )
    session.flush()


def _get(session: Session, indicator_id: int) -> Indicator:
    indicator = repository.get(session, indicator_id)
    if indicator is None:
        raise errors.NotFound(f"no indicator {indicator_id}", code="unknown_indicator")
    return indicator


EVENT_FOR = {
    Action.confirm: "confirmed",
    Action.reject: "rejected",
    Action.dispute: "disputed",
    Action.reinstate: "reinstated",
    Action.retire: "retired",
}


def decide(
    session: Session, *, actor: str, indicator_id: int, action: Action, reason: str = ""
) -> Indicator:
    """Apply an analyst's (or the system's) action; the change feed and the audit log follow."""
    indicator = _get(session, indicator_id)
    before = Status(indicator.status)
    facts = Facts(
        status=before,
        confirmed_by=repository.confirmers(session, indicator.id),
        guard_hits=tuple(guard.hits(session, indicator.signal, indicator.value)),
        quality=indicator.quality if _rates_quality(indicator.signal) else None,
    )
    try:
        after = next_status(facts, action, actor=actor, reason=reason)
    except TransitionRefused as refused:
        raise errors.Conflict(str(refused), code=refused.code) from refused
    # Lock order: the audit head before the change-feed head, in every transaction, so
    # concurrent decisions queue instead of deadlocking.
    audit.record(
        session,
        actor=actor,
        action=f"indicator.{EVENT_FOR[action]}",
        object_type="indicator",
        object_id=indicator.id,
        details={"from": before.value, "to": after.value},
    )
    _event(session, indicator, actor=actor, kind=EVENT_FOR[action], reason=reason.strip()[:2000])
    if after is not before:
        indicator.status = IndicatorStatus(after.value)
        if after is Status.verified and action is Action.confirm:
            _event(
                session,
                indicator,
                actor="system",
                kind="verified",
                reason="confirmed by two different analysts",
            )
        if distributed(after) != distributed(before):
            repository.append_change(session, indicator, "add" if distributed(after) else "remove")
    session.flush()
    return indicator


def verify_trusted(session: Session, *, actor: str, indicator: Indicator, source: str) -> bool:
    """Verify at once on a trusted source's word, recorded as the reason. The guard still
    applies: a benign-corpus hit keeps the indicator a candidate. True if verified."""
    if indicator.status != IndicatorStatus.candidate or guard.hits(
        session, indicator.signal, indicator.value
    ):
        return False
    indicator.status = IndicatorStatus.verified
    _event(session, indicator, actor=actor, kind="verified", reason=f"trusted source: {source}")
    repository.append_change(session, indicator, "add")
    return True


def dispute_for(session: Session, *, indicator_id: int, actor: str, reason: str) -> bool:
    """The system's dispute (a complaint upheld, an authority's 'not abuse', a benign hit):
    takes a verified indicator out of distribution at once. False if it was not verified."""
    indicator = _get(session, indicator_id)
    if indicator.status != IndicatorStatus.verified:
        return False
    decide(session, actor=actor, indicator_id=indicator_id, action=Action.dispute, reason=reason)
    return True


def add_benign(session: Session, *, actor: str, signal: str, value: str, label: str) -> list[int]:
    """Add a benign hash and dispute every verified indicator it now catches; their ids."""
    try:
        value = normalise(signal, value)
    except InvalidValue as bad:
        raise errors.UnprocessableEntity(str(bad), code="invalid_value") from bad
    if guard.add(session, signal=signal, value=value, label=label) is None:
        return []
    caught = [indicator.id for indicator in _verified_caught_by(session, signal, value)]
    for indicator_id in caught:
        dispute_for(
            session,
            indicator_id=indicator_id,
            actor=actor,
            reason=f"benign-corpus hit: {label or value[:16]}",
        )
    return caught


def _verified_caught_by(session: Session, signal: str, benign_value: str) -> list[Indicator]:
    signal_type = registry.get(signal)
    if signal_type is None or signal_type.lookup is not Lookup.hamming:
        found = repository.by_value(session, signal, benign_value)
        return [found] if found is not None and found.status == IndicatorStatus.verified else []
    caught: list[Indicator] = []
    batch: list[Indicator] = []
    limit = signal_type.default_threshold

    def flush() -> None:
        words = guard.hamming_words([i.value for i in batch])
        distances = guard.hamming_distances(benign_value, words)
        caught.extend(i for i, d in zip(batch, distances, strict=True) if d <= limit)
        batch.clear()

    for indicator in repository.iter_verified(session, signal):
        batch.append(indicator)
        if len(batch) == 5000:
            flush()
    flush()
    return caught


def clear_review(session: Session, *, actor: str, indicator_id: int, reason: str) -> Indicator:
    indicator = _get(session, indicator_id)
    if not reason.strip():
        raise errors.UnprocessableEntity("a reason is required", code="reason_required")
    indicator.needs_review = False
    _event(session, indicator, actor=actor, kind="review_cleared", reason=reason.strip()[:2000])
    audit.record(
        session,
        actor=actor,
        action="indicator.review_cleared",
        object_type="indicator",
        object_id=indicator.id,
    )
    return indicator
