"""Matching benchmark: eucentre.matching against FAISS IndexBinaryMultiHash and IndexBinaryFlat.

    .venv/bin/python bench/matching.py [--sizes 1000000,10000000] [--queries 10000]
        [--baseline-queries 1000] [--workers 2]

Same data, same threads, one run. Generated data, ground truth and results are cached under
bench/.cache/ (gitignored). Ground truth is an independent linear scan (not the MIH path).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from eucentre.matching import HashIndex, hamming, search

CACHE = Path(__file__).parent / ".cache"
MAX_D = 31


# --- data ------------------------------------------------------------------------------------


def flip_exact(rng: np.random.Generator, rows: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Each row with exactly ks[i] distinct bits flipped."""
    out = rows.copy()
    kmax = int(ks.max(initial=0))
    if kmax == 0:
        return out
    for a in range(0, len(rows), 50_000):
        b = min(len(rows), a + 50_000)
        pos = np.argpartition(rng.random((b - a, 256)), kmax, axis=1)[:, :kmax]
        active = np.arange(kmax)[None, :] < ks[a:b, None]
        for w in range(4):
            bits = np.where(
                active & (pos // 64 == w),
                np.uint64(1) << (pos % 64).astype(np.uint64),
                np.uint64(0),
            )
            out[a:b, w] ^= np.bitwise_or.reduce(bits, axis=1)
    return out


def random_hashes(rng, n):
    return rng.integers(0, 2**64 - 1, (n, 4), dtype=np.uint64, endpoint=True)


def dataset(n: int, seed: int = 1) -> np.ndarray:
    """~35 % near-duplicate clusters with power-law sizes, ~10 % pairs at distance 29-34, rest
    unrelated hashes; rows shuffled."""
    rng = np.random.default_rng(seed)
    sizes = []
    while sum(sizes) < 0.35 * n:
        sizes.append(int(min(rng.zipf(2.0), 2_000, n)))
    centres = random_hashes(rng, len(sizes))
    owner = np.repeat(np.arange(len(sizes)), sizes)
    members = flip_exact(rng, centres[owner], rng.integers(0, 17, len(owner)))
    npairs = int(0.05 * n)
    a = random_hashes(rng, npairs)
    b = flip_exact(rng, a, rng.integers(29, 35, npairs))
    rest = random_hashes(rng, max(0, n - len(members) - 2 * npairs))
    data = np.concatenate([members, a, b, rest])[:n]
    return data[rng.permutation(n)]


def queries_for(stored: np.ndarray, m: int, seed: int = 2) -> np.ndarray:
    """Half within 31 of a stored hash, a quarter at 32-40 from one, a quarter unrelated."""
    rng = np.random.default_rng(seed)
    half, quarter = m // 2, m // 4
    near = flip_exact(rng, stored[rng.integers(0, len(stored), half)], rng.integers(0, 32, half))
    beyond = flip_exact(
        rng, stored[rng.integers(0, len(stored), quarter)], rng.integers(32, 41, quarter)
    )
    q = np.concatenate([near, beyond, random_hashes(rng, m - half - quarter)])
    return q[rng.permutation(m)]


def cached(name: str, make):
    path = CACHE / f"{name}.npy"
    if path.exists():
        return np.load(path)
    arr = make()
    CACHE.mkdir(exist_ok=True)
    np.save(path, arr)
    return arr


def truth(stored, queries, workers):
    flags = np.zeros(len(stored), np.uint8)
    q, r, _ = search.run_batched(
        lambda qs: hamming.brute_search(qs, stored, len(stored), MAX_D, flags), queries, workers
    )
    return np.stack([q, r], axis=1)


def pairs_set(q, r) -> set[tuple[int, int]]:
    return set(zip(np.asarray(q).tolist(), np.asarray(r).tolist(), strict=True))


def recall(found: set, want: set) -> tuple[float, float]:
    hit = len(found & want)
    return (hit / len(want) if want else 1.0), (hit / len(found) if found else 1.0)


def to_bytes(words: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(words.astype(">u8")).view(np.uint8).reshape(-1, 32)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- machine limits --------------------------------------------------------------------------


def machine_limits() -> dict:
    big = np.ones(256 * 2**20 // 8, np.uint64)  # 256 MiB, well beyond cache
    dst = np.empty_like(big)
    np.copyto(dst, big)
    t = time.perf_counter()
    for _ in range(5):
        np.copyto(dst, big)
    copy_s = (time.perf_counter() - t) / 5
    words = np.arange(2**16, dtype=np.uint64)  # in L1/L2: pure popcount throughput
    hamming.popcount_throughput(words, 1)
    reps = 2000
    t = time.perf_counter()
    hamming.popcount_throughput(words, reps)
    pop_s = time.perf_counter() - t
    return {
        "copy_bandwidth_GBps": 2 * big.nbytes / copy_s / 1e9,  # read + write
        "popcounts_per_s_1core": len(words) * reps / pop_s,
    }


# --- runners ---------------------------------------------------------------------------------


def run_ours(stored, queries, sub, gt, workers, tmp: Path) -> dict:
    n = len(stored)
    ids = [f"h{i}" for i in range(n)]
    t = time.perf_counter()
    HashIndex.build(tmp / "ours", "pdq", ids, stored, auto_compact_at=None)
    build = time.perf_counter() - t
    t = time.perf_counter()
    index = HashIndex.open(tmp / "ours", workers=workers, auto_compact_at=None)
    open_s = time.perf_counter() - t
    index.search_words(queries[:200], MAX_D)  # fault in the hot pages of the postings once
    t = time.perf_counter()
    q, r, _, _ = index.search_words(queries, MAX_D)
    kernel_s = time.perf_counter() - t
    t = time.perf_counter()
    full = index.search(queries, MAX_D)
    api_s = time.perf_counter() - t
    t = time.perf_counter()
    qs, rs, _, _ = index.search_words(queries[:sub], MAX_D)
    sub_s = time.perf_counter() - t
    rec, prec = recall(pairs_set(q, r), pairs_set(gt[:, 0], gt[:, 1]))
    # Candidates verified per query (what the kernel actually touches), from the CSR offsets.
    snap = index._state.snap
    masks = hamming.flip_masks(1).astype(np.int64)
    off = np.asarray(snap.mih_offsets)
    cand = 0
    sample = queries[:1000]
    for j in range(16):
        chunk = ((sample[:, j >> 2] >> np.uint64(48 - 16 * (j & 3))) & np.uint64(0xFFFF)).astype(
            np.int64
        )
        keys = chunk[:, None] ^ masks[None, :]
        cand += int((off[j, keys + 1] - off[j, keys]).sum())
    adds = stored[:10_000] ^ np.uint64(0x5A5A5A5A5A5A5A5A)
    t = time.perf_counter()
    index.add([f"batch{i}" for i in range(10_000)], adds)
    add_batch = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(1000):
        index.add([f"one{i}"], adds[i : i + 1])
    add_single = (time.perf_counter() - t) * 10  # per 10 000, extrapolated from 1 000
    t = time.perf_counter()
    index.search_words(queries, MAX_D)
    after_adds_s = time.perf_counter() - t
    t = time.perf_counter()
    index.compact()
    compact_s = time.perf_counter() - t
    mem = dir_size(tmp / "ours" / "snap-000001")
    shutil.rmtree(tmp / "ours")
    return {
        "build_s": build,
        "open_s": open_s,
        "bytes_per_hash": mem / n,
        "qps": len(queries) / kernel_s,
        "qps_api": len(queries) / api_s,
        "qps_subset": sub / sub_s,
        "recall": rec,
        "precision": prec,
        "matches": int(len(q)),
        "matches_api": sum(map(len, full)),
        "candidates_per_query": cand / len(sample),
        "add_10k_batch_s": add_batch,
        "add_10k_single_s": add_single,
        "qps_with_11k_delta": len(queries) / after_adds_s,
        "compact_s": compact_s,
        "subset_pairs": pairs_set(qs, rs),
    }


def run_faiss(kind: str, stored, queries, gt_sub: set, workers, tmp: Path) -> dict:
    import faiss

    faiss.omp_set_num_threads(workers)
    codes = to_bytes(stored)
    qb = to_bytes(queries)
    t = time.perf_counter()
    if kind == "multihash":
        index = faiss.IndexBinaryMultiHash(256, 16, 16)
        index.nflip = 1
    else:
        index = faiss.IndexBinaryFlat(256)
    index.add(codes)
    build = time.perf_counter() - t
    path = str(tmp / f"{kind}.faiss")
    faiss.write_index_binary(index, path)
    size = os.path.getsize(path)
    del index
    t = time.perf_counter()
    index = faiss.read_index_binary(path)
    if kind == "multihash":
        index.nflip = 1
    open_s = time.perf_counter() - t
    found = set()
    t = time.perf_counter()
    for a in range(0, len(qb), 250):
        lims, _, labels = index.range_search(qb[a : a + 250], MAX_D + 1)  # strict <
        for i in range(len(lims) - 1):
            found.update((a + i, int(x)) for x in labels[lims[i] : lims[i + 1]])
    query_s = time.perf_counter() - t
    rec, prec = recall(found, gt_sub)
    adds = to_bytes(stored[:10_000] ^ np.uint64(0x5A5A5A5A5A5A5A5A))
    t = time.perf_counter()
    index.add(adds)
    add_batch = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(1000):
        index.add(adds[i : i + 1])
    add_single = (time.perf_counter() - t) * 10
    os.remove(path)
    return {
        "build_s": build,
        "open_s": open_s,
        "bytes_per_hash": size / len(stored),
        "qps": len(qb) / query_s,
        "recall": rec,
        "precision": prec,
        "add_10k_batch_s": add_batch,
        "add_10k_single_s": add_single,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument(
        "--baseline-queries",
        default="2000,1000",
        help="queries given to the FAISS baselines, per size (comma list)",
    )
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    subs = [int(s) for s in args.baseline_queries.split(",")]
    subs += [subs[-1]] * (len(sizes) - len(subs))
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if "Model name" in ln), "?"
    )
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "limits": machine_limits(),
        "runs": {},
    }
    print(json.dumps(report["limits"]), flush=True)
    for n, sub in zip(sizes, subs, strict=True):
        stored = cached(f"stored-{n}", lambda n=n: dataset(n))
        queries = cached(
            f"queries-{n}-{args.queries}", lambda s=stored: queries_for(s, args.queries)
        )
        t = time.perf_counter()
        gt = cached(
            f"truth-{n}-{args.queries}", lambda s=stored, q=queries: truth(s, q, args.workers)
        )
        print(f"n={n}: data + ground truth ready ({time.perf_counter() - t:.1f}s)", flush=True)
        gt_sub = pairs_set(*gt[gt[:, 0] < sub].T)
        with tempfile.TemporaryDirectory(dir=CACHE) as tmpdir:
            tmp = Path(tmpdir)
            run = {
                "queries": len(queries),
                "baseline_queries": sub,
                "near_queries_with_a_match": int(len(np.unique(gt[:, 0]))),
                "true_matches": int(len(gt)),
            }
            ours = run_ours(stored, queries, sub, gt, args.workers, tmp)
            sub_rec, _ = recall(ours.pop("subset_pairs"), gt_sub)
            ours["recall_subset"] = sub_rec
            run["ours"] = ours
            print(f"n={n} ours: {json.dumps(ours)}", flush=True)
            for kind in ("multihash", "flat"):
                res = run_faiss(kind, stored, queries[:sub], gt_sub, args.workers, tmp)
                run[kind] = res
                print(f"n={n} {kind}: {json.dumps(res)}", flush=True)
        run["speedup_vs_multihash"] = run["ours"]["qps_subset"] / run["multihash"]["qps"]
        run["speedup_vs_flat"] = run["ours"]["qps_subset"] / run["flat"]["qps"]
        report["runs"][str(n)] = run
        print(
            f"n={n}: {run['speedup_vs_multihash']:.1f}x MultiHash, "
            f"{run['speedup_vs_flat']:.1f}x Flat",
            flush=True,
        )
    out = CACHE / "matching-results.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"results in {out}")


if __name__ == "__main__":
    main()
