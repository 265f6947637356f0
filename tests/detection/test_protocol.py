"""The protocol on its own (no server): what opens, what reveals, and what is refused."""

from __future__ import annotations

import os
import secrets

import pytest

from eucentre.media.hashing import hash_bytes
from eucentre.psi import bundle as bundles
from eucentre.psi import device, dhf, group, keys, reveal, shamir
from eucentre.psi.account import Account
from eucentre.psi.voucher import VoucherError, from_bytes
from tests.detection.images import copy, png


def random_record() -> dict:
    def h(n: int) -> str:
        return os.urandom(n).hex()

    return {
        "md5": h(16),
        "sha256": h(32),
        "pdq": h(32),
        "pdq_dihedral": {name: h(32) for name in keys.DIHEDRAL[1:]},
        "pdq_quality": 90,
    }


def setup(listed: list[dict], *, noise: int = 200, tolerant: keys.Bands | None = None):
    alpha = group.random_scalar()
    lookup = [keys.exact_key("pdq", r["pdq"]) for r in listed]
    lookup += [keys.exact_key("md5", os.urandom(16).hex()) for _ in range(noise)]
    built = bundles.build(version=1, alpha=alpha, keys=lookup, bands=tolerant)
    return alpha, bundles.parse(built.to_bytes(), expected_root=built.root)


def opened_of(alpha, bundle, vouchers):
    return [o for v in vouchers if (o := reveal.open_voucher(v, alpha, bundle)) is not None]


def test_shamir_threshold_shares_give_the_secret_back() -> None:
    coefficients = [shamir.random_element() for _ in range(5)]
    shares = [(x, shamir.evaluate(coefficients, x)) for x in (3, 9, 11, 20, 77, 90)]
    assert shamir.interpolate_at_zero(shares[:5]) == coefficients[0]
    assert shamir.interpolate_at_zero(shares[1:]) == coefficients[0]
    assert shamir.interpolate_at_zero(shares[:4]) != coefficients[0]


def test_detectable_hash_finds_exactly_the_real_ones_at_the_threshold() -> None:
    account = Account.create(threshold=6, synthetic_bound=8)
    xs = [secrets.randbelow(2**62) + 1 for _ in range(6)]
    real = [dhf.extended(x, dhf.evaluate(account.polynomials, x), 6) for x in xs]
    fake = [
        dhf.extended(secrets.randbelow(2**62), [secrets.randbelow(dhf.Q) for _ in range(8)], 6)
        for _ in range(8)
    ]
    assert dhf.real_rows(fake[:4] + real + fake[4:]) == set(range(4, 10))
    # One real fewer: nothing at all distinguishes them.
    assert dhf.real_rows(fake[:4] + real[:5] + fake[4:]) == set()


def test_nothing_reveals_below_the_threshold_and_everything_at_it() -> None:
    """With synthetic vouchers opening too, the account reveals at the eighth real match and
    not one voucher before."""
    listed = [random_record() for _ in range(30)]
    alpha, bundle = setup(listed)
    account = Account.create(threshold=8, synthetic_bound=10, synthetic_probability=0.5)
    opened = opened_of(alpha, bundle, [device.make(account, bundle, random_record(), "a")
                                       for _ in range(10)])  # fmt: skip
    real = 0
    for record in listed:
        before = account.synthetic_sent
        opened += opened_of(alpha, bundle, [device.make(account, bundle, record, "a")])
        real += account.synthetic_sent == before
        found = reveal.reveal(opened, 8)
        if real < 8:
            assert found is None
        else:
            assert found is not None
            assert len(found.inner) == 8
            assert {i.sha256 for i in found.inner.values()} <= {r["sha256"] for r in listed}
            break
    assert real == 8


def test_reveal_exactly_at_threshold_without_synthetics() -> None:
    listed = [random_record() for _ in range(10)]
    alpha, bundle = setup(listed)
    account = Account.create(threshold=10, synthetic_bound=12, synthetic_probability=0.0)
    vouchers = [device.make(account, bundle, r, "a") for r in listed]
    opened = opened_of(alpha, bundle, vouchers)
    assert len(opened) == 10
    assert reveal.reveal(opened[:9], 10) is None
    found = reveal.reveal(opened, 10)
    assert found is not None
    assert sorted(i.md5 for i in found.inner.values()) == sorted(r["md5"] for r in listed)


def test_one_image_sent_many_times_counts_once() -> None:
    listed = [random_record() for _ in range(3)]
    alpha, bundle = setup(listed)
    account = Account.create(threshold=3, synthetic_bound=4, synthetic_probability=0.0)
    vouchers = [device.make(account, bundle, listed[0], "a") for _ in range(40)]
    opened = opened_of(alpha, bundle, vouchers)
    assert len(opened) == 1  # the first; the copies are null vouchers that never open
    assert reveal.reveal(opened, 3) is None


