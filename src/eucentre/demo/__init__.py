"""Demo data for `make run`: benign, synthetic, and refused in production."""

from eucentre.platform.manifest import Command, Manifest

MANIFEST = Manifest(
    name="demo",
    commands=(Command("demo", "eucentre.demo.cli:demo_app", help="Demo data (development only)."),),
)
