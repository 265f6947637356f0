"""Running the platform: health, readiness and metrics; migrations; `serve`, `worker`, `db`."""

from eucentre.platform.manifest import Command, Manifest

MANIFEST = Manifest(
    name="operations",
    routers=("eucentre.operations.api:router",),
    commands=(
        Command(
            "serve",
            "eucentre.operations.cli:serve",
            group=False,
            help="Serve the platform: pages, API and the embedded task consumer.",
        ),
        Command(
            "worker",
            "eucentre.operations.cli:worker",
            group=False,
            help="Run a standalone task consumer.",
        ),
        Command("db", "eucentre.operations.cli:db_app", help="The database."),
    ),
)
