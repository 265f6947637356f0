"""Intake under a sign-in flood: reports accepted per second with and without clients failing
sign-ins at the same time, on SQLite (where a transaction holds the one write lock).

    .venv/bin/python bench/signin_flood.py [--seconds 20] [--providers 4] [--attackers 6]
        [--src PATH]

A fresh data dir, `eucentre db upgrade`, `eucentre demo load`, then a real `eucentre serve`
subprocess (embedded consumer off, so only intake is measured). `--providers` threads POST small
JSON reports with the demo provider key as fast as they are answered, for `--seconds`:

1. alone (the baseline);
2. while `--attackers` threads fail sign-ins (GET /sign-in for the CSRF token, POST a wrong
   password for a demo account) as fast as they are answered, with the default limits;
3. the same with the limits raised out of reach (a new server on the same data), so that every
   attempt runs argon2: a flood from many addresses, which no per-client limit stops.

Printed: reports/s of each run and its ratio to the baseline. `--src` runs the server from
another source tree (e.g. an export of an older commit) to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PROVIDER_KEY = "euc_demoprov01_provider-demo-key-not-secret"
TARGET = "analyst@demo.eucentre.eu"
OUT_OF_REACH = "1000000000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def report(n: int) -> dict:
    now = dt.datetime.now(dt.UTC)
    return {
        "provider_reference": f"flood-{n}-{secrets.token_hex(4)}",
        "incident_type": "known_material",
        "incident_time": (now - dt.timedelta(hours=2)).isoformat(),
        "urgent": False,
        "content_removed": True,
        "description": "A report without files (benchmark, benign).",
        "reported_users": [{"identifiers": [f"user-{n}"], "country": "DE"}],
    }


class Server:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(BIN / "eucentre"), "serve", "--port", str(self.port)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {log}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def provider(base: str, stop: threading.Event, counts: list[int], errors: list[int]) -> None:
    headers = {"authorization": f"Bearer {PROVIDER_KEY}"}
    with httpx.Client(base_url=base, timeout=90, headers=headers) as client:
        n = 0
        while not stop.is_set():
            n += 1
            response = client.post("/api/v1/reports", json=report(n))
            if response.status_code in (200, 201, 202):
                counts.append(1)
            else:
                errors.append(response.status_code)


def attacker(base: str, stop: threading.Event, statuses: list[int]) -> None:
    with httpx.Client(base_url=base, timeout=90) as client:
        while not stop.is_set():
            page = client.get("/sign-in").text
            token = page.split('name="csrf_token" value="')[1].split('"')[0]
            response = client.post(
                "/sign-in",
                data={
                    "email": TARGET,
                    "password": f"wrong-{secrets.token_hex(4)}",
                    "code": "000000",
                    "csrf_token": token,
                    "next": "/staff",
                },
            )
            statuses.append(response.status_code)


def run(base: str, seconds: float, providers: int, attackers: int) -> dict:
    stop = threading.Event()
    counts: list[int] = []
    errors: list[int] = []
    statuses: list[int] = []
    threads = [
        threading.Thread(target=provider, args=(base, stop, counts, errors))
        for _ in range(providers)
    ] + [threading.Thread(target=attacker, args=(base, stop, statuses)) for _ in range(attackers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    return {
        "reports": len(counts),
        "reports_per_s": len(counts) / elapsed,
        "report_errors": len(errors),
        "sign_ins": len(statuses),
        "sign_ins_hashed": sum(1 for s in statuses if s == 401),
        "sign_ins_refused_429": sum(1 for s in statuses if s == 429),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--providers", type=int, default=4)
    parser.add_argument("--attackers", type=int, default=6)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="eucentre-bench-signin-"))
    log = tmp / "server.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(args.src.resolve()),
        "EUCENTRE_ENVIRONMENT": "development",
        "EUCENTRE_DATA_DIR": str(tmp / "data"),
        "EUCENTRE_SECRET_KEY": secrets.token_urlsafe(48),
        "EUCENTRE_EMBEDDED_WORKER": "false",
        "EUCENTRE_TASKS_IMMEDIATE": "false",
        "EUCENTRE_LOG_LEVEL": "WARNING",
    }
    for name in ("EUCENTRE_DATABASE_URL", "EUCENTRE_REDIS_URL"):
        env.pop(name, None)
    results: dict[str, dict] = {}
    try:
        for command in (("db", "upgrade"), ("demo", "load")):
            subprocess.run(
                [str(BIN / "eucentre"), *command],
                env=env,
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        server = Server(env, log)
        try:
            results["alone"] = run(server.base, args.seconds, args.providers, 0)
            results["flood, default limits"] = run(
                server.base, args.seconds, args.providers, args.attackers
            )
        finally:
            server.stop()
        unlimited = {
            **env,
            "EUCENTRE_SIGN_IN_MAX_FAILURES_PER_ACCOUNT": OUT_OF_REACH,
            "EUCENTRE_SIGN_IN_MAX_FAILURES_PER_ADDRESS": OUT_OF_REACH,
        }
        server = Server(unlimited, log)
        try:
            results["flood, every attempt hashed"] = run(
                server.base, args.seconds, args.providers, args.attackers
            )
        finally:
            server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    baseline = results["alone"]["reports_per_s"]
    print(
        f"sign-in flood: {args.providers} providers, {args.attackers} attackers, "
        f"{args.seconds:g} s per run, SQLite, nproc {os.cpu_count()}, "
        f"Python {platform.python_version()}, {dt.date.today().isoformat()}, src {args.src}"
    )
    for name, result in results.items():
        print(
            f"  {name:30s} {result['reports']:6d} reports  {result['reports_per_s']:7.1f}/s  "
            f"ratio {result['reports_per_s'] / baseline:5.2f}  sign-ins: "
            f"{result['sign_ins_hashed']} hashed, {result['sign_ins_refused_429']} refused 429, "
            f"report errors {result['report_errors']}"
        )
    cache = Path(__file__).parent / ".cache"
    cache.mkdir(exist_ok=True)
    (cache / "signin-flood-results.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
