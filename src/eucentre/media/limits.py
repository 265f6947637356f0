"""Hashing's default limits, in a module of their own so that the CLI can show them in its help
without loading numpy, Pillow or PyAV."""

DEFAULT_MAX_PIXELS = 100_000_000
# Each decoded frame is hashed; a video's frames are capped lower than a still image.
DEFAULT_MAX_PIXELS_PER_FRAME = 40_000_000
DEFAULT_FPS = 1.0
DEFAULT_MAX_FRAMES = 500_000  # decoded frames: ~4.6 h at 30 fps
DEFAULT_MAX_SECONDS = 6 * 3600.0
DEFAULT_DEDUPE_DISTANCE = 2
