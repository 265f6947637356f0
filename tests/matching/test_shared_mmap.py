"""Serving processes map one snapshot: opening reads headers only, and pages are shared."""

from __future__ import annotations

import multiprocessing as mp

import numpy as np

from eucentre.matching import HashIndex, hamming

N = 300_000


def _status() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("RssAnon", "RssFile")):
                key, value, _ = line.split()
                out[key.rstrip(":")] = int(value) * 1024
    return out


def _serve(path: str, queries: np.ndarray, conn) -> None:
    # Load the compiled kernels first: the JIT's own memory is not what is measured here.
    tiny = np.zeros((1, 4), np.uint64)
    hamming.brute_search(tiny, tiny, 1, 64, np.zeros(1, np.uint8))
    before = _status()
    index = HashIndex.open(path, workers=1)
    opened = _status()
    # d = 64 scans every stored hash, so the whole hashes file is paged in.
    res = index.search(queries, 64)
    served = _status()
    conn.send(
        {
            "memmap": isinstance(index._state.snap.hashes, np.memmap),
            "open_anon": opened["RssAnon"] - before["RssAnon"],
            "open_file": opened["RssFile"] - before["RssFile"],
            "serve_anon": served["RssAnon"] - opened["RssAnon"],
            "serve_file": served["RssFile"] - opened["RssFile"],
            "result": [[(m.distance, m.id) for m in ms] for ms in res],
        }
    )


def test_two_processes_share_one_snapshot(tmp_path):
    rng = np.random.default_rng(3)
    stored = rng.integers(0, 2**63, (N, 4)).astype(np.uint64)
    HashIndex.build(tmp_path / "idx", "pdq", [f"h{i}" for i in range(N)], stored)
    hashes_bytes = N * 32
    queries = stored[:4]
    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    for _ in range(2):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(str(tmp_path / "idx"), queries, child))
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    reports = [p.recv() for p in pipes]
    for proc in procs:
        proc.join()
        assert proc.exitcode == 0
    for rep in reports:
        assert rep["memmap"]
        # Opening maps files but reads (almost) none of them, and copies nothing.
        assert rep["open_anon"] + rep["open_file"] < hashes_bytes // 4
        # Serving a full scan faults the file's pages in as shared file pages, not private copies.
        assert rep["serve_file"] > hashes_bytes // 2
        assert rep["serve_anon"] < hashes_bytes // 4
    assert reports[0]["result"] == reports[1]["result"]
    assert reports[0]["result"][0][0] == (0, "h0")
