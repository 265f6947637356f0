"""`eucentre serve`'s server settings over real sockets: idle and slow connections are closed,
forwarded addresses are believed only from trusted proxies, operations data only for the
operations networks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from eucentre.app import create_app
from eucentre.operations.serving import uvicorn_config
from tests.conftest import serve_in_thread, serving
from tests.operations.helpers import server
from tests.rawhttp import closed_by_server, connect, head, read_reply


@contextmanager
def served_as_the_cli_does(settings, database) -> Iterator[str]:
    app = create_app(settings, engine=database.engine)
    config = uvicorn_config(app, settings, host="127.0.0.1", port=0)
    running, thread, url = serve_in_thread(app, config)
    try:
        yield url
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def quick(settings):
    return settings.model_copy(update={"keep_alive_seconds": 1.0, "header_timeout_seconds": 2.0})


def test_an_idle_connection_is_closed(settings, database) -> None:
    with served_as_the_cli_does(quick(settings), database) as url:
        with connect(url) as silent:
            assert closed_by_server(silent)  # never sent a byte
        with connect(url) as used:
            used.sendall(head("GET", "/healthz", {}))
            assert read_reply(used).status == 200
            assert closed_by_server(used)  # idle after its response


def test_headers_trickled_slower_than_the_deadline_are_cut_off(settings, database) -> None:
    request = head("GET", "/healthz", {"X-Padding": "p" * 200})
    with served_as_the_cli_does(quick(settings), database) as url, connect(url) as sock:
        sock.settimeout(0.25)
        closed = False
        # Each byte resets a keep-alive timer; only a deadline on the headers ends this.
        for byte in request[:-4]:
            try:
                sock.sendall(bytes([byte]))
                if sock.recv(1) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
    assert closed


def test_concurrent_connections_are_limited(settings, database) -> None:
    # Uvicorn counts the connection asking too: three means two held and one more refused.
    limited = settings.model_copy(update={"max_connections": 3})
    with (
        served_as_the_cli_does(limited, database) as url,
        connect(url) as first,
        connect(url) as second,
    ):
        for held in (first, second):  # answered, so surely accepted, and kept alive
            held.sendall(head("GET", "/healthz", {}))
            assert read_reply(held).status == 200
        over = httpx.get(f"{url}/healthz")
    assert over.status_code == 503


def test_forwarded_addresses_count_only_from_trusted_proxies(settings, database, tmp_path) -> None:
    # /metrics is for the operations network 10.0.0.0/8; the test connects from 127.0.0.1 and
    # claims, in X-Forwarded-For, to be 10.1.2.3.
    claimed = {"X-Forwarded-For": "10.1.2.3"}
    ops = {"EUCENTRE_OPERATIONS_NETWORKS": "10.0.0.0/8"}
    with server(database, settings, tmp_path, **ops) as default:
        untrusted = httpx.get(f"{default.url}/metrics", headers=claimed)
        readyz = httpx.get(f"{default.url}/readyz", headers=claimed)
    with server(
        database, settings, tmp_path, **ops, EUCENTRE_TRUSTED_PROXIES="127.0.0.1"
    ) as proxied:
        trusted = httpx.get(f"{proxied.url}/metrics", headers=claimed)
        direct = httpx.get(f"{proxied.url}/metrics")
    assert untrusted.status_code == 404
    assert readyz.json() == {"status": "ready"}
    assert trusted.status_code == 200 and "eucentre_http_requests_total" in trusted.text
    assert direct.status_code == 404  # the proxy's own address is not the operations network


def test_operations_data_is_for_the_operations_networks(live, settings, database) -> None:
    local_metrics = httpx.get(f"{live.url}/metrics")
    local_ready = httpx.get(f"{live.url}/readyz").json()
    elsewhere = settings.model_copy(update={"operations_networks": "10.0.0.0/8,2001:db8::/32"})
    with serving(elsewhere, database) as url:
        metrics = httpx.get(f"{url}/metrics", headers={"Accept": "application/json"})
        ready = httpx.get(f"{url}/readyz")
    assert local_metrics.status_code == 200 and "checks" in local_ready
    assert metrics.status_code == 404 and metrics.json()["error"] == "not_found"
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
