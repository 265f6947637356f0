"""The prevention hub: a searchable, multilingual catalogue of research, programmes, training,
campaign material and helplines, kept by editors with four eyes; and the practitioner
network's directory, with consent per field and contact relayed through the platform."""

from eucentre.platform.manifest import N_, Command, Manifest, NavEntry, PublicService

MANIFEST = Manifest(
    name="prevention",
    routers=(
        "eucentre.prevention.api:router",
        "eucentre.prevention.public:router",
        "eucentre.prevention.network_public:router",
        "eucentre.prevention.network_account:router",
        # Before pages: /staff/prevention/network is not a record's number.
        "eucentre.prevention.network_pages:router",
        "eucentre.prevention.pages:router",
    ),
    tasks=("eucentre.prevention.tasks",),
    outbox=("eucentre.prevention.relay:RELAY_HANDLER",),
    commands=(
        Command(
            "prevention",
            "eucentre.prevention.cli:prevention_app",
            help="The prevention catalogue: import and export.",
        ),
    ),
    navigation=(
        NavEntry(
            "Prevention catalogue", "/staff/prevention", roles=frozenset({"editor", "auditor"})
        ),
        NavEntry(
            "Network applications",
            "/staff/prevention/network",
            roles=frozenset({"editor", "auditor"}),
        ),
        NavEntry(
            N_("My directory entry"),
            "/prevention/network/account",
            roles=frozenset({"network_member"}),
        ),
        NavEntry(N_("Prevention hub"), "/prevention", audience="public"),
        NavEntry(N_("Practitioner network"), "/prevention/network", audience="public"),
    ),
    models=("eucentre.prevention.models",),
    demo=("eucentre.prevention.demo:load",),
    static="static",
    public_services=(
        PublicService(
            N_("Prevention hub"),
            N_(
                "Research, prevention programmes, training, campaigns and helplines from across "
                "Europe, searchable in any language; and the network of practitioners."
            ),
            "/prevention",
        ),
    ),
)
