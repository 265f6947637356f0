"""Victims' removal requests: hashes computed on the person's own device, a case number and a
PIN, matching against every report and indicator, a review-first list for providers, and the
person's right to know what happened (Art. 20 of the 2022 proposal). See docs/victims.md."""

from eucentre.platform.manifest import N_, Manifest, NavEntry, PublicService

READERS = frozenset({"analyst", "senior_analyst", "auditor"})

MANIFEST = Manifest(
    name="victims",
    routers=(
        "eucentre.victims.api:router",
        "eucentre.victims.public:router",
        "eucentre.victims.pages:router",
    ),
    tasks=("eucentre.victims.tasks",),
    navigation=(NavEntry("Victims", "/staff/victims", roles=READERS),),
    public_services=(
        PublicService(
            N_("Help for victims"),
            N_(
                "Get help to have images of you taken down, without uploading them: your device "
                "computes fingerprints and only those are sent."
            ),
            "/victims",
        ),
    ),
    scopes={"provider": ("victims:read",)},
    models=("eucentre.victims.models",),
    demo=("eucentre.victims.demo:load",),
    # The in-browser hashing (victims-page.js and its worker), at /static/victims/.
    static="static",
    hooks={
        "reports.assessed": ("eucentre.victims.matching:on_report_assessed",),
        "indicators.change_lists": ("eucentre.victims.feed:VICTIM_REQUESTS",),
        # victims.information: other domains' Art. 20 entries (notices), see information.py.
    },
)
