"""Proactive search: a polite crawler whose frontier lives in the database; media hashed in
memory and matched against verified indicators (and plug-in matchers of unverified hashes,
which analysts confirm); matches become notices (`eucentre.notices`); removal verified by
re-fetching."""

from eucentre.platform.manifest import N_, Command, Manifest, NavEntry

STAFF = frozenset({"analyst", "senior_analyst", "auditor"})

MANIFEST = Manifest(
    name="search",
    routers=("eucentre.search.pages:router",),
    tasks=("eucentre.search.tasks",),
    commands=(
        Command(
            "search",
            "eucentre.search.cli:search_app",
            help="Proactive search: crawl websites, verify removals.",
        ),
    ),
    navigation=(NavEntry(N_("Search"), "/staff/search", roles=STAFF),),
    blob_references=("eucentre.search.models:FoundMedia.blob_id",),
    models=("eucentre.search.models",),
    demo=("eucentre.search.demo:load",),
)
