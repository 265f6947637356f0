"""What `eucentre serve` prints once it listens: its addresses, one whole value a line (see
kit/console.py); the demo accounts and keys follow (demo/banner.py)."""

from __future__ import annotations

from eucentre.kit.console import Line


def addresses(base: str) -> list[Line]:
    return [
        Line(f"EU Centre platform at {base}/  (Ctrl-C stops it)", heading=True),
        Line(f"  staff sign-in  {base}/sign-in"),
        Line(f"  API reference  {base}/api-docs"),
        Line(f"  OpenAPI        {base}/openapi.json"),
        Line(f"  health         {base}/healthz"),
        Line(f"  readiness      {base}/readyz"),
        Line(f"  metrics        {base}/metrics"),
    ]
