"""A small website for the crawler, served by a real HTTP server on loopback: pages, links,
a robots.txt forbidding one path, redirects, a slow page, a huge file, and benign generated
images (seeded patterns). Tests change its files while it runs."""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from PIL import Image

from eucentre.demo.media import pattern


def png(seed: int, size: int = 256) -> bytes:
    buffer = io.BytesIO()
    pattern(seed).resize((size, size)).save(buffer, format="PNG")
    return buffer.getvalue()


def near_duplicate(seed: int) -> bytes:
    """The same picture, re-encoded as JPEG with a slight brightness change."""
    pixels = np.asarray(pattern(seed).resize((256, 256)), dtype=np.int16)
    changed = np.clip(pixels + 6, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(changed).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html"
    headers: dict[str, str] = field(default_factory=dict)
    # Called instead of writing `body`: a slow or endless body.
    stream: Callable[[BaseHTTPRequestHandler], None] | None = None


@dataclass
class Site:
    files: dict[str, Response] = field(default_factory=dict)
    hits: list[tuple[str, str]] = field(default_factory=list)  # (host header, path)
    port: int = 0
    # Pages made up on request (a maze), for paths not in `files`.
    dynamic: Callable[[str], Response | None] | None = None
    # Requests at work at once, per registrable domain, and the most seen.
    inflight: dict[str, int] = field(default_factory=dict)
    most_inflight: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, path: str, html: str) -> None:
        self.files[path] = Response(body=html.encode())

    def media(self, path: str, data: bytes, content_type: str = "image/png") -> None:
        self.files[path] = Response(body=data, content_type=content_type)

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def fetched(self, path: str) -> int:
        return sum(1 for _, p in self.hits if p == path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            host = self.headers.get("Host", "")
            # Counted per registrable domain (of the .test names: the last two labels).
            domain = ".".join(host.split(":", 1)[0].split(".")[-2:])
            with site.lock:
                site.hits.append((host, self.path))
                site.inflight[domain] = site.inflight.get(domain, 0) + 1
                site.most_inflight[domain] = max(
                    site.most_inflight.get(domain, 0), site.inflight[domain]
                )
            # Counted while the answer is held back (not while it is written: a client that has
            # read it may already be sending its next request).
            if site.delay:
                time.sleep(site.delay)
            with site.lock:
                site.inflight[domain] -= 1
            self._answer()

        def _answer(self) -> None:
            path = self.path.split("?", 1)[0]
            found = site.files.get(path)
            if found is None and site.dynamic is not None:
                found = site.dynamic(path)
            if found is None:
                found = Response(404, b"not here", "text/plain")
            self.send_response(found.status)
            self.send_header("Content-Type", found.content_type)
            for name, value in found.headers.items():
                self.send_header(name, value)
            if found.stream is not None:
                self.send_header("Connection", "close")
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):
                    found.stream(self)
                self.close_connection = True
                return
            if "Content-Length" not in found.headers:
                self.send_header("Content-Length", str(len(found.body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(found.body)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        pass  # clients that hang up (the crawler's caps) are expected here


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    server = _QuietServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def trickle(seconds: float) -> Callable[[BaseHTTPRequestHandler], None]:
    """A page that sends a byte every tenth of a second for `seconds` (bounded)."""

    def write(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"<html><body>")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)
        handler.wfile.write(b'<img src="/img/slow.png"></body></html>')

    return write


def endless(
    chunk: bytes = b"\0" * 65536, most: int = 4096
) -> Callable[[BaseHTTPRequestHandler], None]:
    """A body far larger than any cap (at most `most` chunks, so the server stops too)."""

    def write(handler: BaseHTTPRequestHandler) -> None:
        for _ in range(most):
            handler.wfile.write(chunk)

    return write


def gzip_bomb(decoded_mib: int = 64) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9) as out:
        block = b"\0" * (1024 * 1024)
        for _ in range(decoded_mib):
            out.write(block)
    return buffer.getvalue()
