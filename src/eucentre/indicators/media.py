"""Candidates from media files: hash them, keep the file encrypted, create the candidates its
hashes become (PDQ and MD5 today, `service.media_candidates`) that point at it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from eucentre.indicators import service
from eucentre.indicators.service import NewCandidate
from eucentre.kit.blobstore import BlobStore
from eucentre.media.errors import MediaError
from eucentre.media.hashing import hash_file
from eucentre.models import Indicator
from eucentre.signals import MediaFile, registry


class MediaRefused(ValueError):
    pass


def candidates_from_file(
    session: Session,
    *,
    actor: str,
    path: Path,
    blobs: BlobStore,
    source_kind: str,
    source_name: str,
    labels: tuple[str, ...] = (),
) -> list[Indicator]:
    try:
        record = hash_file(path)
        data = path.read_bytes()
        found = registry.hash_media(MediaFile(data, record))
    except MediaError as bad:
        raise MediaRefused(f"{path.name}: {bad.code}: {bad}") from bad
    if record.get("media_type") != "image":
        raise MediaRefused(f"{path.name}: only images become indicators here")
    if not record.get("indicator_eligible", True):
        raise MediaRefused(f"{path.name}: PDQ quality {record['pdq_quality']} is too low")
    blob_id = blobs.put(data)
    made = []
    for signal, value, quality in service.media_candidates(found):
        indicator, _ = service.create(
            session,
            actor=actor,
            source_kind=source_kind,
            source_name=source_name,
            source_reference=path.name[:200],
            candidate=NewCandidate(signal, value, labels, quality=quality, blob_id=blob_id),
        )
        made.append(indicator)
    return made
