"""Streamed cryptographic digests (MD5 and SHA-256) of the exact bytes of a file.

Files can be several gigabytes (videos), so both digests are fed from one bounded-size read
loop: memory use is one chunk regardless of the file size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class Digests:
    md5: str
    sha256: str
    size: int


def digest_stream(stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Digests:
    md5 = hashlib.md5(usedforsecurity=False)
    sha256 = hashlib.sha256()
    size = 0
    # readinto a reused buffer avoids allocating a fresh bytes object per chunk.
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    readinto = getattr(stream, "readinto", None)
    chunk: bytes | memoryview
    while True:
        if readinto is not None:
            n = readinto(buffer)
            if not n:
                break
            chunk = view[:n]
        else:
            data = stream.read(chunk_size)
            if not data:
                break
            n = len(data)
            chunk = data
        md5.update(chunk)
        sha256.update(chunk)
        size += n
    return Digests(md5=md5.hexdigest(), sha256=sha256.hexdigest(), size=size)


def digest_bytes(data: bytes) -> Digests:
    return Digests(
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


def digest_file(path: str | Path, chunk_size: int = CHUNK_SIZE) -> Digests:
    with open(path, "rb", buffering=0) as stream:
        return digest_stream(stream, chunk_size)
