"""Making vouchers on the device. The device learns nothing from it: it never knows whether a
lookup hit the list (the blinded table looks random), and every voucher has the same shape.

For each image the device either
- sends a **real** voucher: a fresh voucher key k; for each lookup key y (MD5, SHA-256, eight
  PDQs; plus PDQ bands when tolerant) a random beta, Q = beta * H(y), S = beta * W(y) with
  W(y) = the table's point for y, mask = KDF(S) xor k (tolerant bands carry Shamir shares of k
  instead, so `need` of them are needed); the body holds the account share at the image's x,
  the detectable hash and the inner payload sealed under the account key. If y is on the list,
  W(y) = alpha * H(y), so alpha * Q = S: the service recovers k. Otherwise S is unrelated to
  anything the service can compute.
- or, with probability p while the account's secret synthetic budget lasts, a **synthetic**
  voucher: Q = gamma * G, S = gamma * L (L = alpha * G, the bundle's public key), so it opens
  like a match, with a random share, detectable hash and inner ciphertext;
- or, for an image it has already vouchered (same digest, or a PDQ within the near-copy
  radius), a **null** voucher that never opens (so it never counts twice).
Lookups are shuffled, so which one opened says nothing about the hash type.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from . import dhf, group, keys, shamir
from .account import Account
from .bundle import Bundle, key_point
from .payload import (
    INNER_BYTES,
    Body,
    Inner,
    check,
    inner_key,
    mask,
    seal_body,
    seal_inner,
    xor,
)
from .voucher import ID_BYTES, Lookup, Voucher

PDQ_DISTANCE = 31
_random = random.SystemRandom()


def _hamming_min(candidates: list[str], seen: list[str]) -> int:
    if not seen:
        return 257
    a = np.frombuffer(b"".join(bytes.fromhex(v) for v in candidates), dtype=np.uint8).reshape(
        -1, 1, 32
    )
    b = np.frombuffer(b"".join(bytes.fromhex(v) for v in seen), dtype=np.uint8).reshape(1, -1, 32)
    return int(np.unpackbits(a ^ b, axis=2).sum(axis=2).min())


def _seen(account: Account, record: Mapping[str, Any], radius: int) -> bool:
    if record["md5"] in account.digests or record["sha256"] in account.digests:
        return True
    return _hamming_min(keys.pdq_values(record), account.pdqs) <= radius


def _remember(account: Account, record: Mapping[str, Any]) -> None:
    account.digests.update((record["md5"], record["sha256"]))
    account.pdqs.append(record["pdq"])


def _random_body(account: Account) -> Body:
    return Body(
        x=secrets.randbelow((1 << 63) - 1) + 1,
        share=shamir.random_element(),
        detect=tuple(secrets.randbelow(dhf.Q) for _ in range(account.synthetic_bound)),
        inner=secrets.token_bytes(INNER_BYTES),
    )


def _lookup_count(bundle: Bundle) -> tuple[int, int]:
    bands = bundle.bands
    return keys.EXACT_LOOKUPS, len(bands.bands) if bands else 0


def _assemble(
    account: Account, bundle: Bundle, voucher_id: bytes, lookups: list[Lookup], key: int, body: Body
) -> Voucher:
    key_bytes = shamir.to_bytes(key)
    unsealed = Voucher(
        threshold=account.threshold,
        bundle_version=bundle.version,
        id=voucher_id,
        check=check(voucher_id, key_bytes),
        lookups=tuple(lookups),
        body=b"",
    )
    sealed = seal_body(key_bytes, unsealed.header(), body)
    return replace(unsealed, body=sealed)


def _noise() -> Lookup:
    return Lookup(q=group.random_point(), mask=secrets.token_bytes(16))


def _band_shares(key: int, need: int, count: int) -> list[int]:
    coefficients = [key] + [shamir.random_element() for _ in range(need - 1)]
    return [shamir.evaluate(coefficients, index + 1) for index in range(count)]


def real(account: Account, bundle: Bundle, record: Mapping[str, Any], x: int) -> Voucher:
    voucher_id = secrets.token_bytes(ID_BYTES)
    key = shamir.random_element()
    key_bytes = shamir.to_bytes(key)
    exact = keys.image_lookups(record)
    _random.shuffle(exact)
    secrets_for = [key_bytes] * len(exact)
    lookup_keys = list(exact)
    bands = bundle.bands
    if bands is not None:
        lookup_keys += bands.keys(record["pdq"])
        shares = _band_shares(key, bands.need, len(bands.bands))
        secrets_for += [shamir.to_bytes(share) for share in shares]
    lookups = []
    for index, (lookup_key, secret) in enumerate(zip(lookup_keys, secrets_for, strict=True)):
        beta = group.random_scalar()
        q = group.mul(beta, key_point(lookup_key))
        shared = group.mul(beta, bundle.decode(lookup_key))
        lookups.append(Lookup(q=q, mask=xor(mask(voucher_id, index, shared), secret)))
    inner = Inner(
        md5=record["md5"],
        sha256=record["sha256"],
        pdq=tuple(keys.pdq_values(record)),
        quality=int(record.get("pdq_quality") or 0),
    )
    body = Body(
        x=x,
        share=shamir.evaluate(account.coefficients, x),
        detect=tuple(dhf.evaluate(account.polynomials, x)),
        inner=seal_inner(_inner_key(account), voucher_id, inner),
    )
    return _assemble(account, bundle, voucher_id, lookups, key, body)


def _inner_key(account: Account) -> bytes:
    return inner_key(account.coefficients[0])


def _opening_shape(bundle: Bundle) -> tuple[int, int]:
    shapes = bundle.openings
    weights = [max(0.0, float(shape[2])) for shape in shapes]
    chosen = _random.choices(shapes, weights=weights)[0] if sum(weights) else [1, 0, 1]
    return int(chosen[0]), int(chosen[1])


def synthetic(account: Account, bundle: Bundle) -> Voucher:
    voucher_id = secrets.token_bytes(ID_BYTES)
    key = shamir.random_element()
    key_bytes = shamir.to_bytes(key)
    exact_count, band_count = _lookup_count(bundle)
    open_exact, open_bands = _opening_shape(bundle)
    open_exact = min(open_exact, exact_count)
    secrets_for: dict[int, bytes] = {
        index: key_bytes for index in _random.sample(range(exact_count), open_exact)
    }
    bands = bundle.bands
    if bands is not None and open_bands:
        shares = _band_shares(key, bands.need, band_count)
        chosen = _random.sample(range(band_count), max(bands.need, min(open_bands, band_count)))
        for band in chosen:
            secrets_for[exact_count + band] = shamir.to_bytes(shares[band])
    lookups = []
    for index in range(exact_count + band_count):
        secret = secrets_for.get(index)
        if secret is None:
            lookups.append(_noise())
            continue
        gamma = group.random_scalar()
        shared = group.mul(gamma, bundle.public_key)
        lookups.append(
            Lookup(q=group.mul_base(gamma), mask=xor(mask(voucher_id, index, shared), secret))
        )
    return _assemble(account, bundle, voucher_id, lookups, key, _random_body(account))


def null(account: Account, bundle: Bundle) -> Voucher:
    voucher_id = secrets.token_bytes(ID_BYTES)
    exact_count, band_count = _lookup_count(bundle)
    lookups = [_noise() for _ in range(exact_count + band_count)]
    return _assemble(
        account, bundle, voucher_id, lookups, shamir.random_element(), _random_body(account)
    )


def make(account: Account, bundle: Bundle, record: Mapping[str, Any], account_id: str) -> Voucher:
    """The voucher for one hashed image (a media record: md5, sha256, pdq, pdq_dihedral),
    signed for `account_id`. Updates `account` (save it afterwards)."""
    radius = 2 * PDQ_DISTANCE if bundle.bands is not None else 0
    if _seen(account, record, radius):
        made = null(account, bundle)
    elif (
        account.synthetic_sent < account.synthetic_budget
        and _random.random() < account.synthetic_probability
    ):
        account.synthetic_sent += 1
        made = synthetic(account, bundle)
    else:
        made = real(account, bundle, record, account.x_for(bytes.fromhex(record["sha256"])))
        _remember(account, record)
    return made.signed(account_id, account.mac_key)
