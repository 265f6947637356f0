"""The append-only, hash-chained audit log."""

from eucentre.platform.manifest import Command, Manifest

MANIFEST = Manifest(
    name="audit",
    tasks=("eucentre.audit.tasks",),
    commands=(
        Command("audit", "eucentre.audit.cli:audit_app", help="The hash-chained audit log."),
    ),
)
