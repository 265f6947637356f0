"""Private matching, measured (docs/benchmarks.md, "## private matching").

Baseline, run side by side: a plaintext set lookup of the same hashes (what a provider does
without privacy). Sections: client cryptography per voucher and bytes; bundle size, build time
and device memory at 1 M indicators (10 M extrapolated unless --sizes says otherwise); service
throughput; a classifier on what the service sees (real vs synthetic); below-threshold leakage;
recall of exact and tolerant matching against plaintext PDQ on copies of benign images; false
openings on a benign corpus and the account false-flag probability.

    python bench/private_matching.py [--sizes 1000000] [--images 120] [--accounts 60]
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from eucentre.media.hashing import hash_bytes  # noqa: E402
from eucentre.psi import bundle as bundles  # noqa: E402
from eucentre.psi import device, group, keys, reveal  # noqa: E402
from eucentre.psi.account import Account  # noqa: E402

T = 30


def random_record() -> dict:
    def h(n: int) -> str:
        return os.urandom(n).hex()

    return {
        "md5": h(16), "sha256": h(32), "pdq": h(32), "pdq_quality": 90,
        "pdq_dihedral": {name: h(32) for name in keys.DIHEDRAL[1:]},
    }  # fmt: skip


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def section(title: str) -> None:
    print(f"\n### {title}")


def bundle_at(size: int) -> tuple[bytes, bundles.Bundle, float]:
    alpha = group.random_scalar()
    lookup = [keys.exact_key("pdq", os.urandom(32).hex()) for _ in range(size)]
    started = time.process_time()
    built = bundles.build(version=1, alpha=alpha, keys=lookup)
    return alpha, built, time.process_time() - started


def client_and_service(sizes: list[int]) -> None:
    section("client cryptography, bundle, service throughput")
    print(
        "| indicators | bundle bytes | build s | device RSS MiB | client ms/voucher "
        "(plaintext lookup ms) | voucher bytes | service vouchers/s/core |"
    )
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        before = rss_mib()
        alpha, built, build_s = bundle_at(size)
        data = built.to_bytes()
        del built
        start_rss = rss_mib()
        loaded = bundles.parse(data)
        device_mib = len(loaded.table) / 2**20  # what a device holds: the table, read as is
        account = Account.create(threshold=T, synthetic_probability=0.0)
        records = [random_record() for _ in range(200)]
        started = time.process_time()
        made = [device.real(account, loaded, r, account.x_for(os.urandom(8))) for r in records]
        client_ms = (time.process_time() - started) / len(records) * 1000
        plain = set(os.urandom(32).hex() for _ in range(1000))
        started = time.process_time()
        for record in records * 50:
            any(v in plain for v in [record["md5"], record["sha256"], *keys.pdq_values(record)])
        plain_ms = (time.process_time() - started) / (len(records) * 50) * 1000
        started = time.process_time()
        for voucher in made:
            reveal.open_voucher(voucher, alpha, loaded)
        per_s = len(made) / (time.process_time() - started)
        size_bytes = len(made[0].signed("a", account.mac_key).to_bytes())
        print(
            f"| {size:,} | {len(data):,} | {build_s:.0f} | {device_mib:.0f} (process peak "
            f"{max(start_rss, before):.0f}) | {client_ms:.2f} ({plain_ms:.4f}; ratio "
            f"{client_ms / plain_ms:,.0f}x) | {size_bytes} "
            f"| {per_s:,.0f} |"
        )
        per_key = len(data) / size
        if size < 10_000_000:
            print(
                f"| 10,000,000 (extrapolated) | {per_key * 1e7:,.0f} | "
                f"{build_s * 1e7 / size:,.0f} | {per_key * 1e7 / 2**20:,.0f} | same | same | "
                f"same (the service never reads the table) |"
            )


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    positives = labels.sum()
    negatives = len(labels) - positives
    return float((ranks[labels == 1].sum() - positives * (positives + 1) / 2)
                 / (positives * negatives))  # fmt: skip


def logistic_auc(features: np.ndarray, labels: np.ndarray, folds: int = 5) -> float:
    """Our own logistic regression (gradient descent), AUC over held-out folds."""
    mean, std = features.mean(0), features.std(0) + 1e-9
    x = np.hstack([(features - mean) / std, np.ones((len(features), 1))])
    index = np.random.default_rng(1).permutation(len(x))
    scores = np.zeros(len(x))
    for fold in range(folds):
        test = index[fold::folds]
        train = np.setdiff1d(index, test)
        w = np.zeros(x.shape[1])
        for _ in range(500):
            p = 1 / (1 + np.exp(-x[train] @ w))
            w -= 0.5 * x[train].T @ (p - labels[train]) / len(train)
        scores[test] = x[test] @ w
    return auc(scores, labels)


def seen_features(voucher, opened) -> list[float]:
    """Everything the service has about an opened voucher, as numbers."""
    body = opened.body
    detect = np.array(body.detect, dtype=float)
    inner = np.frombuffer(body.inner, dtype=np.uint8).astype(float)
    return [
        opened.exact_openings, len(voucher.to_bytes()), body.x / 2**63, body.share / 2**127,
        detect.mean() / 2**31, detect.std() / 2**31, inner.mean(), inner.std(),
        voucher.lookups[0].q[0], voucher.check[0],
    ]  # fmt: skip


def privacy(accounts: int) -> None:
    section("privacy: what the service sees")
    alpha = group.random_scalar()
    shapes = [[1, 0, 0.5], [2, 0, 0.3], [3, 0, 0.2]]
    listed: list[tuple[dict, int]] = []
    lookup = []
    rng = random.Random(7)
    for _ in range(accounts * 12):
        record = random_record()
        k = rng.choices([1, 2, 3], weights=[0.5, 0.3, 0.2])[0]
        values = [("pdq", record["pdq"]), ("md5", record["md5"]), ("sha256", record["sha256"])]
        lookup += [keys.exact_key(*v) for v in values[:k]]
        listed.append((record, k))
    lookup += [keys.exact_key("md5", os.urandom(16).hex()) for _ in range(5000)]
    built = bundles.build(version=1, alpha=alpha, keys=lookup, openings=shapes)
    rows, labels, counts = [], [], []
    for a in range(accounts):
        account = Account.create(threshold=T, synthetic_probability=0.2)
        matches = listed[a * 12 : a * 12 + rng.randint(0, 12)]
        images = [r for r, _ in matches] + [random_record() for _ in range(60)]
        rng.shuffle(images)
        opened_here = 0
        for record in images:
            before = account.synthetic_sent
            voucher = device.make(account, built, record, "a")
            opened = reveal.open_voucher(voucher, alpha, built)
            if opened is not None:
                opened_here += 1
                rows.append(seen_features(voucher, opened))
                labels.append(1 if account.synthetic_sent == before else 0)
        counts.append((len(matches), opened_here, account.synthetic_budget))
    x, y = np.array(rows), np.array(labels)
    print(
        f"- opened vouchers: {len(y)} ({int(y.sum())} real matches, {int(len(y) - y.sum())} "
        f"synthetic) over {accounts} accounts below the threshold T={T}"
    )
    print(
        f"- logistic regression on all the service sees (openings, sizes, x, share, "
        f"detectable hash, inner bytes, Q, check): held-out AUC = {logistic_auc(x, y):.3f}"
    )
    print(f"- opening count alone: AUC = {auc(x[:, 0] + 1e-6 * np.random.rand(len(x)), y):.3f}")
    below_leakage(counts)


def below_leakage(counts: list[tuple[int, int, int]]) -> None:
    s = 40
    print(
        f"- below the threshold the service sees n = r + S opened vouchers (S = the account's "
        f"secret synthetic budget, uniform on [0, {s}], once spent):"
    )
    # Mutual information between r (uniform on 0..T-1) and n, exactly.
    joint: dict[tuple[int, int], float] = {}
    for r in range(T):
        for extra in range(s + 1):
            joint[(r, r + extra)] = 1 / (T * (s + 1))
    pn: dict[int, float] = {}
    for (_, n), p in joint.items():
        pn[n] = pn.get(n, 0) + p
    info = sum(p * math.log2(p / ((1 / T) * pn[n])) for (_, n), p in joint.items())
    leak_one = 1 / (s + 1)
    print(
        f"  I(r; n) = {info:.2f} bits of log2({T}) = {math.log2(T):.2f} for r uniform below T; "
        f"an account with one match reveals 'at least one' with probability {leak_one:.3f} "
        f"(n > {s}); with r matches, r/{s + 1}"
    )
    print(
        f"  measured accounts: {sum(1 for r, n, _ in counts if n > s)} of {len(counts)} had n > {s}"
    )


def picture(seed: int, size: int = 256) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = rng.random((8, 8, 3)) * 255
    field = Image.fromarray(small.astype(np.uint8)).resize((size, size), Image.BICUBIC)
    noise = rng.normal(0, 6, (size, size, 3))
    return Image.fromarray(np.clip(np.asarray(field) + noise, 0, 255).astype(np.uint8))


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format=fmt, **options)
    return buffer.getvalue()


COPIES = {
    "jpeg70": lambda im: encoded(im, "JPEG", quality=70),
    "resize50": lambda im: encoded(im.resize((im.width // 2, im.height // 2), Image.LANCZOS)),
    "brighter": lambda im: encoded(ImageEnhance.Brightness(im).enhance(1.1)),
}


def hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def recall(images: int, list_size: int) -> None:
    section(f"recall on copies of {images} benign generated images, false openings")
    originals = [hash_bytes(encoded(picture(seed))) for seed in range(images)]
    benign = [hash_bytes(encoded(picture(10_000 + seed))) for seed in range(images * 4)]
    bands = keys.Bands.generate(1, 24, 28, 3)
    # Plaintext keys of the same rule the bundle encodes (the cryptography is exact: checked
    # below on a smaller bundle, where every decision agrees).
    band_set = {k for r in originals for k in bands.keys(r["pdq"])}
    scale = list_size / images  # random list entries add band collisions in proportion
    print(
        "| copy | plaintext PDQ <= 31 | exact private | tolerant private (24 bands x 28 "
        "bits, 3 needed) |"
    )
    print("|---|---|---|---|")
    for name, make in COPIES.items():
        copies = [hash_bytes(make(picture(seed))) for seed in range(images)]
        plain = sum(
            hamming(c["pdq"], o["pdq"]) <= 31 for c, o in zip(copies, originals, strict=True)
        )
        exact = sum(
            c["pdq"] == o["pdq"] or c["md5"] == o["md5"]
            for c, o in zip(copies, originals, strict=True)
        )
        tolerant = sum(sum(k in band_set for k in bands.keys(c["pdq"])) >= 3 for c in copies)
        print(f"| {name} | {plain / images:.1%} | {exact / images:.1%} | {tolerant / images:.1%} |")
    print(
        "| exact copy or rotation | 100 % | 100 % (test_exact_matching_recall_is_that_of_"
        "plaintext_lookup) | 100 % |"
    )
    hits = [sum(k in band_set for k in bands.keys(b["pdq"])) for b in benign]
    per_band = sum(hits) / (len(benign) * 24)
    # At list_size random entries each band collides with probability about list_size/2^28.
    random_band = list_size / 2**28
    p_band = per_band + random_band
    p_open = 1 - sum(math.comb(24, k) * p_band**k * (1 - p_band) ** (24 - k) for k in range(3))
    plain_false = sum(min(hamming(b["pdq"], o["pdq"]) for o in originals) <= 31 for b in benign)
    print(
        f"- benign corpus ({len(benign)} images): plaintext PDQ <= 31 false matches "
        f"{plain_false}; exact private false openings 0 (cryptographic); tolerant: "
        f"{sum(h >= 3 for h in hits)} openings against the {images} listed, band hit rate "
        f"{per_band:.2e}; at {list_size:,} listed PDQs a benign image opens with probability "
        f"{p_open:.2e} per voucher (binomial over 24 bands, {scale:.0f}x more entries)"
    )
    mean = 10_000 * p_open
    tail = 1 - sum(math.exp(-mean) * mean**k / math.factorial(k) for k in range(T))
    print(
        f"- account false flag (tolerant), 10,000 images at {p_open:.2e} per image: "
        f"P(>= {T} false openings) = {max(tail, 0.0):.2e}"
    )
    nearest = min(hamming(a["pdq"], b["pdq"]) for i, a in enumerate(benign) for b in benign[:i])
    print(
        f"- exact: a benign image opens only on an equal MD5/SHA-256/PDQ; the closest two "
        f"of the {len(benign)} benign images are {nearest} bits apart, so no exact PDQ "
        f"collision was seen (0 false openings; the account flag needs {T} of them)"
    )
    agreement(originals[:20], bands)


def agreement(originals: list[dict], bands: keys.Bands) -> None:
    alpha = group.random_scalar()
    lookup = [k for r in originals for k in keys.indicator_keys("pdq", r["pdq"], bands)]
    built = bundles.build(version=1, alpha=alpha, keys=lookup, bands=bands)
    band_set = {k for r in originals for k in bands.keys(r["pdq"])}
    agree = total = 0
    account = Account.create(threshold=T, synthetic_probability=0.0)
    started = time.process_time()
    for seed in range(len(originals)):
        for make in COPIES.values():
            record = hash_bytes(make(picture(seed)))
            plain = sum(k in band_set for k in bands.keys(record["pdq"])) >= 3 or record[
                "pdq"] in {o["pdq"] for o in originals}  # fmt: skip
            voucher = device.real(account, built, record, account.x_for(os.urandom(8)))
            private = reveal.open_voucher(voucher, alpha, built) is not None
            agree += plain == private
            total += 1
    per = (time.process_time() - started) / total * 1000
    print(
        f"- tolerant cryptography vs the plaintext band rule: {agree}/{total} decisions agree; "
        f"{per:.0f} ms per voucher (client + service, {len(voucher.to_bytes())} bytes)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000000")
    parser.add_argument("--images", type=int, default=120)
    parser.add_argument("--accounts", type=int, default=60)
    args = parser.parse_args()
    print(
        f"## private matching ({platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {date.today()})"
    )
    client_and_service([int(s) for s in args.sizes.split(",")])
    privacy(args.accounts)
    recall(args.images, 1_000_000)


if __name__ == "__main__":
    main()
