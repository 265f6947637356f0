"""In-browser hashing for victims' requests, against the server's Python hasher side by side.

Run standalone: ``.venv/bin/python bench/victims.py [--quick] [--md5-mb 500]``. Debian's
Chromium (``/usr/bin/chromium``, or ``EUCENTRE_CHROMIUM``) runs the victims' page modules from
a loopback site (tests/victims/conftest_js.py); the baseline is ``eucentre.media.hash_file`` on
the same file in this process (numba loaded and warm, as in the server).

Measured, each the median of several runs:
- per image at 1024x768 and 4000x3000 (JPEG q90 and PNG): the worker's whole record (MD5,
  SHA-256, decoding, PDQ) from the File, against ``hash_file`` (digests, decoding, PDQ, its
  8 dihedral hashes) and ``hash_file`` without the dihedral hashes (the same work as the
  browser);
- MD5 throughput on a generated file (500 MB by default, in a temporary directory, deleted
  after): MD5 alone in the page, the worker's MD5 + SHA-256, against hashlib's MD5.
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.victims.conftest_js import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    Site,
    _handler,
    pattern,
)

from eucentre.media.hashing import HashOptions, hash_file  # noqa: E402
from eucentre.media.pdq import use_jit  # noqa: E402

SINGLE = HashOptions(dihedral=False)

MD5_IN_PAGE = """async ([selector, chunk]) => {
  const { Md5 } = await import("/static/victims/md5.js");
  const file = document.querySelector(selector).files[0];
  const started = performance.now();
  const md5 = new Md5();
  for (let offset = 0; offset < file.size; offset += chunk) {
    md5.update(new Uint8Array(await file.slice(offset, offset + chunk).arrayBuffer()));
  }
  return { md5: md5.digest(), ms: performance.now() - started };
}"""

# One worker kept for the whole run (started once, as the page does for a batch of files): the
# time is the file's round trip through it, from postMessage to its record.
TIMED_WORKER = """async ([selector]) => {
  const file = document.querySelector(selector).files[0];
  window.benchWorker ??= new Worker("/static/victims/hash-worker.js", { type: "module" });
  const worker = window.benchWorker;
  const started = performance.now();
  const record = await new Promise((resolve) => {
    worker.onmessage = (event) => { if (event.data.type !== "progress") resolve(event.data); };
    worker.postMessage({ id: 0, file });
  });
  return { record, ms: performance.now() - started };
}"""


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def write_random(path: Path, megabytes: int) -> None:
    rng = np.random.default_rng(1)
    with open(path, "wb") as out:
        for _ in range(megabytes):
            out.write(rng.bytes(1 << 20))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, a 100 MB file")
    parser.add_argument("--md5-mb", type=int, default=None, help="size of the MD5 file (MB)")
    args = parser.parse_args()
    runs = 3 if args.quick else 5
    megabytes = args.md5_mb or (100 if args.quick else 500)

    from playwright.sync_api import sync_playwright

    site = Site(url="")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    use_jit()

    print(f"victims in-browser hashing, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    python = platform.python_version()
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {python}")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"browser: Chromium {browser.version}")
        page = browser.new_page()
        page.goto(f"{site.url}/blank.html")
        directory = Path(tmp)
        rng = np.random.default_rng(2)

        print("\nper image (median ms)        browser   python   python-1   ratio   ratio-1")
        print("  (python: hash_file with its 8 dihedral hashes; -1: without, the browser's work)")
        for width, height in ((1024, 768), (4000, 3000)):
            pixels = pattern(rng, width, height)
            for suffix, options in ((".jpg", {"quality": 90}), (".png", {})):
                path = directory / f"bench-{width}x{height}{suffix}"
                Image.fromarray(pixels).save(path, **options)
                page.set_input_files("#files", str(path))
                page.evaluate(TIMED_WORKER, ["#files"])  # warm: modules compiled, caches filled
                browser_ms = statistics.median(
                    page.evaluate(TIMED_WORKER, ["#files"])["ms"] for _ in range(runs)
                )
                hash_file(path)
                python_ms = median_ms(lambda p=path: hash_file(p), runs)
                python1_ms = median_ms(lambda p=path: hash_file(p, options=SINGLE), runs)
                print(
                    f"  {width}x{height} {suffix[1:]:4} ({path.stat().st_size / 1e6:5.1f} MB)"
                    f" {browser_ms:7.0f}  {python_ms:7.0f}  {python1_ms:8.0f}"
                    f"   {browser_ms / python_ms:5.2f}   {browser_ms / python1_ms:6.2f}"
                )

        big = directory / "big.bin"
        write_random(big, megabytes)
        try:
            page.set_input_files("#files", str(big))
            size_mb = big.stat().st_size / 1e6
            md5_ms = []
            for _ in range(2 if args.quick else 3):
                out = page.evaluate(MD5_IN_PAGE, ["#files", 4 << 20])
                md5_ms.append(out["ms"])
            both = page.evaluate(TIMED_WORKER, ["#files"])
            started = time.perf_counter()
            digest = hashlib.md5(usedforsecurity=False)
            with open(big, "rb") as stream:
                while chunk := stream.read(4 << 20):
                    digest.update(chunk)
            hashlib_ms = (time.perf_counter() - started) * 1000
            assert out["md5"] == digest.hexdigest() == both["record"]["md5"]
            browser_md5 = size_mb / (statistics.median(md5_ms) / 1000)
            python_md5 = size_mb / (hashlib_ms / 1000)
            print(f"\n{size_mb:.0f} MB file ({megabytes} MiB)   MB/s    ratio to hashlib")
            print(f"  browser MD5          {browser_md5:6.0f}   {browser_md5 / python_md5:5.2f}")
            worker_mbs = size_mb / (both["ms"] / 1000)
            print(f"  worker MD5+SHA-256   {worker_mbs:6.0f}   {worker_mbs / python_md5:5.2f}")
            print(f"  hashlib MD5          {python_md5:6.0f}   1.00")
        finally:
            big.unlink(missing_ok=True)
        browser.close()
    server.shutdown()
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
