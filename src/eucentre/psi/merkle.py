"""The Merkle root of a bundle: leaves are SHA-256 of the header and of fixed-size chunks of
the table, nodes SHA-256 of their two children (prefixed, so a leaf is never a node). Anyone
holding the bundle recomputes it; the Centre publishes every root it issued."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

CHUNK_BYTES = 32 * 1024


def leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves: Iterable[bytes]) -> bytes:
    level = list(leaves)
    if not level:
        return leaf(b"")
    while len(level) > 1:
        nxt = [node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def bundle_root(header: bytes, table: bytes) -> str:
    chunks = (table[i : i + CHUNK_BYTES] for i in range(0, len(table), CHUNK_BYTES))
    return root([leaf(header), *(leaf(chunk) for chunk in chunks)]).hex()
