"""Private matching for end-to-end encrypted services (docs/private-matching.md): the Centre
publishes blinded list bundles of verified, twice-sourced indicators and their roots; the
provider's matching service (`eucentre detection serve`) receives devices' vouchers, opens
nothing below the threshold and reports what it reveals above it."""

from eucentre.platform.manifest import Command, Manifest

MANIFEST = Manifest(
    name="detection",
    routers=("eucentre.detection.api:router",),
    commands=(
        Command(
            "detection",
            "eucentre.detection.cli:detection_app",
            help="Private matching: list bundles and the matching service.",
        ),
    ),
    # Granted to the API keys of providers under a detection order.
    scopes={"provider": ("detection:read",)},
    blob_references=("eucentre.detection.models:DetectionBundle.blob_id",),
    models=("eucentre.detection.models",),
)
