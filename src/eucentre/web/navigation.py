"""The navigation each kind of signed-in person sees. Links to pages they may not open are not
shown; the routes enforce access on their own."""

from __future__ import annotations

from dataclasses import dataclass

from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.models import Role
from eucentre.web.i18n import N_


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    roles: frozenset[Role]


STAFF_NAVIGATION = (
    NavItem("Overview", "/staff", frozenset(Role)),
    NavItem(
        "Reports", "/staff/reports", frozenset({Role.analyst, Role.senior_analyst, Role.auditor})
    ),
    NavItem(
        "Indicators",
        "/staff/indicators",
        frozenset({Role.analyst, Role.senior_analyst, Role.auditor}),
    ),
    NavItem(
        "Complaints",
        "/staff/complaints",
        frozenset({Role.analyst, Role.senior_analyst, Role.auditor}),
    ),
    NavItem("Organisations", "/staff/organisations", frozenset({Role.administrator, Role.auditor})),
    NavItem("Staff accounts", "/staff/users", frozenset({Role.administrator, Role.auditor})),
    NavItem("Audit log", "/staff/audit", frozenset({Role.auditor, Role.administrator})),
)

AUTHORITY_NAVIGATION = (NavItem(N_("Referrals"), "/authority/referrals", frozenset()),)

PUBLIC_NAVIGATION = (
    NavItem(N_("Home"), "/", frozenset()),
    NavItem(N_("Staff sign-in"), "/sign-in", frozenset()),
)


def navigation_for(principal: Principal) -> list[NavItem]:
    if principal.kind is PrincipalKind.staff and principal.role is not None:
        return [item for item in STAFF_NAVIGATION if principal.role in item.roles]
    if principal.kind is PrincipalKind.authority and principal.signed_in:
        return list(AUTHORITY_NAVIGATION)
    return list(PUBLIC_NAVIGATION)
