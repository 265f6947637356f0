"""An oblivious key-value table over group elements (a 3-hash "garbled" table, the additive
twin of an XOR filter): for every key k of the set, T[h0(k)] + T[h1(k)] + T[h2(k)] = value(k).
Entries no key fixes are random points, so the table looks uniformly random and decoding a key
outside the set gives a point unrelated to anything: whoever holds the table cannot tell
members from non-members (the values are blinded, see bundle.py).

About 1.23 entries per key; decoding costs two point additions. Built by peeling: a position
touched by one remaining key is that key's free position; assigning in reverse peeling order
never changes a position an earlier assigned key depends on.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence

from . import group

EXPANSION = 1.23
SLACK = 32


class PeelingFailed(RuntimeError):
    """The keys' hypergraph has a 2-core for this seed: try another seed."""


def segment_length(count: int) -> int:
    return max(1, math.ceil((EXPANSION * count + SLACK) / 3))


def positions(seed: bytes, key: bytes, segment: int) -> tuple[int, int, int]:
    digest = hashlib.blake2b(key, key=seed, digest_size=24).digest()
    return (
        int.from_bytes(digest[0:8], "little") % segment,
        segment + int.from_bytes(digest[8:16], "little") % segment,
        2 * segment + int.from_bytes(digest[16:24], "little") % segment,
    )


def build(
    seed: bytes, keys: Sequence[bytes], values: Callable[[int], bytes], filler: Callable[[], bytes]
) -> tuple[int, list[bytes]]:
    """(segment length, table) with T[h0]+T[h1]+T[h2] = values(i) for keys[i]. Raises
    PeelingFailed. `values(i)` is called once per key, `filler()` once per free entry."""
    segment = segment_length(len(keys))
    size = 3 * segment
    where = [positions(seed, key, segment) for key in keys]
    count = [0] * size
    xor = [0] * size
    for index, spots in enumerate(where):
        for spot in spots:
            count[spot] += 1
            xor[spot] ^= index
    queue = [spot for spot in range(size) if count[spot] == 1]
    order: list[tuple[int, int]] = []
    while queue:
        spot = queue.pop()
        if count[spot] != 1:
            continue
        index = xor[spot]
        order.append((index, spot))
        for other in where[index]:
            count[other] -= 1
            xor[other] ^= index
            if count[other] == 1:
                queue.append(other)
    if len(order) != len(keys):
        raise PeelingFailed(f"{len(keys) - len(order)} keys left in a 2-core")
    free = {spot for _, spot in order}
    table: list[bytes | None] = [None] * size
    for spot in range(size):
        if spot not in free:
            table[spot] = filler()
    for index, spot in reversed(order):
        others = [s for s in where[index] if s != spot]
        value = values(index)
        # Positions repeat only if two hashes of one key collide, which segments rule out.
        first, second = table[others[0]], table[others[1]]
        assert first is not None and second is not None  # noqa: S101 - peeling order
        table[spot] = group.sub(group.sub(value, first), second)
    return segment, [entry for entry in table if entry is not None]


def decode(table: bytes, seed: bytes, segment: int, key: bytes) -> bytes:
    """The point the table holds for `key` (a random-looking one if `key` is no member)."""
    a, b, c = positions(seed, key, segment)
    width = group.POINT_BYTES

    def entry(spot: int) -> bytes:
        return table[spot * width : (spot + 1) * width]

    return group.add(group.add(entry(a), entry(b)), entry(c))
