"""Running the platform: health, readiness and metrics; migrations; `serve`, `worker`, `db`."""

from eucentre.platform.manifest import Command, Manifest

MANIFEST = Manifest(
    name="operations",
    routers=("eucentre.operations.api:router",),
    commands=(
        Command("serve", "eucentre.operations.cli:serve", group=False),
        Command("worker", "eucentre.operations.cli:worker", group=False),
        Command("db", "eucentre.operations.cli:db_app"),
    ),
)
