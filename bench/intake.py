"""Report intake benchmark: reports per second end to end and the POST's latency, on SQLite and
PostgreSQL, against a floor endpoint served by the same server in the same run.

    .venv/bin/python bench/intake.py [--reports 300] [--clients 4] [--engines sqlite,postgresql]
        [--quick] [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

For each engine: a fresh data dir (and, for PostgreSQL, a fresh database eucentre_bench_<hex>,
dropped at the end), `eucentre db upgrade`, `eucentre demo load`, then a real server subprocess
running `eucentre serve` (the CLI's own serve function, with the embedded task consumer on and
tasks queued, not immediate) with one extra route, the baseline:

    POST /bench/floor   reads the same multipart body and writes the file to disk, nothing else:
                        the floor cost of HTTP, the platform's middleware and multipart parsing.

Each report carries one 512 px PNG: half are the verified demo images (they match an indicator
and are referred), half are new benign patterns (no match). `--clients` threads POST them as fast
as they are answered; one poller thread follows the oldest unfinished report
(`GET /api/v1/reports/{id}`) until its status is no longer received/assessing.

Measured: POST p50/p99 with `--clients` concurrent clients, reports accepted per second, and end
to end reports per second = reports assessed / wall time from the first POST to the last report
assessed. The floor is run with the same clients and bodies before and after the intake run (its
numbers are pooled), so the printed ratios are intake over floor in the same server and run.
Raw results go to bench/.cache/intake-results.json.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import io
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE = Path(__file__).parent / ".cache"
PROVIDER_KEY = "euc_demoprov01_provider-demo-key-not-secret"
VERIFIED_DEMO_IMAGES = 4  # eucentre.demo.data.VERIFIED_DEMO_IMAGES: demo-pattern-1..4 verified
NEW_SEED = 50_000  # new benign patterns: far from the demo seeds (1-6) and the guard's (100)
IN_PROGRESS = {"received", "assessing"}
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REQUEST_TIMEOUT = 90  # seconds; a POST this slow means the server is stuck (SQLite waits 30 s)


# --- the server side (runs in the subprocess) ---------------------------------------------


def add_floor_route(app, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """The baseline: read the multipart body, write each file to disk, answer 201."""
    folder.mkdir(parents=True, exist_ok=True)

    async def floor(request: Request) -> JSONResponse:
        form = await request.form()
        written = 0
        for part in form.getlist("files"):
            if isinstance(part, UploadFile):
                data = await part.read()
                path = folder / secrets.token_hex(8)
                await run_in_threadpool(path.write_bytes, data)
                written += len(data)
        return JSONResponse({"bytes": written}, status_code=201)

    app.add_api_route("/bench/floor", floor, methods=["POST"], include_in_schema=False)


def serve_with_floor(port: int) -> None:
    """`eucentre serve --port PORT`, with the floor route added to the app it creates."""
    import eucentre.app as app_module
    from eucentre.operations.cli import serve

    original = app_module.create_app

    def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
        app = original(*args, **kwargs)
        add_floor_route(app, Path(os.environ["BENCH_FLOOR_DIR"]))
        return app

    app_module.create_app = create_app  # serve() imports it from the module when called
    serve(host="127.0.0.1", port=port)


# --- workload -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    n: int
    image: bytes
    matching: bool


def png_of(seed: int) -> bytes:
    from eucentre.demo.media import pattern

    buffer = io.BytesIO()
    pattern(seed).save(buffer, format="PNG")
    return buffer.getvalue()


def report_json(n: int) -> str:
    now = dt.datetime.now(dt.UTC)
    return json.dumps(
        {
            "provider_reference": f"bench-{n}",
            "incident_type": "known_material",
            "incident_time": (now - dt.timedelta(hours=2)).isoformat(),
            "urgent": False,
            "content_removed": True,
            "description": "Image shared in a public group (benchmark, benign pattern).",
            "reported_users": [
                {
                    "identifiers": [f"user-{n}"],
                    "country": "DE",
                    "ip_events": [
                        {
                            "ip": "198.18.1.10",
                            "time": (now - dt.timedelta(hours=3)).isoformat(),
                            "event": "upload",
                        }
                    ],
                }
            ],
        }
    )


def make_jobs(count: int, demo_media: Path, first: int) -> list[Job]:
    """Alternating: a verified demo image (matches), a new benign pattern (does not)."""
    known = [
        (demo_media / f"demo-pattern-{seed}.png").read_bytes()
        for seed in range(1, VERIFIED_DEMO_IMAGES + 1)
    ]
    jobs = []
    for n in range(first, first + count):
        if n % 2 == 0:
            jobs.append(Job(n, known[(n // 2) % len(known)], True))
        else:
            jobs.append(Job(n, png_of(NEW_SEED + n), False))
    return jobs


def multipart(job: Job) -> list:
    return [
        ("report", (None, report_json(job.n), "application/json")),
        ("files", (f"image-{job.n}.png", job.image, "image/png")),
    ]


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    ids: list[tuple[int, str]] = field(default_factory=list)  # (job n, report id) in POST order
    errors: list[str] = field(default_factory=list)
    first_start: float = 0.0
    last_end: float = 0.0
    aborted: bool = False


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def post_all(base: str, path: str, jobs: list[Job], clients: int, on_created=None) -> Run:  # type: ignore[no-untyped-def]
    """`clients` threads POST the jobs, each as soon as its previous one was answered."""
    run = Run()
    queue = collections.deque(jobs)
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {PROVIDER_KEY}"}

    def client() -> None:
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
            while True:
                with lock:
                    if not queue or run.aborted:
                        return
                    job = queue.popleft()
                body = multipart(job)
                started = time.perf_counter()
                with lock:
                    if not run.first_start:
                        run.first_start = started
                try:
                    response = http.post(path, files=body, headers=headers)
                except httpx.HTTPError as failed:
                    with lock:
                        run.errors.append(f"job {job.n}: {type(failed).__name__}: {failed}")
                        # The server stopped answering (see the report): give up on this run.
                        run.aborted = run.aborted or isinstance(failed, httpx.TimeoutException)
                    continue
                ended = time.perf_counter()
                with lock:
                    run.last_end = max(run.last_end, ended)
                    if response.status_code != 201:
                        run.errors.append(
                            f"job {job.n}: {response.status_code} {response.text[:300]}"
                        )
                        continue
                    run.latencies.append(ended - started)
                    if on_created is not None:
                        report_id = response.json()["id"]
                        run.ids.append((job.n, report_id))
                        on_created(report_id)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return run


class Poller(threading.Thread):
    """Follows the oldest report not yet seen finished; records when each was seen finished."""

    def __init__(self, base: str, deadline: float) -> None:
        super().__init__(daemon=True)
        self.base, self.deadline = base, deadline
        self.pending: collections.deque[str] = collections.deque()
        self.done_at: dict[str, float] = {}
        self.status: collections.Counter[str] = collections.Counter()
        self.posting_done = threading.Event()
        self.requests = 0
        self.errors: list[str] = []

    def add(self, report_id: str) -> None:
        self.pending.append(report_id)

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {PROVIDER_KEY}"}
        with httpx.Client(base_url=self.base, timeout=60) as http:
            while time.perf_counter() < self.deadline:
                if not self.pending:
                    if self.posting_done.is_set():
                        return
                    time.sleep(0.02)
                    continue
                report_id = self.pending[0]
                try:
                    response = http.get(f"/api/v1/reports/{report_id}", headers=headers)
                except httpx.HTTPError as failed:
                    self.errors.append(f"GET {report_id}: {type(failed).__name__}")
                    continue
                finally:
                    self.requests += 1
                if response.status_code != 200:
                    self.errors.append(
                        f"GET {report_id}: {response.status_code} {response.text[:200]}"
                    )
                    time.sleep(0.2)
                    continue
                status = response.json()["status"]
                if status in IN_PROGRESS:
                    time.sleep(0.05)
                    continue
                self.done_at[report_id] = time.perf_counter()
                self.status[status] += 1
                self.pending.popleft()


def floor_run(base: str, jobs: list[Job], clients: int) -> Run:
    return post_all(base, "/bench/floor", jobs, clients)


def intake_run(base: str, jobs: list[Job], clients: int, timeout: float) -> dict:
    poller = Poller(base, time.perf_counter() + timeout)
    poller.start()
    run = post_all(base, "/api/v1/reports", jobs, clients, on_created=poller.add)
    backlog = len(poller.pending)
    if run.aborted:
        poller.deadline = time.perf_counter() + 10
    poller.posting_done.set()
    poller.join(timeout=timeout + 5)
    stuck = list(poller.pending)
    finished = list(poller.done_at.values())
    return {
        "run": run,
        "backlog_when_posting_ended": backlog,
        "assessed": len(finished),
        "stuck": stuck,
        "status": dict(poller.status),
        "last_assessed": max(finished) if finished else float("nan"),
        "poll_requests": poller.requests,
        "poll_errors": poller.errors,
    }


def wait_until_done(base: str, ids: list[str], timeout: float) -> list[str]:
    """Ids still in progress after `timeout` seconds."""
    headers = {"Authorization": f"Bearer {PROVIDER_KEY}"}
    deadline = time.perf_counter() + timeout
    left = list(ids)
    with httpx.Client(base_url=base, timeout=60) as http:
        while left and time.perf_counter() < deadline:
            try:
                status = http.get(f"/api/v1/reports/{left[0]}", headers=headers).json()["status"]
            except (httpx.HTTPError, ValueError, KeyError):
                status = "received"
            if status in IN_PROGRESS:
                time.sleep(0.1)
            else:
                left.pop(0)
    return left


# --- environment --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_admin(url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def postgres_answers(url: str) -> str | None:
    """None when the server answers, else why not."""
    from sqlalchemy import text

    try:
        engine = postgres_admin(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as failed:  # noqa: BLE001 - any failure means: skip PostgreSQL
        return f"{type(failed).__name__}: {str(failed).splitlines()[0]}"
    return None


class Environment:
    """Data dir, database and a running server for one engine; everything removed on close."""

    def __init__(self, engine: str, pg_url: str) -> None:
        self.engine, self.pg_url = engine, pg_url
        self.tmp = Path(tempfile.mkdtemp(prefix=f"eucentre-bench-intake-{engine}-"))
        self.data = self.tmp / "data"
        self.database: str | None = None
        self.server: subprocess.Popen | None = None
        self.log_path = self.tmp / "server.log"
        self.env = {
            **os.environ,
            "EUCENTRE_ENVIRONMENT": "development",
            "EUCENTRE_DATA_DIR": str(self.data),
            "EUCENTRE_SECRET_KEY": secrets.token_urlsafe(48),
            "EUCENTRE_EMBEDDED_WORKER": "true",
            "EUCENTRE_TASKS_IMMEDIATE": "false",
            "BENCH_FLOOR_DIR": str(self.tmp / "floor"),
        }
        for name in ("EUCENTRE_DATABASE_URL", "EUCENTRE_REDIS_URL", "EUCENTRE_WORKER_THREADS"):
            self.env.pop(name, None)

    def __enter__(self) -> Environment:
        try:
            self._prepare()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _cli(self, *args: str) -> None:
        subprocess.run(
            [str(BIN / "eucentre"), *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _prepare(self) -> None:
        from sqlalchemy import make_url, text

        if self.engine == "postgresql":
            self.database = f"eucentre_bench_{secrets.token_hex(5)}"
            admin = postgres_admin(self.pg_url)
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.database}"'))
            admin.dispose()
            self.env["EUCENTRE_DATABASE_URL"] = (
                make_url(self.pg_url)
                .set(database=self.database)
                .render_as_string(hide_password=False)
            )
        self._cli("db", "upgrade")
        self._cli("demo", "load")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        with self.log_path.open("wb") as log:
            self.server = subprocess.Popen(
                [sys.executable, __file__, "--serve", str(self.port)],
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {self.log_path}")
            time.sleep(0.2)

    def server_log_problems(self) -> list[str]:
        problems = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                level = json.loads(line).get("level", "")
            except (json.JSONDecodeError, AttributeError):
                level = "ERROR" if "Traceback" in line or "Error" in line else ""
            if str(level).upper() in ("ERROR", "CRITICAL", "WARNING"):
                problems.append(line[:400])
        return problems

    def close(self) -> None:
        from sqlalchemy import text

        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.database:
            admin = postgres_admin(self.pg_url)
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
            admin.dispose()
            self.database = None
        if os.environ.get("BENCH_KEEP"):
            print(f"  kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# --- one engine ---------------------------------------------------------------------------


def hashing_ms(jobs: list[Job]) -> float:
    """What hashing one of these images costs in this process (the worker does the same)."""
    from eucentre.media.hashing import hash_bytes

    sample = [job.image for job in jobs[:20]]
    hash_bytes(sample[0])  # numba compile / cache load, not timed
    started = time.process_time()
    for data in sample:
        hash_bytes(data)
    return (time.process_time() - started) / len(sample) * 1000


def bench_engine(engine: str, args: argparse.Namespace) -> dict:
    print(f"\n== {engine}: preparing (migrate, demo data, server) ...", flush=True)
    with Environment(engine, args.postgres_url) as env:
        demo_media = env.data / "demo-media"
        warm = make_jobs(args.clients * 2, demo_media, first=0)
        jobs = make_jobs(args.reports, demo_media, first=1000)
        # Warm-up, untimed: first requests, numba kernels in the workers, connection pools.
        floor_run(env.base, warm, args.clients)
        warmed = post_all(
            env.base, "/api/v1/reports", warm, args.clients, on_created=lambda _: None
        )
        if warmed.errors:
            print("  warm-up errors:", *warmed.errors[:5], sep="\n    ")
        left = wait_until_done(env.base, [i for _, i in warmed.ids], timeout=300)
        if left:
            print(f"  warm-up: {len(left)} report(s) still in progress after 300 s")
        if warmed.aborted:
            problems = env.server_log_problems()
            print(f"  {env.engine}: the server stopped answering during the warm-up; skipped")
            for line in problems[:5]:
                print("   ", line[:300])
            return {"engine": engine, "failed": "server stopped answering during warm-up"}

        print(f"== {engine}: floor, {len(jobs)} POSTs ...", flush=True)
        floor_before = floor_run(env.base, jobs, args.clients)
        print(f"== {engine}: intake, {len(jobs)} reports ...", flush=True)
        cpu_server_0, cpu_self_0 = cpu_seconds(env.server.pid), time.process_time()
        load_0 = os.getloadavg()[0]
        intake = intake_run(env.base, jobs, args.clients, timeout=args.timeout)
        cpu_server = cpu_seconds(env.server.pid) - cpu_server_0
        cpu_clients = time.process_time() - cpu_self_0
        load_1 = os.getloadavg()[0]
        print(f"== {engine}: floor again ...", flush=True)
        floor_after = floor_run(env.base, jobs, args.clients)
        problems = env.server_log_problems()
        try:
            metrics = httpx.get(f"{env.base}/metrics", timeout=10).text
        except httpx.HTTPError:
            metrics = ""
        hash_ms = hashing_ms(jobs)

    run: Run = intake["run"]
    floor_lat = floor_before.latencies + floor_after.latencies
    floor_rates = [
        len(r.latencies) / (r.last_end - r.first_start)
        for r in (floor_before, floor_after)
        if r.latencies
    ]
    wall = intake["last_assessed"] - run.first_start
    post_wall = run.last_end - run.first_start
    server_post = metric_mean(metrics, "/api/v1/reports", "POST")
    result = {
        "engine": engine,
        "reports": len(jobs),
        "clients": args.clients,
        "accepted": len(run.latencies),
        "assessed": intake["assessed"],
        "stuck": intake["stuck"],
        "final_status": intake["status"],
        "post_p50_ms": pct(run.latencies, 0.5) * 1000,
        "post_p99_ms": pct(run.latencies, 0.99) * 1000,
        "post_mean_ms_server": server_post * 1000 if server_post else None,
        "accepted_per_s": len(run.latencies) / post_wall if post_wall > 0 else float("nan"),
        "end_to_end_per_s": intake["assessed"] / wall if wall > 0 else float("nan"),
        "wall_s": wall,
        "post_wall_s": post_wall,
        "backlog_when_posting_ended": intake["backlog_when_posting_ended"],
        "drain_s": intake["last_assessed"] - run.last_end,
        "floor_p50_ms": pct(floor_lat, 0.5) * 1000,
        "floor_p99_ms": pct(floor_lat, 0.99) * 1000,
        "floor_per_s": statistics.median(floor_rates) if floor_rates else float("nan"),
        "floor_per_s_before_after": floor_rates,
        "server_cpu_s": cpu_server,
        "server_cpu_per_report_ms": cpu_server / max(1, intake["assessed"]) * 1000,
        "server_cpu_share_of_2_cores": cpu_server / (2 * wall) if wall > 0 else None,
        "bench_process_cpu_s": cpu_clients,
        "hash_ms_per_image": hash_ms,
        "load_average": [load_0, load_1],
        "poll_requests": intake["poll_requests"],
        "errors": run.errors + floor_before.errors + floor_after.errors + intake["poll_errors"],
        "server_log_problems": problems[:50],
        "server_log_problem_count": len(problems),
    }
    result["ratio_p50"] = result["post_p50_ms"] / result["floor_p50_ms"]
    result["ratio_p99"] = result["post_p99_ms"] / result["floor_p99_ms"]
    result["ratio_throughput"] = result["floor_per_s"] / result["end_to_end_per_s"]
    return result


def metric_mean(text: str, route: str, method: str) -> float | None:
    """Mean server-side latency of a route from the Prometheus text (sum / count)."""
    values = {}
    for line in text.splitlines():
        if (
            line.startswith("#")
            or f'route="{route}"' not in line
            or f'method="{method}"' not in line
        ):
            continue
        name = line.split("{", 1)[0]
        if name.endswith("_sum") or name.endswith("_count"):
            values[name.rsplit("_", 1)[1]] = float(line.rsplit(" ", 1)[1])
    if values.get("count"):
        return values["sum"] / values["count"]
    return None


# --- report -------------------------------------------------------------------------------


def print_table(results: list[dict]) -> None:
    rows = [
        ("reports (accepted / assessed)", lambda r: f"{r['accepted']} / {r['assessed']}"),
        ("end to end, reports/s", lambda r: f"{r['end_to_end_per_s']:.1f}"),
        ("accepted (POST phase), reports/s", lambda r: f"{r['accepted_per_s']:.1f}"),
        ("POST p50 / p99, ms", lambda r: f"{r['post_p50_ms']:.0f} / {r['post_p99_ms']:.0f}"),
        (
            "floor POST p50 / p99, ms",
            lambda r: f"{r['floor_p50_ms']:.1f} / {r['floor_p99_ms']:.1f}",
        ),
        ("floor, requests/s", lambda r: f"{r['floor_per_s']:.0f}"),
        (
            "ratio POST p50 / p99 (intake ÷ floor)",
            lambda r: f"{r['ratio_p50']:.1f}× / {r['ratio_p99']:.1f}×",
        ),
        ("ratio throughput (floor ÷ end to end)", lambda r: f"{r['ratio_throughput']:.1f}×"),
        (
            "wall: posting / until last assessed, s",
            lambda r: f"{r['post_wall_s']:.1f} / {r['wall_s']:.1f}",
        ),
        ("backlog when posting ended", lambda r: str(r["backlog_when_posting_ended"])),
        ("server CPU per report, ms", lambda r: f"{r['server_cpu_per_report_ms']:.0f}"),
        (
            "server CPU share of 2 cores",
            lambda r: f"{100 * r['server_cpu_share_of_2_cores']:.0f} %",
        ),
        ("hashing one image, ms CPU", lambda r: f"{r['hash_ms_per_image']:.0f}"),
        (
            "final statuses",
            lambda r: ", ".join(f"{k} {v}" for k, v in sorted(r["final_status"].items())),
        ),
        (
            "errors / stuck / server log warnings",
            lambda r: f"{len(r['errors'])} / {len(r['stuck'])} / {r['server_log_problem_count']}",
        ),
        (
            "load average before / after",
            lambda r: f"{r['load_average'][0]:.1f} / {r['load_average'][1]:.1f}",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print()
    print(" " * width + "".join(f"  {r['engine']:>22}" for r in results))
    for name, cell in rows:
        print(f"{name:<{width}}" + "".join(f"  {cell(r):>22}" for r in results))
    for r in results:
        for line in (r["errors"] + r["server_log_problems"])[:10]:
            print(f"  [{r['engine']}] {line}")
        if r["stuck"]:
            print(f"  [{r['engine']}] stuck in received/assessing: {r['stuck'][:20]}")


def machine() -> dict:
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            "",
        )
    except OSError:
        pass
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="50 reports")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for assessment")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_with_floor(args.serve)
        return
    if args.quick:
        args.reports = 50
    # `timeout` or Ctrl-C: unwind, so servers stop and temporary databases are dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"intake benchmark: {args.reports} reports, {args.clients} clients; {machine()}")
    results = []
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        if engine == "postgresql":
            why = postgres_answers(args.postgres_url)
            if why:
                print(f"\n== postgresql: skipped, the server does not answer ({why})")
                continue
        results.append(bench_engine(engine, args))
    for failed in [r for r in results if "failed" in r]:
        print(f"\n{failed['engine']}: {failed['failed']}")
    if any("failed" not in r for r in results):
        print_table([r for r in results if "failed" not in r])
    if not results:
        return
    CACHE.mkdir(exist_ok=True)
    out = CACHE / "intake-results.json"
    out.write_text(json.dumps({"machine": machine(), "results": results}, indent=2, default=str))
    print(f"\nraw results: {out}")


if __name__ == "__main__":
    main()
