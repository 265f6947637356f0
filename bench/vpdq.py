"""vPDQ lookup benchmark: the frame index's narrowing against comparing every stored video.

    .venv/bin/python bench/vpdq.py [--videos 2000] [--frames 60] [--queries 100] [--quick]

Stored: `--videos` synthetic videos of `--frames` frames each (random 256-bit frame hashes, with
runs of near-identical consecutive frames as real footage has). Queries: a quarter are
re-encodings of stored videos (every frame a few bits off, some frames lost), a quarter share
half their frames with a stored video (below the 80 % rule), half are unrelated.

Side by side, same data, same process:
    baseline  `vpdq_compare` of every query against every stored video (what lookups did before)
    ours      `eucentre.indicators.lookup` entries in a `HashIndex` of distinct frames, the
              indexed search for candidates, then `vpdq_compare` on the candidates only

Both must give the same matches (checked); the script prints queries per second and the ratio.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from eucentre.indicators.lookup import frame_entries, indicator_of  # noqa: E402
from eucentre.matching import HashIndex  # noqa: E402
from eucentre.media.video import VPDQ_DISTANCE_THRESHOLD, vpdq_compare  # noqa: E402


def flip(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(256), bits):
        value ^= 1 << bit
    return value


def video(rng: random.Random, frames: int) -> list[int]:
    """Scenes of 1-10 near-identical frames, as sampled footage looks."""
    out: list[int] = []
    while len(out) < frames:
        scene = rng.getrandbits(256)
        out.extend(flip(scene, rng.randrange(0, 6), rng) for _ in range(rng.randrange(1, 11)))
    return out[:frames]


def as_hex(frames: list[int]) -> list[str]:
    return [f"{f:064x}" for f in frames]


def make_queries(rng: random.Random, stored: list[list[int]], count: int, frames: int):
    queries = []
    for n in range(count):
        kind = n % 4
        if kind == 0:  # a re-encoded copy: a few bits off, a few frames lost
            source = rng.choice(stored)
            kept = [f for f in source if rng.random() > 0.05]
            queries.append([flip(f, rng.randrange(0, 9), rng) for f in kept])
        elif kind == 1:  # half of a stored video, half new footage
            source = rng.choice(stored)
            queries.append(source[: frames // 2] + video(rng, frames - frames // 2))
        else:
            queries.append(video(rng, frames))
    return [as_hex(q) for q in queries]


def baseline(stored: list[tuple[int, list[str]]], queries: list[list[str]]) -> list[set[int]]:
    return [
        {i for i, frames in stored if vpdq_compare(query, frames).is_match} for query in queries
    ]


def ours(index: HashIndex, by_id: dict[int, list[str]], queries: list[list[str]]) -> list[set[int]]:
    flat = [frame for query in queries for frame in query]
    found = index.search(flat, VPDQ_DISTANCE_THRESHOLD)
    results, start = [], 0
    for query in queries:
        hits = found[start : start + len(query)]
        start += len(query)
        candidates = {indicator_of(m.id) for matches in hits for m in matches}
        results.append({i for i in candidates if vpdq_compare(query, by_id[i]).is_match})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=2000)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="200 videos, 20 queries")
    args = parser.parse_args()
    if args.quick:
        args.videos, args.queries = 200, 20
    rng = random.Random(20261125)
    raw = [video(rng, args.frames) for _ in range(args.videos)]
    stored = [(n + 1, as_hex(frames)) for n, frames in enumerate(raw)]
    by_id = dict(stored)
    queries = make_queries(rng, raw, args.queries, args.frames)

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        entries = [e for i, frames in stored for e in frame_entries(i, ",".join(frames))]
        index = HashIndex.build(
            Path(tmp) / "frames", "pdq", [e for e, _ in entries], [v for _, v in entries]
        )
        build = time.perf_counter() - started
        ours(index, by_id, queries[:2])  # compile the search kernels before timing

        started = time.perf_counter()
        expected = baseline(stored, queries)
        base_time = time.perf_counter() - started
        started = time.perf_counter()
        got = ours(index, by_id, queries)
        our_time = time.perf_counter() - started

    assert got == expected, "the frame index changed the answer"
    matched = sum(1 for r in got if r)
    print(
        f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}"
    )
    print(
        f"{args.videos} stored videos x {args.frames} frames ({len(entries)} distinct frames "
        f"indexed in {build:.2f} s), {args.queries} queries, {matched} matched"
    )
    print(f"baseline (compare every video): {args.queries / base_time:10.1f} queries/s")
    print(f"ours (frame index, then rule):  {args.queries / our_time:10.1f} queries/s")
    print(f"ratio: {base_time / our_time:.1f}x, same matches")


if __name__ == "__main__":
    main()
