"""Transparency (Art. 83, 84): the Centre's statistics computed from its records, with small
cells suppressed; the public page with charts, the open data (CSV, Data Package, SDMX-CSV,
DCAT-AP), the statistics API, published vintages and the annual report."""

from eucentre.platform.manifest import N_, Command, Manifest, NavEntry

MANIFEST = Manifest(
    name="transparency",
    routers=(
        "eucentre.transparency.api:router",
        "eucentre.transparency.public:router",
        "eucentre.transparency.data:router",
    ),
    commands=(Command("transparency", "eucentre.transparency.cli:app"),),
    navigation=(NavEntry(N_("Transparency"), "/transparency", audience="public"),),
    models=("eucentre.transparency.models",),
    demo=("eucentre.transparency.demo:load",),
)
