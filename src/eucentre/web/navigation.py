"""The navigation each kind of signed-in person sees, from the links the domains declare in
their manifests. Links to pages they may not open are not shown; the routes enforce access on
their own."""

from __future__ import annotations

from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.platform.manifest import Domains, NavEntry


def navigation_for(principal: Principal, domains: Domains) -> list[NavEntry]:
    if principal.kind is PrincipalKind.staff and principal.role is not None:
        return [entry for entry in domains.navigation("staff") if principal.role in entry.roles]
    if principal.kind is PrincipalKind.authority and principal.signed_in:
        return list(domains.navigation("authority"))
    if principal.kind is PrincipalKind.coordinator and principal.signed_in:
        return list(domains.navigation("coordinator"))
    return list(domains.navigation("public"))
