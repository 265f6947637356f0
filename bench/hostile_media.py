"""The largest images the Centre accepts: time and peak memory to hash each, against Pillow's
decoding of the same file as the floor.

Each measurement runs in a fresh process (peak RSS is per process) and the numba kernels are
loaded before the clock starts, as in a worker. Cases (benign generated pictures):
- a flat 100 MP PNG (about 300 KB): the exact, reference-order path for near-flat pictures;
- a 100 MP PNG of gradients (smooth, so small), the normal path;
- a 40 MP JPEG of noise at quality 90.

    .venv/bin/python bench/hostile_media.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

SRC = Path(__file__).resolve().parents[1] / "src"

MEASURE = """
import json, sys, time
mode, path = sys.argv[1], sys.argv[2]
if mode == "hash":
    from eucentre.media.hashing import hash_file
    from eucentre.media.pdq import use_jit
    use_jit()
    started = time.perf_counter()
    record = hash_file(path)
    assert "pdq" in record, record
else:
    from PIL import Image
    Image.MAX_IMAGE_PIXELS = None
    started = time.perf_counter()
    with Image.open(path) as image:
        image.load()
elapsed = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent.
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak}))
"""


def make_cases(folder: Path) -> dict[str, Path]:
    cases = {}
    flat = folder / "flat-100mp.png"
    Image.new("RGB", (10_000, 10_000), (120, 130, 140)).save(flat)
    cases["flat PNG 100 MP"] = flat
    y, x = np.mgrid[0:10_000, 0:10_000]
    gradient = np.stack([(x // 40) % 256, (y // 40) % 256, ((x + y) // 80) % 256], axis=-1)
    smooth = folder / "gradient-100mp.png"
    Image.fromarray(gradient.astype(np.uint8)).save(smooth)
    cases["gradient PNG 100 MP"] = smooth
    rng = np.random.default_rng(1)
    noise = folder / "noise-40mp.jpg"
    Image.fromarray((rng.random((5_000, 8_000, 3)) * 255).astype(np.uint8)).save(noise, quality=90)
    cases["noise JPEG 40 MP"] = noise
    return cases


def measure(mode: str, path: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, mode, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs, median of {runs}")
    print(f"{'image':24} {'size':>9} {'decode':>8} {'hash':>8} {'ratio':>6} {'peak':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for name, path in make_cases(Path(folder)).items():
            decode = [measure("decode", path) for _ in range(runs)]
            hashed = [measure("hash", path) for _ in range(runs)]
            floor = statistics.median(m["seconds"] for m in decode)
            took = statistics.median(m["seconds"] for m in hashed)
            peak = max(m["peak_mb"] for m in hashed)
            size = path.stat().st_size / 1e6
            print(
                f"{name:24} {size:7.1f}MB {floor:7.2f}s {took:7.2f}s "
                f"{took / floor:5.1f}x {peak:6.0f}MB"
            )


if __name__ == "__main__":
    main()
