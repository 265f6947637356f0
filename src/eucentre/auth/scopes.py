"""API key scopes: each domain declares in its manifest the scopes it guards and which kind of
organisation may hold them; here they are checked."""

from __future__ import annotations

from collections.abc import Iterable

from eucentre.domains import installed
from eucentre.models import OrganisationKind


class ScopeNotAllowed(ValueError):
    pass


def allowed_scopes(kind: OrganisationKind) -> frozenset[str]:
    """The scopes an organisation of this kind may hold (none for the Centre itself)."""
    kind = OrganisationKind(kind)
    if kind is OrganisationKind.centre:
        return frozenset()
    return installed().scopes(kind.value)


def scopes_for(kind: OrganisationKind, requested: list[str] | None) -> list[str]:
    """The requested scopes, or all of the kind's scopes; refuse any the kind may not hold."""
    allowed = allowed_scopes(kind)
    if not allowed:
        raise ScopeNotAllowed(f"{kind} organisations do not get API keys")
    if not requested:
        return sorted(allowed)
    wrong = sorted(set(requested) - allowed)
    if wrong:
        raise ScopeNotAllowed(
            f"scope(s) {', '.join(wrong)} not allowed for a {kind}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    return sorted(set(requested))


def grants(held: Iterable[str], needed: str) -> bool:
    """Whether scopes `held` allow what `needed` guards, directly or through a scope that
    includes it (manifests' `implied_scopes`: older keys keep working)."""
    implied = installed().implied_scopes
    return any(scope == needed or needed in implied.get(scope, ()) for scope in held)
