"""Administration pages: organisations with their keys, staff accounts, the audit log."""

from eucentre.platform.manifest import Manifest, NavEntry

MANIFEST = Manifest(
    name="admin",
    routers=("eucentre.admin.accounts:router", "eucentre.admin.audit_log:router"),
    navigation=(
        NavEntry(
            "Organisations", "/staff/organisations", roles=frozenset({"administrator", "auditor"})
        ),
        NavEntry("Staff accounts", "/staff/users", roles=frozenset({"administrator", "auditor"})),
        NavEntry("Audit log", "/staff/audit", roles=frozenset({"auditor", "administrator"})),
    ),
)
