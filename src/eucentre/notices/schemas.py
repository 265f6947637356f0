"""The providers' notice API: what a notice says, in JSON."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class NoticeOut(BaseModel):
    id: int
    status: str = Field(
        description="pending, sent, acknowledged, removal_claimed, removed (verified by the "
        "Centre's re-fetch) or held"
    )
    urls: list[str] = Field(description="The exact URLs, still online and not held back.")
    first_sent_at: datetime | None
    last_sent_at: datetime | None
    sends: int
    reupload_of: int | None = Field(description="The earlier notice of the same material.")
    lists: list[str] = Field(description="Why: the indicator lists matched (never the hashes).")
    contact_point: str
    acknowledged_at: datetime | None
    removal_claimed_at: datetime | None
    removed_at: datetime | None


class NoticeList(BaseModel):
    notices: list[NoticeOut]
