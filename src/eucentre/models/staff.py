from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kinds import AUTHORITY_OFFICER, COORDINATOR, Role
from eucentre.models.base import Base, CreatedAt

__all__ = ["AUTHORITY_OFFICER", "COORDINATOR", "Role", "SignInAttempt", "StaffSession", "StaffUser"]


class StaffUser(CreatedAt, Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    # Set for authority officers and coordinators: the organisation they act for.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Encrypted at rest: a database dump must not hand out second factors.
    totp_secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # The last accepted TOTP time step: a code is never accepted twice.
    totp_last_step: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)


class StaffSession(CreatedAt, Base):
    """A signed-in browser. Only the token's hash is stored."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class SignInAttempt(Base):
    """Failed sign-ins, by pseudonymous subject (keyed hash of the account or the address)."""

    __tablename__ = "sign_in_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
