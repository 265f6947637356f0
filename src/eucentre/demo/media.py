"""Benign synthetic demo images: seeded patterns, nothing else. They stand in for the material
the Centre's lists hold, so every page and API has something to show."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

DEMO_IMAGE_COUNT = 6
SIZE = 512


def pattern(seed: int) -> Image.Image:
    """A picture with enough structure for a high PDQ quality: gradients, circles, bars."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    base = np.stack(
        [
            127 + 127 * np.sin(2 * np.pi * (x * rng.uniform(1, 4) + y * rng.uniform(0, 2))),
            127 + 127 * np.cos(2 * np.pi * (y * rng.uniform(1, 4))),
            255 * x * y,
        ],
        axis=-1,
    ).astype(np.uint8)
    image = Image.fromarray(base)
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        cx, cy, r = rng.integers(0, SIZE, 2).tolist() + [int(rng.integers(20, 120))]
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    for _ in range(4):
        x0 = int(rng.integers(0, SIZE - 60))
        draw.rectangle((x0, 0, x0 + int(rng.integers(10, 60)), SIZE), fill=(255, 255, 255))
    return image


def write_demo_images(
    folder: Path, *, first_seed: int = 1, count: int = DEMO_IMAGE_COUNT
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(first_seed, first_seed + count):
        path = folder / f"demo-pattern-{seed}.png"
        if not path.exists():
            pattern(seed).save(path)
        paths.append(path)
    return paths
