"""Victims' removal requests: hashes computed on the person's own device, a case number and a
PIN, matching against every report and indicator, a review-first list for providers, and the
person's right to know what happened (Art. 20 of the 2022 proposal). See docs/victims.md."""

from eucentre.platform.manifest import N_, Manifest, NavEntry

READERS = frozenset({"analyst", "senior_analyst", "auditor"})

MANIFEST = Manifest(
    name="victims",
    routers=(
        "eucentre.victims.api:router",
        "eucentre.victims.public:router",
        "eucentre.victims.pages:router",
    ),
    tasks=("eucentre.victims.tasks",),
    navigation=(
        NavEntry("Victims", "/staff/victims", roles=READERS),
        NavEntry(N_("Help for victims"), "/victims", audience="public"),
    ),
    scopes={"provider": ("victims:read",)},
    models=("eucentre.victims.models",),
    hooks={
        "reports.assessed": ("eucentre.victims.matching:on_report_assessed",),
        "indicators.change_lists": ("eucentre.victims.feed:VICTIM_REQUESTS",),
    },
)
