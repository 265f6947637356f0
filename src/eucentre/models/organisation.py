from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from eucentre.kinds import OrganisationKind
from eucentre.models.base import Base, CreatedAt

__all__ = ["Organisation", "OrganisationKind"]


class Organisation(CreatedAt, Base):
    """A provider (online service), an authority (a Member State's law enforcement, or Europol)
    or the Centre itself."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    is_europol: Mapped[bool] = mapped_column(default=False)
