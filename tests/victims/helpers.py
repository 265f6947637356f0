"""Victims' cases for tests: hashes of benign generated images, and the API calls."""

from __future__ import annotations

import io

import httpx
from PIL import Image, ImageFilter

from eucentre.media.hashing import hash_bytes
from tests.reports.helpers import png


def near_duplicate(seed: int) -> bytes:
    """The same benign pattern, slightly blurred and re-encoded as JPEG: another file whose
    PDQ is a few bits away."""
    image = Image.open(io.BytesIO(png(seed))).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def hashes_of(data: bytes) -> list[dict]:
    """What the browser sends for a file: PDQ with its quality, MD5 and SHA-256."""
    record = hash_bytes(data)
    return [
        {"signal": "pdq", "value": record["pdq"], "quality": record["pdq_quality"]},
        {"signal": "md5", "value": record["md5"]},
        {"signal": "sha256", "value": record["sha256"]},
    ]


def open_case(client: httpx.Client, hashes: list[dict], **body) -> dict:
    response = client.post("/api/v1/victims/cases", json={"hashes": hashes, **body})
    assert response.status_code == 201, response.text
    return response.json()


def read_case(client: httpx.Client, case: dict, pin: str | None = None) -> httpx.Response:
    return client.get(
        f"/api/v1/victims/cases/{case['case_number']}",
        headers={"X-Case-PIN": pin if pin is not None else case["pin"]},
    )
