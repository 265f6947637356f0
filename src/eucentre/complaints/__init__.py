"""Complaints about removals (DSA Art. 20): the public form and status page, providers' API,
analysts' decisions with four eyes, the effects of an upheld complaint, and error accounting."""

from eucentre.platform.manifest import N_, Manifest, NavEntry, PublicService

MANIFEST = Manifest(
    name="complaints",
    routers=(
        "eucentre.complaints.api:router",
        "eucentre.complaints.public:router",
        "eucentre.complaints.pages:router",
    ),
    tasks=("eucentre.complaints.tasks",),
    outbox=(
        "eucentre.complaints.outbox:REINSTATE_HANDLER",
        "eucentre.complaints.outbox:AUTHORITY_NOTE_HANDLER",
    ),
    navigation=(
        NavEntry(
            "Complaints",
            "/staff/complaints",
            roles=frozenset({"analyst", "senior_analyst", "auditor"}),
        ),
    ),
    public_services=(
        PublicService(
            N_("Complain about a removal"),
            N_(
                "If an online service removed your content because of the Centre's indicators "
                "and you think it was a mistake, tell us. A person will look at it."
            ),
            "/complaints",
        ),
    ),
    scopes={"provider": ("complaints:read", "complaints:write")},
    # Keys issued before the read-only scope existed keep reading.
    implied_scopes={"complaints:write": ("complaints:read",)},
)
