"""Where an S3-compatible blob store lives, as one setting: `s3://BUCKET[/PREFIX]`. Kept apart
from the store itself so that reading the settings does not load boto3."""

from __future__ import annotations

from urllib.parse import urlsplit


class InvalidBlobUrl(ValueError):
    pass


def parse_s3_url(url: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` -> ("bucket", "some/prefix/")."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise InvalidBlobUrl(f"expected s3://BUCKET[/PREFIX], got {url!r}")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""
