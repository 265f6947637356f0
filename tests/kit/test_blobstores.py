"""Both blob stores keep the same promises: only ciphertext at rest, bound to its id; a missing
blob is a clear BlobNotFound; listing by age drives the orphan sweep."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidTag

from eucentre.blobs import blob_store
from eucentre.config import Settings
from eucentre.kit.blobstore import BlobNotFound, FilesystemBlobStore
from eucentre.kit.s3blobs import S3BlobStore
from eucentre.kit.s3url import InvalidBlobUrl, parse_s3_url

PLAIN = b"\x89PNG benign synthetic test bytes " * 8


class Raw:
    """Reads and writes what a store keeps, behind its back."""

    def __init__(self, store, s3_service=None) -> None:
        self.store = store
        self.s3 = s3_service.client() if s3_service else None

    def read(self, blob_id: str) -> bytes:
        if self.s3:
            key = self.store._object_key(blob_id)
            return self.s3.get_object(Bucket=self.store._bucket, Key=key)["Body"].read()
        return self.store._path(blob_id).read_bytes()

    def write(self, blob_id: str, data: bytes) -> None:
        if self.s3:
            key = self.store._object_key(blob_id)
            self.s3.put_object(Bucket=self.store._bucket, Key=key, Body=data)
        else:
            path = self.store._path(blob_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, settings, tmp_path):
    if request.param == "filesystem":
        chosen = blob_store(settings)
        assert isinstance(chosen, FilesystemBlobStore)
        return chosen, Raw(chosen)
    s3_settings = request.getfixturevalue("s3_settings")
    chosen = blob_store(s3_settings)
    assert isinstance(chosen, S3BlobStore)
    return chosen, Raw(chosen, request.getfixturevalue("s3_service"))


def test_what_goes_in_comes_out_and_only_ciphertext_is_stored(store) -> None:
    blobs, raw = store
    first, second = blobs.put(PLAIN), blobs.put(PLAIN)
    assert first != second and first.isalnum()
    assert blobs.get(first) == PLAIN and blobs.exists(first)
    stored = raw.read(first)
    assert PLAIN not in stored and b"PNG" not in stored


def test_a_blob_moved_to_another_id_or_altered_does_not_decrypt(store) -> None:
    blobs, raw = store
    original, other = blobs.put(PLAIN), blobs.put(b"another file")
    raw.write(other, raw.read(original))  # the right bytes under the wrong name
    with pytest.raises(InvalidTag):
        blobs.get(other)
    tampered = bytearray(raw.read(original))
    tampered[-1] ^= 1
    raw.write(original, bytes(tampered))
    with pytest.raises(InvalidTag):
        blobs.get(original)


def test_missing_and_hostile_ids_are_not_found(store) -> None:
    blobs, _ = store
    for blob_id in ("0" * 32, "../../etc/passwd", "", "a/b"):
        with pytest.raises(BlobNotFound):
            blobs.get(blob_id)
    assert not blobs.exists("0" * 32)


def test_deleted_blobs_are_gone_and_deleting_twice_is_harmless(store) -> None:
    blobs, _ = store
    blob_id = blobs.put(PLAIN)
    blobs.delete(blob_id)
    blobs.delete(blob_id)
    assert not blobs.exists(blob_id)
    with pytest.raises(BlobNotFound):
        blobs.get(blob_id)


def test_blobs_are_listed_by_age(store) -> None:
    blobs, _ = store
    blobs.check()
    ids = {blobs.put(PLAIN) for _ in range(3)}
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert set(blobs.stored_before(later)) == ids
    assert set(blobs.stored_before(datetime.now(UTC) - timedelta(hours=1))) == set()


def test_an_unreachable_bucket_fails_the_check(s3_settings) -> None:
    blobs = blob_store(s3_settings.model_copy(update={"blob_url": "s3://no-such-bucket-here"}))
    with pytest.raises(Exception):  # noqa: B017, PT011 - botocore's ClientError
        blobs.check()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://bucket", ("bucket", "")),
        ("s3://bucket/", ("bucket", "")),
        ("s3://bucket/eucentre/blobs/", ("bucket", "eucentre/blobs/")),
    ],
)
def test_blob_urls(url, expected) -> None:
    assert parse_s3_url(url) == expected


@pytest.mark.parametrize("url", ["s3:/bucket", "https://bucket/x", "s3://", "s3://b/x?y=1", "b"])
def test_a_wrong_blob_url_stops_the_settings(url) -> None:
    with pytest.raises(InvalidBlobUrl):
        parse_s3_url(url)
    with pytest.raises(ValueError, match="s3://BUCKET"):
        Settings(blob_url=url)
