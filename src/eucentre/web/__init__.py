"""The shell: base layout, navigation, landing page, sign-in, error pages, API reference,
languages."""

from eucentre.platform.manifest import N_, Manifest, NavEntry

# The Centre's own staff (network members, who also sign in, are not).
ALL_STAFF = frozenset({"analyst", "senior_analyst", "administrator", "auditor", "editor"})

MANIFEST = Manifest(
    name="web",
    routers=("eucentre.web.pages:router", "eucentre.web.api_docs:router"),
    navigation=(
        NavEntry("Overview", "/staff", roles=ALL_STAFF),
        NavEntry(N_("Home"), "/", audience="public"),
        NavEntry(N_("Staff sign-in"), "/sign-in", audience="public"),
    ),
)
