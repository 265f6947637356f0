"""Refusing an oversized anonymous body: how long the refusal takes and how much the server's
memory grows, against a real `eucentre serve`, next to a minimal accepted request.

    .venv/bin/python bench/refusal.py [--megabytes 200] [--rounds 5]

A fresh data dir, `eucentre db upgrade`, then `eucentre serve` in its own process (its TMPDIR a
directory of the run's own). Baseline: `GET /healthz`, the smallest request the server accepts.
Measured, each `--rounds` times: an anonymous multipart upload of `--megabytes` MB streamed to
`POST /api/v1/reports/1/files`, once with its Content-Length declared and once chunked, from the
first byte sent to the refusal received; the server's resident memory (VmRSS, VmHWM from
/proc) before and after all rounds, and the bytes left in its TMPDIR. Also the same size as
an anonymous JSON body to `POST /api/v1/lookup` (declared length).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
CHUNK = 1024 * 1024
HEAD = (
    b'--b0undary\r\nContent-Disposition: form-data; name="files"; filename="a.bin"\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n"
)


def memory_kib(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def body(megabytes: int) -> Iterator[bytes]:
    yield HEAD
    block = b"x" * CHUNK
    for _ in range(megabytes):
        yield block


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="eucentre-refusal-") as scratch:
        data, tmp = Path(scratch) / "data", Path(scratch) / "tmp"
        tmp.mkdir()
        env = {
            **os.environ,
            "EUCENTRE_DATA_DIR": str(data),
            "EUCENTRE_ENVIRONMENT": "test",
            "EUCENTRE_EMBEDDED_WORKER": "false",
            "EUCENTRE_LOG_LEVEL": "WARNING",
            "TMPDIR": str(tmp),
        }
        env.pop("EUCENTRE_DATABASE_URL", None)
        subprocess.run(
            [BIN / "eucentre", "db", "upgrade"], env=env, check=True, capture_output=True
        )
        port = 8731
        server = subprocess.Popen(
            [BIN / "eucentre", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            run(url, server.pid, args, tmp)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(url: str, pid: int, args: argparse.Namespace, tmp: Path) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        for _ in range(20):  # warm up
            client.get("/healthz")
        baseline = []
        for _ in range(200):
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            baseline.append(time.perf_counter() - started)
    before = memory_kib(pid)
    size = len(HEAD) + args.megabytes * CHUNK
    timings: dict[str, list[float]] = {"declared": [], "chunked": [], "json": []}
    statuses = set()
    for _ in range(args.rounds):
        for kind in timings:
            path, headers = (
                "/api/v1/reports/1/files",
                {"Content-Type": "multipart/form-data; boundary=b0undary"},
            )
            if kind != "chunked":
                headers["Content-Length"] = str(size)
            if kind == "json":
                path, headers["Content-Type"] = "/api/v1/lookup", "application/json"
            # A new connection each time: the server closes the one it refused on.
            with httpx.Client(base_url=url, timeout=120) as client:
                started = time.perf_counter()
                reply = client.post(path, content=body(args.megabytes), headers=headers)
                timings[kind].append(time.perf_counter() - started)
                statuses.add(reply.status_code)
    after = memory_kib(pid)

    floor = statistics.median(baseline)
    print(f"machine: {os.cpu_count()} cores (nproc), date {dt.date.today().isoformat()}")
    print(f"baseline GET /healthz: p50 {floor * 1000:.2f} ms over {len(baseline)} requests")
    for kind, values in timings.items():
        p50 = statistics.median(values)
        what = "JSON to /api/v1/lookup" if kind == "json" else f"multipart, {kind}"
        print(
            f"refusal, {args.megabytes} MB anonymous {what}: p50 {p50 * 1000:.2f} ms, "
            f"max {max(values) * 1000:.2f} ms ({p50 / floor:.1f}x the baseline), "
            f"statuses {sorted(statuses)}"
        )
    grown = (after["VmRSS"] - before["VmRSS"]) / 1024
    print(
        f"server RSS: {before['VmRSS'] / 1024:.1f} MiB before, {after['VmRSS'] / 1024:.1f} MiB "
        f"after {len(timings) * args.rounds} refusals ({grown:+.1f} MiB); "
        f"peak {before['VmHWM'] / 1024:.1f} -> {after['VmHWM'] / 1024:.1f} MiB"
    )
    print(f"bytes in the server's TMPDIR: {tree_bytes(tmp)}")


if __name__ == "__main__":
    main()
