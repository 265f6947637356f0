"""Reports from online services: intake schemas (JSON and NCMEC-style XML) and the offline
IP-range table used for routing. Decisions live in eucentre.rules."""

from eucentre.platform.manifest import Manifest, NavEntry

MANIFEST = Manifest(
    name="reports",
    routers=("eucentre.reports.api:router", "eucentre.reports.pages:router"),
    tasks=("eucentre.reports.tasks",),
    navigation=(
        NavEntry(
            "Reports", "/staff/reports", roles=frozenset({"analyst", "senior_analyst", "auditor"})
        ),
    ),
    scopes={"provider": ("reports:write", "reports:read")},
    blob_references=("eucentre.models:ReportItem.blob_id",),
)
