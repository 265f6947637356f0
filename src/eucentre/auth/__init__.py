"""Who is calling: staff sessions, API keys, roles, scopes and CSRF."""

from eucentre.platform.manifest import Command, Manifest

MANIFEST = Manifest(
    name="auth",
    routers=("eucentre.auth.api:router",),
    commands=(
        Command(
            "orgs",
            "eucentre.auth.cli:orgs_app",
            help="Organisations: providers, authorities, coordinators, the Centre.",
        ),
        Command(
            "keys",
            "eucentre.auth.cli:keys_app",
            help="API keys for providers, authorities and coordinators.",
        ),
        Command("users", "eucentre.auth.cli:users_app", help="Staff accounts."),
    ),
    # Reserved for the notices to hosting services that are coming; declared here so that keys
    # issued with it stay valid until that domain declares it.
    scopes={"provider": ("notices:read",)},
)
