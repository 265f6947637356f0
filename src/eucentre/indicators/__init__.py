"""The indicator database: hash lists with provenance, four-eyes verification, the benign-corpus
guard, the providers' lookup and change feed."""

from eucentre.platform.manifest import Command, Manifest, NavEntry

MANIFEST = Manifest(
    name="indicators",
    routers=("eucentre.indicators.api:router", "eucentre.indicators.pages:router"),
    tasks=("eucentre.indicators.tasks",),
    commands=(
        Command(
            "indicators",
            "eucentre.indicators.cli:indicators_app",
            help="The Centre's indicator lists.",
        ),
        Command("guard", "eucentre.indicators.cli:guard_app", help="The benign-corpus guard."),
    ),
    navigation=(
        NavEntry(
            "Indicators",
            "/staff/indicators",
            roles=frozenset({"analyst", "senior_analyst", "auditor"}),
        ),
    ),
    scopes={"provider": ("lookup", "indicators:read")},
    blob_references=("eucentre.models:Indicator.source_blob_id",),
)
