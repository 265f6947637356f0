"""The public form's one-time receipts: which form was sent (so a form sent twice is one
complaint) and the complainant's secret, sealed, until the receipt page has shown it once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kit.time import utcnow
from eucentre.models.base import Base


class ComplaintReceipt(Base):
    __tablename__ = "complaint_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Digests only: the form's token and the receipt's token are the keys to the secret.
    form_token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    # Cleared when shown: the secret is shown once.
    secret_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    shown_at: Mapped[datetime | None]
