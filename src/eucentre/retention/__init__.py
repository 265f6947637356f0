"""Retention of received files: deleted when their time is up, unless a hold or an indicator
still needs them."""

from eucentre.platform.manifest import Command, Manifest

MANIFEST = Manifest(
    name="retention",
    tasks=("eucentre.retention.tasks",),
    commands=(
        Command(
            "retention", "eucentre.retention.cli:retention_app", help="Retention of received files."
        ),
    ),
)
