from __future__ import annotations

import hashlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from eucentre.media.digests import digest_bytes, digest_file, digest_stream


class CountingStream(io.RawIOBase):
    """A large synthetic stream that records the biggest single read it served."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.largest = 0
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.remaining)
        self.largest = max(self.largest, n)
        view = memoryview(buffer)
        for i in range(n):
            view[i] = (self.position + i) % 251
        self.position += n
        self.remaining -= n
        return n


def test_stream_is_read_in_bounded_chunks():
    size = 5 * (1 << 16) + 7
    stream = CountingStream(size)
    result = digest_stream(stream, chunk_size=1 << 16)
    expected = bytes(i % 251 for i in range(size))
    assert stream.largest <= 1 << 16
    assert result.size == size
    assert result.md5 == hashlib.md5(expected).hexdigest()
    assert result.sha256 == hashlib.sha256(expected).hexdigest()


def test_known_values(tmp_path):
    assert digest_bytes(b"").md5 == "d41d8cd98f00b204e9800998ecf8427e"
    assert digest_bytes(b"abc").sha256 == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    assert digest_file(path) == digest_bytes(b"abc")


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=5000), st.integers(min_value=1, max_value=600))
def test_streamed_equals_whole(data, chunk):
    assert digest_stream(io.BytesIO(data), chunk_size=chunk) == digest_bytes(data)


def test_hash_stream_matches_hash_file(astronaut_jpeg):
    from eucentre.media import hash_file, hash_stream

    with open(astronaut_jpeg, "rb") as stream:
        from_stream = hash_stream(stream, name=astronaut_jpeg.name)
    assert from_stream == hash_file(astronaut_jpeg)
