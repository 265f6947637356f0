"""HTTP over a raw socket, for what HTTP clients will not do: declare a body and not send it,
trickle it, or stop half-way and wait for the server's answer."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

# Long enough never to fail a correct server on a loaded machine; a server that waits for the
# rest of a body it should have refused never answers at all.
PATIENCE = 30


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str


@contextmanager
def connect(url: str, timeout: float = PATIENCE):
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
        yield sock


def head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: test", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def read_reply(sock: socket.socket) -> Reply:
    """One response; the body as far as Content-Length says, or until the server closes."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError(f"closed before a response: {raw!r}")
        raw += data
    top, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = top.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "-1"))
    while length < 0 or len(body) < length:
        data = sock.recv(65536)
        if not data:
            break
        body += data
    return Reply(int(status_line.split()[1]), headers, body.decode(errors="replace"))


def closed_by_server(sock: socket.socket) -> bool:
    """True when the server closed the connection (reads end), False if it stays open."""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
