"""Published bundles: the root history anyone can check every client's bundle against."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.models.base import Base, CreatedAt


class DetectionBundle(CreatedAt, Base):
    __tablename__ = "detection_bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    root: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    keys: Mapped[int]
    indicators: Mapped[int]
    # Indicator values per signal, and whether tolerant PDQ bands are in.
    signals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tolerant: Mapped[bool] = mapped_column(default=False)
    # The bundle file, encrypted in the blob store like every stored file.
    blob_id: Mapped[str] = mapped_column(String(64))
