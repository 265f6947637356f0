"""Quarantined file storage: every blob is encrypted with AES-256-GCM before it touches disk."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol

from eucentre.kit.crypto import open_sealed, seal
from eucentre.kit.private import make_private, private_dir


class BlobNotFound(KeyError):
    pass


class BlobStore(Protocol):
    def put(self, data: bytes) -> str: ...
    def get(self, blob_id: str) -> bytes: ...
    def delete(self, blob_id: str) -> None: ...
    def exists(self, blob_id: str) -> bool: ...
    def stored_before(self, moment: datetime) -> Iterator[str]: ...
    def clear_temporaries(self, moment: datetime) -> int: ...
    def check(self) -> None: ...


class FilesystemBlobStore:
    """Blobs as files under one root, named by random ids, sharded to keep folders small.

    The blob id is bound into the ciphertext as associated data, so a file moved to another
    name fails to decrypt instead of silently answering for the wrong blob.
    """

    def __init__(self, root: Path, key: bytes) -> None:
        self._root = root
        self._key = key

    def _path(self, blob_id: str) -> Path:
        if not blob_id.isalnum():
            raise BlobNotFound(blob_id)
        return self._root / blob_id[:2] / blob_id

    def put(self, data: bytes) -> str:
        blob_id = secrets.token_hex(16)
        path = self._path(blob_id)
        private_dir(path.parent)
        # Write then rename, so a crash never leaves a half-written blob under a real id.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        make_private(fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(seal(self._key, data, context=blob_id.encode()))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return blob_id

    def get(self, blob_id: str) -> bytes:
        path = self._path(blob_id)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError as missing:
            raise BlobNotFound(blob_id) from missing
        return open_sealed(self._key, sealed, context=blob_id.encode())

    def delete(self, blob_id: str) -> None:
        self._path(blob_id).unlink(missing_ok=True)

    def exists(self, blob_id: str) -> bool:
        return self._path(blob_id).exists()

    def stored_before(self, moment: datetime) -> Iterator[str]:
        """Ids of the blobs written before `moment`."""
        for path in self._files_before(moment):
            if path.name.isalnum():
                yield path.name

    def clear_temporaries(self, moment: datetime) -> int:
        """Remove what writes interrupted by a crash left behind before `moment`."""
        stale = [p for p in self._files_before(moment) if p.name.startswith(".tmp-")]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def check(self) -> None:
        """Raise unless blobs can be written here."""
        private_dir(self._root)
        if not os.access(self._root, os.W_OK):
            raise PermissionError(f"cannot write to {self._root}")

    def _files_before(self, moment: datetime) -> Iterator[Path]:
        cutoff = moment.timestamp()
        if not self._root.is_dir():
            return
        for shard in sorted(self._root.iterdir()):
            if not shard.is_dir():
                continue
            for path in sorted(shard.iterdir()):
                try:
                    written = path.stat().st_mtime
                except FileNotFoundError:
                    continue  # deleted meanwhile
                if written < cutoff:
                    yield path
