"""The caller of a request, whoever it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from eucentre.models import OrganisationKind, Role


class PrincipalKind(StrEnum):
    anonymous = "anonymous"
    provider = "provider"
    authority = "authority"
    staff = "staff"
    coordinator = "coordinator"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    user_id: int | None = None
    role: Role | None = None
    organisation_id: int | None = None
    api_key_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    session_token_hash: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names this caller: ids only, never a name or an address."""
        if self.user_id is not None:  # staff, and people of an organisation signed in
            return f"user:{self.user_id}"
        if self.api_key_id is not None:
            return f"key:{self.api_key_id}"
        return "anonymous"

    @property
    def signed_in(self) -> bool:
        """A person with a browser session (cookie-authenticated, so forms need CSRF tokens)."""
        return self.session_token_hash is not None

    @property
    def is_staff(self) -> bool:
        return self.kind is PrincipalKind.staff


ANONYMOUS = Principal(kind=PrincipalKind.anonymous)

ORGANISATION_PRINCIPAL = {
    OrganisationKind.provider: PrincipalKind.provider,
    OrganisationKind.authority: PrincipalKind.authority,
    OrganisationKind.coordinator: PrincipalKind.coordinator,
}
