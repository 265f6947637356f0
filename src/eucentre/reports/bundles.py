"""Placing a report in a bundle: the same content within the window joins the bundle."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from eucentre.indicators.guard import pdq_distances, pdq_words
from eucentre.kit.time import as_utc
from eucentre.models import Bundle, Report, ReportItem
from eucentre.reports import repository
from eucentre.rules import bundling

# An arbitrary, fixed advisory-lock number for bundling decisions.
BUNDLING_LOCK_KEY = 0x6275_6E64


def _content(items: list[ReportItem]) -> bundling.ContentHashes:
    pairs = []
    for item in items:
        for signal in ("sha256", "md5", "pdq"):
            value = getattr(item, signal)
            if value:
                pairs.append((signal, value))
    return bundling.ContentHashes.of(pairs)


def _candidates(session: Session, report: Report, content: bundling.ContentHashes) -> list[Bundle]:
    """Open bundles that could hold this content: those sharing an exact hash (found by the
    database) and those whose representative PDQ is near (a vectorised scan of open bundles)."""
    since = as_utc(report.received_at) - bundling.BUNDLE_WINDOW
    exact = set()
    for signal in ("sha256", "md5"):
        values = list(getattr(content, signal))
        if values:
            exact |= set(
                session.scalars(
                    select(Report.bundle_id)
                    .join(ReportItem, ReportItem.report_id == Report.id)
                    .where(getattr(ReportItem, signal).in_(values), Report.bundle_id.is_not(None))
                )
            )
    open_bundles = repository.open_bundles(session, since=since)
    with_pdq = [(b.id, b.pdq) for b in open_bundles if b.pdq]
    words = pdq_words([pdq for _, pdq in with_pdq])
    near = set()
    for value in content.pdq:
        distances = pdq_distances(value, words)
        near |= {
            bundle_id
            for (bundle_id, _), d in zip(with_pdq, distances, strict=True)
            if d <= bundling.PDQ_BUNDLE_DISTANCE
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
    content = _content(items)
    chosen = None
    if content:
        candidates = [
            bundling.Bundle(
                id=str(b.id),
                opened_at=as_utc(b.first_report_at),
                hashes=bundling.ContentHashes.of(
                    (signal, value)
                    for row in repository.bundle_content(session, b.id)
                    for signal, value in zip(("sha256", "md5", "pdq"), row, strict=True)
                    if value
                ),
            )
            for b in _candidates(session, report, content)
        ]
        chosen = bundling.choose_bundle(
            candidates=candidates, hashes=content, received_at=as_utc(report.received_at)
        )
    if chosen is not None:
        bundle = session.get(Bundle, int(chosen[0].id))
        assert bundle is not None
        bundle.report_count += 1
    else:
        bundle = Bundle(
            exact_key=bundling.exact_key(content) if content else None,
            pdq=min(content.pdq) if content.pdq else None,
            first_report_at=report.received_at,
            report_count=1,
        )
        session.add(bundle)
        session.flush()
    report.bundle_id = bundle.id
    return bundle
