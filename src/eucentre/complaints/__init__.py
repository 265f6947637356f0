"""Complaints about removals (DSA Art. 20): the public form and status page, providers' API,
analysts' decisions with four eyes, the effects of an upheld complaint, and error accounting."""

from eucentre.platform.manifest import Manifest, NavEntry

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
    scopes={"provider": ("complaints:read", "complaints:write")},
    # Keys issued before the read-only scope existed keep reading.
    implied_scopes={"complaints:write": ("complaints:read",)},
)
