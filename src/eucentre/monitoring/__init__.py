"""Performance indicators of the EU action plans: the indicator registry (frameworks/), Member
States' coordinators reporting in rounds (web form, XLSX, SDMX-CSV, JSON), validation, sign-off
and vintages, the figures the platform fills in itself, export and public dashboards."""

from eucentre.platform.manifest import N_, Command, Manifest, NavEntry

STAFF_READERS = frozenset({"analyst", "senior_analyst", "administrator", "auditor"})

# How the page header names a signed-in coordinator (web/templates/base.html translates it).
COORDINATOR_LABEL = N_("coordinator")

MANIFEST = Manifest(
    name="monitoring",
    routers=(
        "eucentre.monitoring.api:router",
        "eucentre.monitoring.pages:router",
        "eucentre.monitoring.reporting:router",
        # Last: /monitoring/{framework} must not shadow /monitoring/owed.
        "eucentre.monitoring.dashboards:router",
    ),
    tasks=("eucentre.monitoring.tasks",),
    commands=(
        Command(
            "monitoring",
            "eucentre.monitoring.cli:monitoring_app",
            help="Performance indicators: reporting rounds.",
        ),
    ),
    navigation=(
        NavEntry("Monitoring", "/staff/monitoring", roles=STAFF_READERS),
        NavEntry(N_("What we still owe"), "/monitoring/owed", audience="coordinator"),
        NavEntry(N_("Indicators"), "/monitoring", audience="coordinator"),
        NavEntry(N_("Indicators"), "/monitoring", audience="public"),
    ),
    scopes={"coordinator": ("monitoring:read", "monitoring:write")},
    implied_scopes={"monitoring:write": ("monitoring:read",)},
    models=("eucentre.monitoring.models",),
    demo=("eucentre.monitoring.demo:load",),
)
