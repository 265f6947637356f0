"""From a revealed account to a report at the Centre (`POST /api/v1/reports`): the matched
images' hashes, the account as the reported user; never an image. Sent only when the revealed
images match at least `threshold` distinct indicators (images sharing a matched value are one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from eucentre.detection.matching.matcher import Matcher, new_reference
from eucentre.psi.payload import Inner

MAX_REPORT_HASHES = 1000


@dataclass(frozen=True)
class Outcome:
    report_id: str | None
    images: int
    distinct: int
    reason: str = ""


def distinct_groups(matches: Sequence[list[tuple[str, str]]]) -> int:
    """Images connected by a shared matched value count once (union-find)."""
    parent = list(range(len(matches)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, str], int] = {}
    for index, values in enumerate(matches):
        for value in values:
            if value in owner:
                parent[find(index)] = find(owner[value])
            else:
                owner[value] = index
    return len({find(i) for i, values in enumerate(matches) if values})


def report_body(
    account: str, version: int, images: Sequence[tuple[Inner, list[tuple[str, str]]]]
) -> dict[str, Any]:
    hashes: list[dict[str, str]] = []
    for inner, matched in images:
        for signal, value in [
            ("md5", inner.md5),
            ("sha256", inner.sha256),
            ("pdq", inner.pdq[0]),
        ] + matched:
            hashes.append({"signal": signal, "value": value})
    return {
        "provider_reference": new_reference(),
        "incident_type": "known_material",
        "incident_time": datetime.now(UTC).isoformat(),
        "description": (
            f"Private matching: {len(images)} images of one account revealed above the "
            f"threshold against detection bundle {version}."
        ),
        "reported_users": [{"identifiers": [account]}],
        "hashes": hashes[:MAX_REPORT_HASHES],
    }


class Reporter:
    def __init__(self, centre_url: str, api_key: str, *, timeout: float = 60) -> None:
        self._client = httpx.Client(
            base_url=centre_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
        )

    def report(self, matcher: Matcher, account: str) -> Outcome:
        pending = matcher.unreported(account)
        if not pending:
            return Outcome(report_id=None, images=0, distinct=0, reason="nothing revealed")
        matched = [(inner, matcher.matched_keys(version, inner)) for _, version, inner in pending]
        distinct = distinct_groups([m for _, m in matched])
        row = matcher.store.read_account(account)
        first = row is None or row.report_id is None
        if first and distinct < matcher.threshold:
            return Outcome(None, len(pending), distinct, reason="fewer distinct indicators")
        images = [(inner, m) for inner, m in matched if m]
        body = report_body(account, pending[-1][1], images)
        key = "psi-" + pending[0][0].hex()
        reply = self._client.post("/api/v1/reports", json=body, headers={"Idempotency-Key": key})
        reply.raise_for_status()
        report_id = str(reply.json()["id"])
        matcher.mark_reported(account, [voucher_id for voucher_id, _, _ in pending], report_id)
        return Outcome(report_id=report_id, images=len(images), distinct=distinct)

    def close(self) -> None:
        self._client.close()
