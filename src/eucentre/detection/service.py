"""Publishing bundles: the eligible indicators, blinded under a key derived for the version
from the Centre's secret, stored encrypted, their root recorded in the public history."""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.detection import eligibility, repository
from eucentre.detection.models import DetectionBundle
from eucentre.kit.blobstore import BlobNotFound, BlobStore
from eucentre.kit.crypto import derive_key
from eucentre.kit.time import utcnow
from eucentre.psi import group, keys
from eucentre.psi.bundle import Bundle, build, parse

# Tolerant PDQ (behind a flag): 24 bands of 28 bits, 3 needed (docs/benchmarks.md measures it).
DEFAULT_BANDS = 24
DEFAULT_BAND_BITS = 28
DEFAULT_BANDS_NEEDED = 3


def alpha_for(secret: bytes, version: int) -> bytes:
    """The blinding key of one bundle version: never stored, derived again when needed."""
    seed = hmac.new(
        derive_key(secret, "detection-bundle"), version.to_bytes(8, "big"), hashlib.sha512
    ).digest()
    return group.scalar_from_bytes(seed)


def _openings(values_per_media: list[int]) -> list[list[float]]:
    """How synthetic vouchers should open: like a match of one image, which opens as many
    lookups as its media has values on the list (MD5, SHA-256, PDQ: 1 to 3)."""
    counts = Counter(min(3, max(1, n)) for n in values_per_media)
    total = sum(counts.values())
    if not total:
        return [[1, 0, 1.0]]
    return [[k, 0, round(counts[k] / total, 4)] for k in sorted(counts)]


def publish(
    session: Session,
    *,
    secret: bytes,
    blobs: BlobStore,
    actor: str,
    tolerant: bool = False,
    bands: int = DEFAULT_BANDS,
    band_bits: int = DEFAULT_BAND_BITS,
    bands_needed: int = DEFAULT_BANDS_NEEDED,
) -> DetectionBundle:
    """Build and record the next bundle version from the indicators eligible now."""
    version = repository.next_version(session)
    chosen = [
        c
        for c in repository.verified_candidates(session)
        if eligibility.eligible(c.signal, c.sources)
    ]
    band_spec = keys.Bands.generate(version, bands, band_bits, bands_needed) if tolerant else None
    lookup_keys = [k for c in chosen for k in keys.indicator_keys(c.signal, c.value, band_spec)]
    per_media: dict[str, int] = defaultdict(int)
    for candidate in chosen:
        per_media[candidate.source_blob_id or f"indicator:{candidate.id}"] += 1
    bundle = build(
        version=version,
        alpha=alpha_for(secret, version),
        keys=lookup_keys,
        bands=band_spec,
        openings=_openings(list(per_media.values())),
        created_at=utcnow().isoformat(),
    )
    data = bundle.to_bytes()
    record = DetectionBundle(
        version=version,
        root=bundle.root,
        size=len(data),
        keys=int(bundle.header["keys"]),
        indicators=len(chosen),
        signals=dict(Counter(c.signal for c in chosen)),
        tolerant=tolerant,
        blob_id=blobs.put(data),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="detection.bundle_published",
        object_type="detection_bundle",
        object_id=version,
        details={"root": record.root, "indicators": record.indicators},
    )
    return record


def bundle_record(session: Session, version: int | None) -> DetectionBundle:
    found = (
        repository.latest(session) if version is None else repository.by_version(session, version)
    )
    if found is None:
        raise errors.NotFound(
            "no detection bundle has been published" if version is None else f"no bundle {version}",
            code="unknown_bundle",
        )
    return found


def bundle_bytes(blobs: BlobStore, record: DetectionBundle) -> bytes:
    try:
        return blobs.get(record.blob_id)
    except BlobNotFound as exc:
        raise errors.Gone(
            f"bundle {record.version} is no longer stored", code="bundle_gone"
        ) from exc


def load(blobs: BlobStore, record: DetectionBundle) -> Bundle:
    return parse(bundle_bytes(blobs, record), expected_root=record.root)
