"""Prometheus metrics, in a registry per app so several apps (tests) never collide."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class HttpMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # Labelled by route template, never by the concrete path: ids stay out of metrics.
        self.requests = Counter(
            "eucentre_http_requests_total",
            "HTTP requests by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "eucentre_http_request_seconds",
            "HTTP request latency by route template",
            ["route", "method"],
            registry=self.registry,
        )