def test_exact_matching_recall_is_that_of_plaintext_lookup() -> None:
    """MD5, SHA-256 and PDQ (any dihedral variant) open exactly when a plaintext set
    lookup of the same values matches: 100 % recall, no false opening."""
    originals = [hash_bytes(png(seed)) for seed in range(12)]
    alpha = group.random_scalar()
    signal_of = ["md5", "sha256", "pdq"]
    listed = {(signal_of[i % 3], r[signal_of[i % 3]]) for i, r in enumerate(originals[:9])}
    built = bundles.build(version=1, alpha=alpha, keys=[keys.exact_key(*v) for v in listed])
    account = Account.create(threshold=30, synthetic_probability=0.0)
    queries = originals + [hash_bytes(copy(seed, "rotate90")) for seed in range(12)]
    for record in queries:
        plaintext = any(
            (signal, value) in listed
            for signal, value in [("md5", record["md5"]), ("sha256", record["sha256"])]
            + [("pdq", v) for v in keys.pdq_values(record)]
        )
        fresh = Account.from_json(account.to_json())  # no memory of earlier images
        voucher = device.make(fresh, built, record, "a")
        assert (reveal.open_voucher(voucher, alpha, built) is not None) == plaintext
    # Rotated copies of the PDQ-listed originals (seeds 2, 5, 8) open through a variant.
    rotated = [hash_bytes(copy(seed, "rotate90")) for seed in (2, 5, 8)]
    assert all(("pdq", r["pdq"]) not in listed for r in rotated)


def test_a_bundle_not_the_published_one_is_refused() -> None:
    alpha, bundle = setup([random_record()])
    other = bundles.build(version=1, alpha=alpha, keys=[keys.exact_key("md5", "00" * 16)])
    with pytest.raises(bundles.BundleError) as refused:
        bundles.parse(other.to_bytes(), expected_root=bundle.root)
    assert refused.value.code == "bundle_root_mismatch"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"nope", "bad magic"),
        (bundles.MAGIC + b"\x00\x00\x00\x05{}", "cut short"),
        (bundles.MAGIC + b"\x00\x00\x00\x02[]", "not an object"),
        (bundles.MAGIC + b"\x00\x00\x00\x02{}", "field invalid or missing"),
    ],
)
def test_malformed_bundles_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(bundles.BundleError, match=message):
        bundles.parse(data)


def test_a_bundle_with_a_cut_table_is_refused() -> None:
    _, bundle = setup([random_record()])
    with pytest.raises(bundles.BundleError, match="the header says"):
        bundles.parse(bundle.to_bytes()[:-32])


def test_changed_or_moved_vouchers_fail_authentication() -> None:
    alpha, bundle = setup([random_record()])
    account = Account.create(threshold=5)
    voucher = device.make(account, bundle, random_record(), "alice")
    voucher.verify("alice", account.mac_key)
    raw = bytearray(voucher.to_bytes())
    raw[-40] ^= 1
    with pytest.raises(VoucherError) as changed:
        from_bytes(bytes(raw)).verify("alice", account.mac_key)
    assert changed.value.code == "voucher_tampered"
    with pytest.raises(VoucherError):
        voucher.verify("bob", account.mac_key)


@pytest.mark.parametrize(
    ("cut", "message"),
    [(10, "cut short in its header"), (60, "cut short in lookup"), (-1, "body length")],
)
def test_truncated_vouchers_name_the_part(cut: int, message: str) -> None:
    _, bundle = setup([random_record()])
    raw = device.make(Account.create(threshold=5), bundle, random_record(), "a").to_bytes()
    with pytest.raises(VoucherError, match=message):
        from_bytes(raw[:cut])


def test_a_lookup_that_is_not_a_point_is_refused() -> None:
    _, bundle = setup([random_record()])
    raw = bytearray(
        device.make(Account.create(threshold=5), bundle, random_record(), "a").to_bytes()
    )
    raw[31:63] = b"\xff" * 32
    with pytest.raises(VoucherError, match="lookup 0: Q is not a valid"):
        from_bytes(bytes(raw))


def test_voucher_size_and_shape_do_not_depend_on_matching() -> None:
    listed = [random_record()]
    alpha, bundle = setup(listed)
    account = Account.create(threshold=5, synthetic_probability=0.0)
    sizes = {
        len(device.make(account, bundle, listed[0], "a").to_bytes()),
        len(device.make(account, bundle, random_record(), "a").to_bytes()),
        len(device.make(account, bundle, listed[0], "a").to_bytes()),  # a null voucher
        len(device.synthetic(account, bundle).signed("a", account.mac_key).to_bytes()),
    }
    assert len(sizes) == 1
