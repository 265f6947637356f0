"""Notices to hosting services (Art. 49): hosts, one notice per host per day bundling its URLs,
sent through the outbox and re-sent until removal is verified, escalation to the authority of
the host's country, authorities' holds, and the time-to-removal measures."""

from eucentre.platform.manifest import N_, Command, Manifest, NavEntry

STAFF = frozenset({"analyst", "senior_analyst", "auditor"})

MANIFEST = Manifest(
    name="notices",
    routers=(
        "eucentre.notices.api:router",
        "eucentre.notices.pages:router",
        "eucentre.notices.authority:router",
    ),
    tasks=("eucentre.notices.tasks",),
    outbox=("eucentre.notices.outbox:SEND_HANDLER",),
    commands=(
        Command(
            "hosts", "eucentre.notices.cli:hosts_app", help="Hosting services that notices go to."
        ),
    ),
    demo=("eucentre.notices.demo:load",),
    navigation=(
        NavEntry(N_("Notices"), "/staff/notices", roles=STAFF),
        NavEntry(N_("Notices"), "/authority/notices", audience="authority"),
    ),
    scopes={
        "provider": ("notices:read", "notices:write"),
        "authority": ("notices:read", "notices:write"),
    },
    implied_scopes={"notices:write": ("notices:read",)},
    models=("eucentre.notices.models",),
    # A victim's case learns of the notices and removals of its material (Art. 20).
    hooks={"victims.information": ("eucentre.notices.victims_information:entries",)},
)
