"""Building reports for tests: benign synthetic images and Art. 13 JSON."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from eucentre.demo.media import pattern


def png(seed: int) -> bytes:
    buffer = io.BytesIO()
    pattern(seed).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(seed: int, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    pattern(seed).convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def report_body(**overrides) -> dict:
    now = datetime.now(UTC)
    body = {
        "provider_reference": "case-1",
        "incident_type": "known_material",
        "incident_time": (now - timedelta(hours=2)).isoformat(),
        "urgent": False,
        "content_removed": True,
        "description": "Image shared in a public group.",
        "reported_users": [
            {
                "identifiers": ["user-123"],
                "country": "DE",
                "ip_events": [
                    {
                        "ip": "198.18.1.10",
                        "time": (now - timedelta(hours=3)).isoformat(),
                        "event": "upload",
                    }
                ],
            }
        ],
    }
    body.update(overrides)
    return body


def submit(
    client,
    key: str,
    body: dict | None = None,
    files: list[bytes] = (),
    headers: dict | None = None,
    **params,
):
    multipart = [("report", (None, json.dumps(body or report_body()), "application/json"))]
    multipart += [("files", (f"image-{n}.png", data, "image/png")) for n, data in enumerate(files)]
    return client.post(
        "/api/v1/reports",
        files=multipart,
        params=params,
        headers={"Authorization": f"Bearer {key}", **(headers or {})},
    )
