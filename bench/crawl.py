"""Crawler benchmark: pages and images per second on loopback, end to end (fetch, parse, hash in
memory, match against verified indicators, record in the database frontier), against a plain
`httpx` fetch of the same URLs as the floor; and the crawler's memory with 100 000 URLs in its
frontier.

    .venv/bin/python bench/crawl.py [--pages 100] [--images-per-page 10] [--size 256]
        [--domains 1] [--frontier 100000]

The site is static files served by `python -m http.server` in a subprocess (so the server does
not share this process's interpreter), with benign generated images (seeded patterns, JPEG).
The database is a fresh migrated SQLite file holding 10 000 random verified PDQ indicators plus
one that a site image matches (so every image is looked up in a real index, and one is kept).

Runs, one after the other on the same site:
  floor    one httpx.Client GETs every page and image, one at a time, reading the bodies;
  hashing  the default hasher (`eucentre.media.hashing.hash_bytes` and the signal registry) on
           every image's bytes, nothing else: the cost of hashing alone;
  crawler  `eucentre.search` from the seed, with the politeness rule (one request at a time per
           registrable domain; with --domains N the pages are spread over N names that all
           resolve to 127.0.0.1, fetched by N workers).
Printed: pages/s and images/s for each, the crawler's ratio to the floor, and CPU seconds per
image. Then 100 000 URLs are put in a crawl's frontier and claimed: the process's RSS before,
after insertion and after claiming.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_site(root: Path, *, pages: int, per_page: int, size: int, hosts: list[str], port: int):

    from eucentre.demo.media import pattern

    (root / "img").mkdir(parents=True)
    images: list[str] = []
    page_urls: list[str] = []
    for n in range(pages):
        host = hosts[n % len(hosts)]
        links = []
        for k in range(per_page):
            name = f"img/{n}-{k}.jpg"
            buffer = io.BytesIO()
            pattern(1000 + n * per_page + k).resize((size, size)).save(buffer, "JPEG", quality=85)
            (root / name).write_bytes(buffer.getvalue())
            images.append(f"http://{host}:{port}/{name}")
            links.append(f'<img src="/{name}" alt="">')
        # The first page of each host links to every page of that host: depth 1.
        nxt = ""
        if n < len(hosts):
            nxt = "".join(
                f'<a href="/p{m}.html">{m}</a>' for m in range(n, pages, len(hosts)) if m != n
            )
        (root / f"p{n}.html").write_text(
            f"<html><body><h1>{n}</h1>{''.join(links)}{nxt}</body></html>"
        )
        page_urls.append(f"http://{host}:{port}/p{n}.html")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    return page_urls, images


def floor(urls: list[str], resolve: dict[str, str]) -> float:
    started = time.perf_counter()
    with httpx.Client(trust_env=False) as client:
        for url in urls:
            host = url.split("/")[2].split(":")[0]
            response = client.get(
                url.replace(host, resolve.get(host, host), 1), headers={"Host": host}
            )
            response.read()
    return time.perf_counter() - started


def hashing_only(images: list[bytes]) -> tuple[float, float]:
    from eucentre.search.media import hash_media

    cpu, started = time.process_time(), time.perf_counter()
    for data in images:
        hash_media(data, url="x", page_url="")
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--images-per-page", type=int, default=10)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--domains", type=int, default=1)
    parser.add_argument("--frontier", type=int, default=100_000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="eucentre-bench-crawl-"))
    os.environ.update(
        EUCENTRE_DATA_DIR=str(work / "data"),
        EUCENTRE_SECRET_KEY="bench-secret-" + "k" * 40,
        EUCENTRE_CRAWL_ALLOW_PRIVATE="true",
        EUCENTRE_LOG_LEVEL="WARNING",
    )
    from eucentre.blobs import blob_store
    from eucentre.config import Settings
    from eucentre.db import make_engine, make_session_factory, transaction
    from eucentre.indicators import service as indicator_service
    from eucentre.indicators.service import NewCandidate
    from eucentre.media.hashing import hash_bytes
    from eucentre.operations.migrations import upgrade
    from eucentre.rules.indicator_status import Action
    from eucentre.search import frontier, service
    from eucentre.search.running import build_crawler

    port = free_port()
    hosts = (
        ["127.0.0.1"] if args.domains == 1 else [f"site{n}.bench.test" for n in range(args.domains)]
    )
    resolve = {h: "127.0.0.1" for h in hosts}
    site = work / "site"
    pages, images = build_site(
        site,
        pages=args.pages,
        per_page=args.images_per_page,
        size=args.size,
        hosts=hosts,
        port=port,
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(site),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/robots.txt", trust_env=False)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        settings = Settings()
        url = settings.resolved_database_url
        upgrade(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        first_image = (site / images[0].split("/", 3)[3]).read_bytes()
        rng = random.Random(7)
        with transaction(factory) as session:
            values = [f"{rng.getrandbits(256):064x}" for _ in range(10_000)] + [
                hash_bytes(first_image)["pdq"]
            ]
            for value in values:
                indicator, _ = indicator_service.create(
                    session,
                    actor="bench",
                    source_kind="import",
                    source_name="bench",
                    candidate=NewCandidate("pdq", value, quality=90),
                )
                for analyst in ("user:1", "user:2"):
                    indicator_service.decide(
                        session, actor=analyst, indicator_id=indicator.id, action=Action.confirm
                    )
        urls = pages + images
        floor(urls[:20], resolve)  # warm up
        floor_seconds = floor(urls, resolve)
        blobs = [(site / u.split("/", 3)[3]).read_bytes() for u in images]
        hashing_only(blobs[:5])  # compile the kernels
        hash_seconds, hash_cpu = hashing_only(blobs)

        def resolver(host: str, port_: int) -> list[str]:
            return [resolve.get(host, host)]

        crawler = build_crawler(settings, factory, blobs=blob_store(settings), resolver=resolver)
        crawler.workers = max(args.domains, 1)
        with transaction(factory) as session:
            crawl_id = service.schedule(
                session,
                actor="bench",
                seeds=[pages[0]],
                max_pages=args.pages + 5,
                max_depth=2,
            ).id
        rss_before = rss_mib()
        cpu, started = time.process_time(), time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            summary = profile.runcall(crawler.run, crawl_id)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
        else:
            summary = crawler.run(crawl_id)
        crawl_seconds, crawl_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert summary is not None
        rss_crawl = rss_mib()

        # The frontier: 100 000 URLs in the database, claimed in batches; memory stays flat.
        from datetime import timedelta

        from eucentre.kit.time import utcnow

        with transaction(factory) as session:
            big = service.schedule(
                session, actor="bench", seeds=["http://127.0.0.1:9/"], max_pages=10, max_depth=1
            ).id
        rss_frontier_before = rss_mib()
        inserted = time.perf_counter()
        batch = []
        for n in range(args.frontier):
            u = f"http://d{n % 500}.bench.test/{n}/page.html"
            batch.append(frontier.NewUrl(u, f"{n:064x}", "page", 1, "", f"d{n % 500}.bench.test"))
            if len(batch) == 5000:
                with transaction(factory) as session:
                    frontier.add(session, big, batch, now=utcnow())
                batch = []
        if batch:
            with transaction(factory) as session:
                frontier.add(session, big, batch, now=utcnow())
        inserted = time.perf_counter() - inserted
        rss_frontier = rss_mib()
        claimed, claim_started = 0, time.perf_counter()
        for _ in range(20):
            with transaction(factory) as session:
                got = frontier.claim(
                    session,
                    big,
                    now=utcnow(),
                    domains=50,
                    per_domain=16,
                    lease=timedelta(seconds=1),
                )
                claimed += sum(len(g) for g in got.values())
        claim_seconds = time.perf_counter() - claim_started
        rss_claimed = rss_mib()
    finally:
        server.terminate()
        server.wait(timeout=10)

    n_pages, n_images = len(pages), len(images)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(
        f"machine: {machine}; {n_pages} pages x {args.images_per_page} JPEG {args.size}px, "
        f"{args.domains} domain(s)"
    )

    def row(name: str, seconds: float, pages_done: int | None, images_done: int) -> None:
        pages_rate = f"{pages_done / seconds:>10.1f}" if pages_done is not None else " " * 10
        ratio = floor_seconds / seconds
        print(f"{name:<10}{seconds:>9.2f}{pages_rate}{images_done / seconds:>10.1f}{ratio:>8.2f}")

    print(f"{'run':<10}{'seconds':>9}{'pages/s':>10}{'images/s':>10}{'ratio':>8}")
    row("floor", floor_seconds, n_pages, n_images)
    row("hashing", hash_seconds, None, n_images)
    row("crawler", crawl_seconds, summary.pages, summary.media)
    per_image = 1000 * crawl_cpu / max(summary.media, 1)
    print(
        f"crawler: {summary.pages} pages, {summary.media} images, {summary.matched} matched; "
        f"CPU {crawl_cpu:.2f} s ({per_image:.1f} ms/image; hashing alone "
        f"{1000 * hash_cpu / n_images:.1f} ms/image) -> "
        f"{summary.media / crawl_cpu:.0f} images per CPU-second"
    )
    print(f"RSS: {rss_before:.0f} MiB before the crawl, {rss_crawl:.0f} MiB after")
    most = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"frontier: {args.frontier} URLs inserted in {inserted:.1f} s; "
        f"RSS {rss_frontier_before:.0f} -> {rss_frontier:.0f} MiB; {claimed} claimed in 20 "
        f"claims ({1000 * claim_seconds / 20:.0f} ms each), RSS {rss_claimed:.0f} MiB; "
        f"max RSS {most:.0f} MiB"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
