"""The platform's blob store, from the settings: the filesystem under the data dir by default,
an S3-compatible bucket when EUCENTRE_BLOB_URL is `s3://BUCKET[/PREFIX]`."""

from __future__ import annotations

from eucentre.config import Settings
from eucentre.kit.blobstore import BlobStore, FilesystemBlobStore
from eucentre.kit.crypto import derive_key
from eucentre.kit.s3url import parse_s3_url


def blob_store(settings: Settings) -> BlobStore:
    key = derive_key(settings.secret, "blobs")
    if not settings.blob_url:
        return FilesystemBlobStore(settings.blob_dir, key)
    # Imported only when configured: boto3 takes a while to load.
    import boto3

    from eucentre.kit.s3blobs import S3BlobStore

    bucket, prefix = parse_s3_url(settings.blob_url)
    # Credentials and region come from the standard AWS variables or files. A session of its
    # own: boto3's default session is not safe to create clients from in several threads.
    client = boto3.session.Session().client("s3", endpoint_url=settings.s3_endpoint_url)
    return S3BlobStore(client, bucket, prefix, key)
