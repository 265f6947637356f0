"""Media found by the crawler, hashed in memory with the platform's engine (`eucentre.media`):
one decoding pass, every registered signal type reading its value from it. The bytes stay in
memory; only a match stores them (encrypted, see crawler.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eucentre.media.errors import MediaError
from eucentre.media.hashing import hash_bytes
from eucentre.signals import Hashed, MediaFile, registry


@dataclass(frozen=True)
class HashedMedia:
    url: str
    page_url: str
    data: bytes
    record: dict[str, Any]
    signals: dict[str, Hashed]

    @property
    def media_type(self) -> str:
        return str(self.record.get("media_type", ""))

    @property
    def md5(self) -> str:
        return str(self.record["md5"])

    @property
    def sha256(self) -> str:
        return str(self.record["sha256"])

    @property
    def pdq(self) -> str | None:
        return self.record.get("pdq")

    @property
    def quality(self) -> int | None:
        return self.record.get("pdq_quality")


def hash_media(data: bytes, *, url: str, page_url: str) -> HashedMedia | str:
    """The hashes of an image or a video, or the error code of why it is not one."""
    try:
        record = hash_bytes(data)
        signals = registry.hash_media(MediaFile(data, record))
    except MediaError as bad:
        return bad.code
    return HashedMedia(url, page_url, data, record, signals)
