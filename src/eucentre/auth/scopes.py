"""API key scopes, and what each organisation kind may hold."""

from __future__ import annotations

from collections.abc import Iterable

from eucentre.models import OrganisationKind

PROVIDER_SCOPES = frozenset(
    {
        "reports:write",
        "reports:read",
        "lookup",
        "indicators:read",
        "complaints:read",
        "complaints:write",
        "notices:read",
    }
)
AUTHORITY_SCOPES = frozenset({"referrals:read", "referrals:write"})
# A scope that includes another: keys issued before the narrower scope existed keep working.
IMPLIED = {"complaints:write": frozenset({"complaints:read"})}

ALLOWED_SCOPES = {
    OrganisationKind.provider: PROVIDER_SCOPES,
    OrganisationKind.authority: AUTHORITY_SCOPES,
    OrganisationKind.centre: frozenset(),
}


class ScopeNotAllowed(ValueError):
    pass


def scopes_for(kind: OrganisationKind, requested: list[str] | None) -> list[str]:
    """The requested scopes, or all of the kind's scopes; refuse any the kind may not hold."""
    allowed = ALLOWED_SCOPES[kind]
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
    """Whether scopes `held` allow what `needed` guards, directly or through IMPLIED."""
    return any(scope == needed or needed in IMPLIED.get(scope, ()) for scope in held)
