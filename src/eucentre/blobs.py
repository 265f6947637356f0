"""The platform's blob store, from the settings (filesystem under the data dir by default)."""

from __future__ import annotations

from eucentre.config import Settings
from eucentre.kit.blobstore import FilesystemBlobStore
from eucentre.kit.crypto import derive_key


def blob_store(settings: Settings) -> FilesystemBlobStore:
    return FilesystemBlobStore(settings.blob_dir, derive_key(settings.secret, "blobs"))
