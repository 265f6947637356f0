"""The matching service's side: open what can be opened, and nothing more.

`open_voucher` recovers a voucher's key when one of its lookups hit the list (alpha * Q = S)
or it is synthetic, and decrypts its body: a share, a detectable hash and the still-sealed
inner payload, none of which tells real from synthetic below the threshold. `reveal` looks,
among an account's opened vouchers, for `threshold` real ones (dhf.real_rows), rebuilds the
account key from their shares and opens their inner payloads; with fewer real ones there is
nothing to find.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from . import dhf, group, shamir
from .bundle import Bundle
from .payload import Body, Inner, check, inner_key, mask, open_body, open_inner, xor
from .voucher import Voucher


@dataclass(frozen=True)
class Opened:
    voucher_id: bytes
    body: Body
    exact_openings: int
    band_openings: int


def _candidate(alpha: bytes, voucher: Voucher, index: int) -> bytes:
    lookup = voucher.lookups[index]
    return xor(lookup.mask, mask(voucher.id, index, group.mul(alpha, lookup.q)))


def open_voucher(voucher: Voucher, alpha: bytes, bundle: Bundle) -> Opened | None:
    bands = bundle.bands
    band_count = len(bands.bands) if bands else 0
    exact_count = len(voucher.lookups) - band_count
    candidates = [_candidate(alpha, voucher, i) for i in range(len(voucher.lookups))]
    key: bytes | None = None
    exact_hits = [c for c in candidates[:exact_count] if check(voucher.id, c) == voucher.check]
    if exact_hits:
        key = exact_hits[0]
    band_hits = 0
    if bands is not None:
        found = _band_key(voucher, candidates[exact_count:], bands.need)
        if found is not None:
            band_key, band_hits = found
            key = key or band_key
    if key is None:
        return None
    body = open_body(key, voucher.header(), voucher.body)
    if body is None:
        return None
    return Opened(
        voucher_id=voucher.id, body=body, exact_openings=len(exact_hits), band_openings=band_hits
    )


def _band_key(voucher: Voucher, candidates: Sequence[bytes], need: int) -> tuple[bytes, int] | None:
    """Any `need` band candidates that interpolate to a key passing the check; the key and how
    many bands agree with it. Tries every subset: C(bands, need) interpolations."""
    points = []
    for index, raw in enumerate(candidates):
        value = int.from_bytes(raw, "big")
        if value < shamir.P:
            points.append((index + 1, value))
    for subset in itertools.combinations(points, need):
        key = shamir.to_bytes(shamir.interpolate_at_zero(subset))
        if check(voucher.id, key) == voucher.check:
            agree = len(subset)
            return key, agree
    return None


@dataclass(frozen=True)
class Revealed:
    key: bytes
    inner: dict[bytes, Inner]


def reveal(opened: Sequence[Opened], threshold: int) -> Revealed | None:
    """The account key and every real voucher's inner payload, if `threshold` real ones are
    among `opened`; None otherwise."""
    distinct: dict[int, Opened] = {}
    for item in opened:
        distinct.setdefault(item.body.x, item)
    items = list(distinct.values())
    if len(items) < threshold:
        return None
    width = len(items[0].body.detect)
    items = [item for item in items if len(item.body.detect) == width]
    vectors = [dhf.extended(i.body.x, i.body.detect, threshold) for i in items]
    real = sorted(dhf.real_rows(vectors))
    if len(real) < threshold:
        return None
    shares = [(items[i].body.x, items[i].body.share) for i in real[:threshold]]
    key = inner_key(shamir.interpolate_at_zero(shares))
    inner = {}
    for item in items:
        payload = open_inner(key, item.voucher_id, item.body.inner)
        if payload is not None:
            inner[item.voucher_id] = payload
    if len(inner) < threshold:
        return None
    return Revealed(key=key, inner=inner)


def open_with(key: bytes, item: Opened) -> Inner | None:
    """After the reveal, a later real voucher opens with the account key alone."""
    return open_inner(key, item.voucher_id, item.body.inner)


def member(bundle: Bundle, alpha: bytes, lookup_key: bytes) -> bool:
    """Whether a key is on the bundle's list: only whoever holds alpha can ask."""
    from .bundle import key_point

    return bundle.decode(lookup_key) == group.mul(alpha, key_point(lookup_key))
