"""A realistic mix of demo reports, sent through the real HTTP API like a provider would."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from eucentre.demo.media import pattern

# Addresses inside the synthetic demo IP table (reports/data/demo_ip_ranges.csv).
DEMO_ADDRESSES = {"DE": "198.18.1.20", "FR": "198.18.200.7"}


@dataclass(frozen=True)
class Planned:
    label: str
    body: dict
    files: list[bytes]
    xml: str | None = None


def _png(image) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _body(rng: random.Random, n: int, **overrides: object) -> dict:
    now = datetime.now(UTC)
    country = rng.choice(list(DEMO_ADDRESSES))
    body = {
        "provider_reference": f"demo-{now:%Y%m%d%H%M%S}-{n}",
        "incident_type": "known_material",
        "incident_time": (now - timedelta(hours=rng.randint(1, 48))).isoformat(),
        "urgent": False,
        "content_removed": rng.random() < 0.7,
        "description": (
            "Synthetic demo report: a benign generated pattern stands in for the material."
        ),
        "reported_users": [
            {
                "identifiers": [f"demo-user-{rng.randint(1000, 9999)}"],
                "ip_events": [
                    {
                        "ip": DEMO_ADDRESSES[country],
                        "time": (now - timedelta(hours=50)).isoformat(),
                        "event": "upload",
                    }
                ],
            }
        ],
    }
    body.update(overrides)
    return body


def plan(media_dir: Path, *, count: int, seed: int = 7) -> Iterator[Planned]:
    """Known material (including one viral image reported many times), new material,
    solicitation, an urgent case, and a report with nothing in it."""
    rng = random.Random(seed)
    known = sorted(media_dir.glob("demo-pattern-*.png"))[:4]
    viral = known[0].read_bytes() if known else _png(pattern(1))
    for n in range(count):
        kind = n % 8
        if kind in (0, 1) and known:
            yield Planned("viral known material", _body(rng, n), [viral])
        elif kind == 2 and known:
            yield Planned("known material", _body(rng, n), [rng.choice(known).read_bytes()])
        elif kind == 3:
            yield Planned(
                "new material",
                _body(rng, n, incident_type="new_material"),
                [_png(pattern(1000 + n))],
            )
        elif kind == 4:
            yield Planned(
                "solicitation",
                _body(
                    rng,
                    n,
                    incident_type="solicitation",
                    description="Demo: an adult asked a child for images.",
                ),
                [],
            )
        elif kind == 5:
            yield Planned(
                "urgent new material",
                _body(rng, n, incident_type="new_material", urgent=True),
                [_png(pattern(2000 + n))],
            )
        elif kind == 6:
            yield Planned("nothing to assess", _body(rng, n, description="", reported_users=[]), [])
        else:
            yield Planned("known material, no location", _body(rng, n, reported_users=[]), [viral])


def send(base_url: str, key: str, planned: Planned, client: httpx.Client) -> dict:
    # httpx's multipart parts: (field, (file name or None for a plain field, content, type)).
    parts: list[tuple[str, tuple[str | None, str | bytes, str]]] = [
        ("report", (None, json.dumps(planned.body), "application/json"))
    ]
    parts += [
        ("files", (f"demo-{i}.png", data, "image/png")) for i, data in enumerate(planned.files)
    ]
    response = client.post(
        f"{base_url}/api/v1/reports",
        files=parts,
        headers={
            "Authorization": f"Bearer {key}",
            "Idempotency-Key": planned.body["provider_reference"],
        },
    )
    response.raise_for_status()
    return response.json()
