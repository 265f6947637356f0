"""Transparency (Art. 83, 84): the Centre's statistics computed from its records, with small
cells suppressed; the public page with charts, the open data (CSV, Data Package, SDMX-CSV,
DCAT-AP), the statistics API, published vintages and the annual report."""

from eucentre.platform.manifest import N_, Command, Manifest, NavEntry, PublicService

MANIFEST = Manifest(
    name="transparency",
    routers=(
        "eucentre.transparency.api:router",
        "eucentre.transparency.public:router",
        "eucentre.transparency.data:router",
    ),
    commands=(
        Command(
            "transparency",
            "eucentre.transparency.cli:app",
            help="Published statistics: vintages and the annual report.",
        ),
    ),
    navigation=(NavEntry(N_("Transparency"), "/transparency", audience="public"),),
    public_services=(
        PublicService(
            N_("Transparency"),
            N_(
                "What the Centre did, in figures anyone can check: reports received and "
                "forwarded, complaints and their outcomes, with the open data behind them."
            ),
            "/transparency",
        ),
    ),
    models=("eucentre.transparency.models",),
    demo=("eucentre.transparency.demo:load",),
)
