"""What the detection API returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class RootOut(BaseModel):
    version: int
    root: str
    published_at: datetime
    indicators: int
    keys: int
    size: int
    tolerant: bool


class RootHistoryOut(BaseModel):
    current: RootOut | None
    history: list[RootOut]


class KeyOut(BaseModel):
    version: int
    root: str
    alpha: str
