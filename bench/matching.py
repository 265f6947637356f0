"""Matching benchmark: eucentre.matching against FAISS IndexBinaryMultiHash and IndexBinaryFlat.

    .venv/bin/python bench/matching.py [--sizes 1000000,10000000] [--queries 10000]
        [--baseline-queries 2000,1000] [--workers 2] [--rounds 5] [--batch 250]

Same data, same threads, one run. Generated data, ground truth and results are cached under
bench/.cache/ (gitignored). Ground truth is an independent linear scan (not the MIH path).

Fairness: every system gets the same queries in the same batches (``--batch`` per call), the
same number of threads (``workers`` for ours, ``faiss.omp_set_num_threads`` for FAISS) and one
untimed warm-up batch. The timed comparison alternates ours / MultiHash / Flat for ``--rounds``
rounds and reports each one's median, so load from other processes on a shared machine hits all
three alike. Numba compile time (and the time to load the compiled kernels from numba's cache)
is measured in fresh processes and reported separately, never inside a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
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


def build_ours(stored, workers, tmp: Path) -> tuple[HashIndex, dict]:
    n = len(stored)
    ids = [f"h{i}" for i in range(n)]
    t = time.perf_counter()
    HashIndex.build(tmp / "ours", "pdq", ids, stored, auto_compact_at=None)
    build = time.perf_counter() - t
    t = time.perf_counter()
    index = HashIndex.open(tmp / "ours", workers=workers, auto_compact_at=None)
    open_s = time.perf_counter() - t
    mem = dir_size(tmp / "ours" / index.snapshot_name)
    return index, {"build_s": build, "open_s": open_s, "bytes_per_hash": mem / n}


def ours_all_queries(index: HashIndex, queries, gt, batch: int, rounds: int) -> dict:
    """All queries: recall against the full ground truth, kernel and ``search()`` throughput."""
    index.search_words(queries[:batch], MAX_D)  # warm-up
    kernel, api, one_call = [], [], []
    for _ in range(rounds):
        spent, raw = ours_query(index, queries, batch)
        kernel.append(spent)
        t = time.perf_counter()
        q, _, _, _ = index.search_words(queries, MAX_D)
        one_call.append(time.perf_counter() - t)
        t = time.perf_counter()
        full: list = []  # one list of Match per query, as the platform receives them
        for a in range(0, len(queries), batch):
            full.extend(index.search(queries[a : a + batch], MAX_D))
        api.append(time.perf_counter() - t)
    rec, prec = recall(ours_pairs(raw), pairs_set(gt[:, 0], gt[:, 1]))
    # Postings scanned per query (what the kernel streams), from the CSR offsets.
    snap = index._state.snap
    masks = hamming.flip_masks(1).astype(np.int64)
    off = np.asarray(snap.mih_offsets, np.int64)
    cand = 0
    sample = queries[:1000]
    for j in range(16):
        chunk = ((sample[:, j >> 2] >> np.uint64(48 - 16 * (j & 3))) & np.uint64(0xFFFF)).astype(
            np.int64
        )
        keys = chunk[:, None] ^ masks[None, :]
        cand += int((off[j, keys + 1] - off[j, keys]).sum())
    m = len(queries)
    return {
        "qps": m / float(np.median(kernel)),
        "qps_one_call": m / float(np.median(one_call)),
        "qps_api": m / float(np.median(api)),
        "recall": rec,
        "precision": prec,
        "matches": int(len(q)),
        "matches_api": sum(map(len, full)),
        "candidates_per_query": cand / len(sample),
    }


def ours_updates(index: HashIndex, stored, queries, batch: int) -> dict:
    adds = stored[:10_000] ^ np.uint64(0x5A5A5A5A5A5A5A5A)
    t = time.perf_counter()
    index.add([f"batch{i}" for i in range(10_000)], adds)
    add_batch = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(1000):
        index.add([f"one{i}"], adds[i : i + 1])
    add_single = (time.perf_counter() - t) * 10  # per 10 000, extrapolated from 1 000
    after_adds_s, _ = ours_query(index, queries, batch)
    t = time.perf_counter()
    index.compact()
    compact_s = time.perf_counter() - t
    return {
        "add_10k_batch_s": add_batch,
        "add_10k_single_s": add_single,
        "qps_with_11k_delta": len(queries) / after_adds_s,
        "compact_s": compact_s,
    }


def faiss_index(kind: str, stored, workers, tmp: Path):
    import faiss

    faiss.omp_set_num_threads(workers)
    codes = to_bytes(stored)
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
    os.remove(path)
    info = {"build_s": build, "open_s": open_s, "bytes_per_hash": size / len(stored)}
    return index, info


def faiss_query(index, qb: np.ndarray, batch: int) -> tuple[float, list]:
    """Seconds spent in ``range_search`` over all batches, and the raw per-batch results."""
    spent, raw = 0.0, []
    for a in range(0, len(qb), batch):
        t = time.perf_counter()
        lims, _, labels = index.range_search(qb[a : a + batch], MAX_D + 1)  # strict <
        spent += time.perf_counter() - t
        raw.append((a, lims, labels))
    return spent, raw


def faiss_pairs(raw: list) -> set[tuple[int, int]]:
    found = set()
    for a, lims, labels in raw:
        q = a + np.repeat(np.arange(len(lims) - 1), np.diff(lims.astype(np.int64)))
        found.update(zip(q.tolist(), labels.tolist(), strict=True))
    return found


def ours_query(index: HashIndex, queries: np.ndarray, batch: int) -> tuple[float, list]:
    """Seconds spent in ``search_words`` over all batches, and the raw per-batch results."""
    spent, raw = 0.0, []
    for a in range(0, len(queries), batch):
        t = time.perf_counter()
        q, r, _, _ = index.search_words(queries[a : a + batch], MAX_D)
        spent += time.perf_counter() - t
        raw.append((a, q, r))
    return spent, raw


def ours_pairs(raw: list) -> set[tuple[int, int]]:
    found = set()
    for a, q, r in raw:
        found.update(zip((q + a).tolist(), r.tolist(), strict=True))
    return found


def compare(ours: HashIndex, others: dict, queries, gt_sub: set, rounds: int, batch: int) -> dict:
    """Interleaved rounds on the same queries and batches; median queries/s of each system.

    Only the search calls are timed, for everyone; each system's native result arrays are
    turned into (query, row) sets for the recall check afterwards, outside the timing.
    """
    runners = {"ours": lambda q: ours_query(ours, q, batch)}
    pairs = {"ours": ours_pairs}
    for kind, index in others.items():
        runners[kind] = lambda q, index=index: faiss_query(index, to_bytes(q), batch)
        pairs[kind] = faiss_pairs
    for fn in runners.values():
        fn(queries[:batch])  # warm-up, untimed
    times: dict[str, list[float]] = {k: [] for k in runners}
    raw: dict[str, list] = {}
    for _ in range(rounds):
        for kind, fn in runners.items():
            spent, raw[kind] = fn(queries)
            times[kind].append(spent)
    out = {}
    for kind, ts in times.items():
        rec, prec = recall(pairs[kind](raw[kind]), gt_sub)
        out[kind] = {
            "qps": len(queries) / float(np.median(ts)),
            "qps_rounds": [len(queries) / x for x in ts],
            "recall": rec,
            "precision": prec,
        }
    for kind in others:
        ratios = [a / b for a, b in zip(times[kind], times["ours"], strict=True)]
        out[kind]["speedup_median_of_rounds"] = float(np.median(ratios))
    return out


def faiss_adds(index, stored) -> dict:
    adds = to_bytes(stored[:10_000] ^ np.uint64(0x5A5A5A5A5A5A5A5A))
    t = time.perf_counter()
    index.add(adds)
    add_batch = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(1000):
        index.add(adds[i : i + 1])
    return {"add_10k_batch_s": add_batch, "add_10k_single_s": (time.perf_counter() - t) * 10}


NUMBA_PROBE = """
import time, numpy as np
t = time.perf_counter()
from eucentre.matching import hamming, search
from eucentre.matching.snapshot import mih_tables
stored = np.random.default_rng(0).integers(0, 2**63, (5000, 4)).astype(np.uint64)
off, rec = mih_tables(stored)
flags = np.zeros(5000, np.uint8)
hamming.mih_search(stored[:2], stored, off, rec, hamming.flip_masks(1), 31, 1, flags)
hamming.brute_search(stored[:2], stored, 5000, 31, flags)
print(time.perf_counter() - t)
"""


def numba_compile_times() -> dict:
    """Seconds to import and first-call the kernels: with an empty numba cache (compile) and
    again with the cache that run wrote (what a serving process pays at start)."""
    import sys

    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", NUMBA_PROBE],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(2)
        ]
    return {"compile_s": runs[0], "cached_load_s": runs[1]}


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
    ap.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds (median)")
    ap.add_argument("--batch", type=int, default=250, help="queries per call, for everyone")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    subs = [int(s) for s in args.baseline_queries.split(",")]
    subs += [subs[-1]] * (len(sizes) - len(subs))
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (ln.split(":", 1)[1].strip() for ln in cpu.splitlines() if "Model name" in ln), "?"
    )
    import faiss

    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "faiss": faiss.__version__,
        "workers": args.workers,
        "batch": args.batch,
        "rounds": args.rounds,
        "numba": numba_compile_times(),
        "limits": machine_limits(),
        "loadavg_start": os.getloadavg(),
        "runs": {},
    }
    print(json.dumps({k: report[k] for k in ("numba", "limits")}), flush=True)
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
            run: dict = {
                "queries": len(queries),
                "baseline_queries": sub,
                "near_queries_with_a_match": int(len(np.unique(gt[:, 0]))),
                "true_matches": int(len(gt)),
            }
            index, ours = build_ours(stored, args.workers, tmp)
            ours.update(ours_all_queries(index, queries, gt, args.batch, args.rounds))
            print(f"n={n} ours: {json.dumps(ours)}", flush=True)
            others, infos = {}, {}
            for kind in ("multihash", "flat"):
                others[kind], infos[kind] = faiss_index(kind, stored, args.workers, tmp)
            cmp = compare(index, others, queries[:sub], gt_sub, args.rounds, args.batch)
            ours["subset"] = cmp.pop("ours")
            for kind in others:
                infos[kind].update(cmp[kind])
                infos[kind].update(faiss_adds(others[kind], stored))
                run[kind] = infos[kind]
                print(f"n={n} {kind}: {json.dumps(infos[kind])}", flush=True)
            others.clear()
            ours.update(ours_updates(index, stored, queries, args.batch))
            run["ours"] = ours
            print(f"n={n} ours subset: {json.dumps(ours['subset'])}", flush=True)
            del index
        for kind in ("multihash", "flat"):
            run[f"speedup_vs_{kind}"] = ours["subset"]["qps"] / run[kind]["qps"]
        report["runs"][str(n)] = run
        print(
            f"n={n}: {run['speedup_vs_multihash']:.1f}x MultiHash, "
            f"{run['speedup_vs_flat']:.1f}x Flat "
            f"(median of rounds: {run['multihash']['speedup_median_of_rounds']:.1f}x, "
            f"{run['flat']['speedup_median_of_rounds']:.1f}x)",
            flush=True,
        )
    report["loadavg_end"] = os.getloadavg()
    out = CACHE / "matching-results.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"results in {out}")


if __name__ == "__main__":
    main()
