from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.models.base import Base, CreatedAt


class ApiKey(CreatedAt, Base):
    """A provider's or an authority's key. The secret is shown once and stored only hashed."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    label: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
