"""Quarantined file storage in an S3-compatible bucket, for when several machines serve the
platform. Blobs are sealed (AES-256-GCM, the blob id as associated data) before they leave the
process, exactly as on disk: the bucket only ever holds ciphertext."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from eucentre.kit.blobstore import BlobNotFound
from eucentre.kit.crypto import open_sealed, seal

MISSING = {"NoSuchKey", "404", "NotFound"}


class S3BlobStore:
    """Blobs as objects `<prefix><id[:2]>/<id>` in one bucket. S3 writes are atomic, so there
    are no temporary files to clear."""

    def __init__(self, client: Any, bucket: str, prefix: str, key: bytes) -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix
        self._key = key

    def _object_key(self, blob_id: str) -> str:
        if not blob_id.isalnum():
            raise BlobNotFound(blob_id)
        return f"{self._prefix}{blob_id[:2]}/{blob_id}"

    def put(self, data: bytes) -> str:
        blob_id = secrets.token_hex(16)
        self._client.put_object(
            Bucket=self._bucket,
            Key=self._object_key(blob_id),
            Body=seal(self._key, data, context=blob_id.encode()),
        )
        return blob_id

    def get(self, blob_id: str) -> bytes:
        try:
            found = self._client.get_object(Bucket=self._bucket, Key=self._object_key(blob_id))
        except ClientError as failure:
            if _code(failure) in MISSING:
                raise BlobNotFound(blob_id) from failure
            raise
        return open_sealed(self._key, found["Body"].read(), context=blob_id.encode())

    def delete(self, blob_id: str) -> None:
        self._client.delete_object(Bucket=self._bucket, Key=self._object_key(blob_id))

    def exists(self, blob_id: str) -> bool:
        try:
            self._client.head_object(Bucket=self._bucket, Key=self._object_key(blob_id))
        except ClientError as failure:
            if _code(failure) in MISSING:
                return False
            raise
        return True

    def stored_before(self, moment: datetime) -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=self._prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if item["LastModified"] < moment and name.isalnum():
                    yield name

    def clear_temporaries(self, moment: datetime) -> int:
        return 0

    def check(self) -> None:
        """Raise unless the bucket answers to these credentials."""
        self._client.head_bucket(Bucket=self._bucket)


def _code(failure: ClientError) -> str:
    return str(failure.response.get("Error", {}).get("Code", ""))
