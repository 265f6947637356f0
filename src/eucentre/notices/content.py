"""What a notice says (Art. 49): the Centre's contact point, the exact URLs, why (which
indicator list matched: never the hashes themselves), and how to answer. The same content as
text (e-mail) and as data (the JSON part of the e-mail, and the API)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eucentre.kit.time import as_utc
from eucentre.notices.models import Notice, NoticeItem

LEGAL_BASIS = (
    "Notice under Article 49 of the proposed Regulation laying down rules to prevent and combat "
    "child sexual abuse, for your voluntary consideration."
)


def as_data(notice: Notice, items: Sequence[NoticeItem], *, contact: str) -> dict[str, Any]:
    lists = sorted({name for item in items for name in item.lists})
    return {
        "notice_id": notice.id,
        "legal_basis": LEGAL_BASIS,
        "contact_point": contact,
        "reupload_of": notice.reupload_of,
        "first_detected_at": as_utc(notice.first_detected_at).isoformat(),
        "urls": [item.url for item in items],
        "why": {
            "indicator_lists": lists,
            "explanation": "Each URL served media matching verified indicators of known child "
            "sexual abuse material on the lists named here. The Centre does not send the "
            "indicators themselves.",
        },
        "how_to_answer": {
            "api": f"POST /api/v1/notices/{notice.id}/removed once removed; "
            f"POST /api/v1/notices/{notice.id}/acknowledge to acknowledge",
            "email": f"reply to {contact} quoting notice {notice.id}",
            "verification": "The Centre re-fetches each URL to verify removal, and sends this "
            "notice again every day until every URL is gone.",
        },
    }


def as_text(notice: Notice, items: Sequence[NoticeItem], *, contact: str, send: int) -> str:
    data = as_data(notice, items, contact=contact)
    lines = [
        f"EU Centre notice {notice.id} (send {send})",
        "",
        LEGAL_BASIS,
        "",
        "The following URLs on your service served media matching verified indicators of",
        "known child sexual abuse material (indicator lists: "
        + (", ".join(data["why"]["indicator_lists"]) or "known material")
        + "):",
        "",
        *(f"  {url}" for url in data["urls"]),
        "",
    ]
    if notice.reupload_of:
        lines += [f"This material was noticed before (notice {notice.reupload_of}).", ""]
    lines += [
        "What we ask: please consider removing or disabling access to it.",
        f"How to answer: reply to {contact} quoting notice {notice.id}. We re-fetch each URL",
        "to verify removal and send this notice again every day until every URL is gone.",
        "",
        f"Contact point: {contact}",
        "The indicators themselves are not sent. A machine-readable copy is attached.",
    ]
    return "\n".join(lines) + "\n"
