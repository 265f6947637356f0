"""Placing a report in a bundle: the same content within the window joins the bundle."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from eucentre.indicators.guard import hamming_distances, hamming_words
from eucentre.kit.crypto import sha256_hex
from eucentre.kit.time import as_utc
from eucentre.models import Bundle, Report, ReportItem, ReportItemHash
from eucentre.reports import repository
from eucentre.rules import bundling
from eucentre.signals import registry

# An arbitrary, fixed advisory-lock number for bundling decisions.
BUNDLING_LOCK_KEY = 0x6275_6E64


def bundling_signals() -> list[bundling.BundlingSignal]:
    """The signal types that bundle reports, strongest evidence first."""
    return [
        bundling.BundlingSignal(s.name, s.label, s.bundle_threshold or 0)
        for s in registry.bundling()
    ]


def _representative(signals: list[bundling.BundlingSignal]) -> bundling.BundlingSignal | None:
    """The near-duplicate signal whose smallest value a bundle keeps (`Bundle.pdq`), so that
    open bundles can be scanned for near content without reading their reports."""
    return next((s for s in signals if not s.exact), None)


def _content(items: list[ReportItem], names: set[str]) -> bundling.ContentHashes:
    return bundling.ContentHashes.of(
        (h.signal, h.value) for item in items for h in item.hashes if h.signal in names
    )


def _candidates(
    session: Session,
    report: Report,
    content: bundling.ContentHashes,
    signals: list[bundling.BundlingSignal],
) -> list[Bundle]:
    """Open bundles that could hold this content: those sharing an exact hash (found by the
    database) and those whose representative near-duplicate hash is near (a vectorised scan of
    open bundles)."""
    since = as_utc(report.received_at) - bundling.BUNDLE_WINDOW
    exact = set()
    for signal in signals:
        values = sorted(content[signal.name])
        if signal.exact and values:
            exact |= set(
                session.scalars(
                    select(Report.bundle_id)
                    .join(ReportItem, ReportItem.report_id == Report.id)
                    .join(ReportItemHash, ReportItemHash.item_id == ReportItem.id)
                    .where(
                        ReportItemHash.signal == signal.name,
                        ReportItemHash.value_digest.in_([sha256_hex(v) for v in values]),
                        Report.bundle_id.is_not(None),
                    )
                )
            )
    open_bundles = repository.open_bundles(session, since=since)
    near = set()
    representative = _representative(signals)
    if representative is not None:
        with_hash = [(b, b.pdq) for b in open_bundles if b.pdq]
        words = hamming_words([value for _, value in with_hash])
        for value in content[representative.name]:
            distances = hamming_distances(value, words)
            near |= {
                b.id
                for (b, _), d in zip(with_hash, distances, strict=True)
                if d <= representative.threshold
            }
    return [b for b in open_bundles if b.id in exact | near]


def _serialise_bundling(session: Session) -> None:
    """One assessment at a time decides bundles, until its transaction ends: two workers
    assessing copies of the same image at once must not both open a new bundle. PostgreSQL
    needs a lock for that; SQLite's single writer already gives it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": BUNDLING_LOCK_KEY})


def place(session: Session, report: Report, items: list[ReportItem]) -> Bundle:
    _serialise_bundling(session)
    if report.bundle_id is not None:
        bundle = session.get(Bundle, report.bundle_id)
        assert bundle is not None
        return bundle
    signals = bundling_signals()
    names = {s.name for s in signals}
    content = _content(items, names)
    chosen = None
    if content:
        candidates = [
            bundling.Bundle(
                id=str(b.id),
                opened_at=as_utc(b.first_report_at),
                hashes=bundling.ContentHashes.of(
                    repository.bundle_content(session, b.id, signals=names)
                ),
            )
            for b in _candidates(session, report, content, signals)
        ]
        chosen = bundling.choose_bundle(
            candidates=candidates,
            hashes=content,
            received_at=as_utc(report.received_at),
            signals=signals,
        )
    if chosen is not None:
        bundle = session.get(Bundle, int(chosen[0].id))
        assert bundle is not None
        bundle.report_count += 1
    else:
        representative = _representative(signals)
        near = content[representative.name] if representative else frozenset()
        bundle = Bundle(
            exact_key=bundling.exact_key(content, signals) if content else None,
            pdq=min(near) if near else None,
            first_report_at=report.received_at,
            report_count=1,
        )
        session.add(bundle)
        session.flush()
    report.bundle_id = bundle.id
    return bundle
