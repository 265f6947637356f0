"""PDQ perceptual hash (256 bits + quality 0-100) of a luminance image.

Follows the published PDQ algorithm: Rec.601 luminance, two passes of a Jarosz box filter
along each axis with a window of ceil(size / 128), decimation to 64x64 at the sample
points ``floor((i + 0.5) * size / 64)``, a 16x16 DCT (the lowest non-DC frequencies), and one
bit per coefficient set when it is above the median.

The filter is linear and separable, and only 64 samples per axis are ever read, so instead
of filtering the whole image we precompute, for each axis length, the 64 sparse rows of the
operator ``decimate . box . box`` and apply them: one pass over the rows of the image
(straight from uint8 without a float copy), then a tiny pass over the 64 partial rows.
Luminance weights commute with this linear map, so colour images are reduced per channel and
combined at 64 rows, which keeps the full-resolution work to a multiply-add per sample.

Both passes exist twice, in numpy here and in numba (``pdq_jit``), with bit-identical results:
each output element is the same float32 products added in the same order. Numba is about 7x
faster per sample but takes about half a second to load, which a process hashing one picture
(``eucentre hash one.jpg``) would spend for a few milliseconds of work. So a process starts
with numpy and switches for good once it has reduced ``JIT_AFTER_SAMPLES`` samples (about a
quarter of a second of numpy work, roughly what loading numba costs), or at once if numba is
already loaded (the server's matching index uses it) or ``use_jit()`` was called.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

import numpy as np

HASH_BITS = 256
HASH_HEX_LEN = 64
OUTPUT_SIZE = 64
DCT_SIZE = 16
LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)
QUALITY_INDICATOR_MIN = 50
JIT_AFTER_SAMPLES = 1 << 28


@dataclass(frozen=True, slots=True)
class AxisOperator:
    """Sparse rows of ``decimate . box . box`` for one axis length.

    Row ``i`` has weights ``weights[i, :lengths[i]]`` on input indices ``starts[i] + t``.
    """

    starts: np.ndarray
    lengths: np.ndarray
    weights: np.ndarray

    def reversed(self, size: int) -> AxisOperator:
        """The operator applied to the axis read backwards (a mirrored image)."""
        weights = np.zeros_like(self.weights)
        for i, length in enumerate(self.lengths):
            weights[i, :length] = self.weights[i, :length][::-1]
        starts = size - (self.starts + self.lengths)
        return AxisOperator(starts=starts, lengths=self.lengths.copy(), weights=weights)


def jarosz_window(size: int, target: int = OUTPUT_SIZE) -> int:
    return (size + 2 * target - 1) // (2 * target)


def sample_points(size: int, target: int = OUTPUT_SIZE) -> np.ndarray:
    return (((np.arange(target) + 0.5) * size) / target).astype(np.int64)


@lru_cache(maxsize=256)
def axis_operator(size: int) -> AxisOperator:
    if size < 1:
        raise ValueError("axis length must be positive")
    window = jarosz_window(size)
    # The box filter's window is off-centre for even sizes: it reaches one further right.
    half = (window + 2) // 2
    left, right = window - half, half - 1
    idx = np.arange(size)
    lo = np.maximum(idx - left, 0)
    hi = np.minimum(idx + right, size - 1)
    count = (hi - lo + 1).astype(np.float64)

    points = sample_points(size)
    starts = lo[lo[points]]
    ends = hi[hi[points]]
    lengths = ends - starts + 1
    weights = np.zeros((OUTPUT_SIZE, int(lengths.max()) + 1), dtype=np.float64)
    for i, p in enumerate(points):
        # Second box at p averages first-box outputs at k in [lo[p], hi[p]]; each of those
        # averages inputs in [lo[k], hi[k]]. Accumulate as a difference array, then cumsum.
        ks = np.arange(lo[p], hi[p] + 1)
        coef = 1.0 / (count[p] * count[ks])
        diff = np.zeros(lengths[i] + 1)
        np.add.at(diff, lo[ks] - starts[i], coef)
        np.add.at(diff, hi[ks] + 1 - starts[i], -coef)
        weights[i, : lengths[i]] = np.cumsum(diff)[: lengths[i]]
    return AxisOperator(
        starts=starts.astype(np.int64),
        lengths=lengths.astype(np.int64),
        weights=weights.astype(np.float32),
    )


def _reduce_rows_numpy(
    pixels: np.ndarray, starts: np.ndarray, lengths: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    # Tap t of every output row at once. Weights are zero past a row's length, and adding
    # 0 * pixel leaves a float unchanged, so clamping the index there changes nothing.
    height = pixels.shape[0]
    out = np.zeros((starts.shape[0], pixels.shape[1]), dtype=np.float32)
    product = np.empty_like(out)
    for t in range(int(lengths.max())):
        np.multiply(pixels[np.minimum(starts + t, height - 1)], weights[:, t, None], out=product)
        out += product
    return out


def _reduce_cols_numpy(
    partial: np.ndarray, starts: np.ndarray, lengths: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    width = partial.shape[1]
    out = np.zeros((partial.shape[0], starts.shape[0]), dtype=np.float32)
    for t in range(int(lengths.max())):
        out += weights[:, t] * partial[:, np.minimum(starts + t, width - 1)]
    return out


Kernel = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
_jit: ModuleType | None = None
_numpy_samples = 0


def use_jit() -> ModuleType:
    """Load the numba kernels now (and use them from now on): for processes that hash a lot."""
    global _jit
    if _jit is None:
        from . import pdq_jit

        _jit = pdq_jit
    return _jit


def _kernels(samples: int) -> tuple[Kernel, Kernel]:
    """The row and column kernels for a pass over ``samples`` values (pixels x channels)."""
    global _numpy_samples
    cold = _jit is None and "numba" not in sys.modules
    if cold and _numpy_samples + samples <= JIT_AFTER_SAMPLES:
        # Unlocked: a lost update between threads only moves the switch a little.
        _numpy_samples += samples
        return _reduce_rows_numpy, _reduce_cols_numpy
    jit = use_jit()
    return jit.reduce_rows, jit.reduce_cols


def _shape(pixels: np.ndarray) -> tuple[int, int, int]:
    if pixels.ndim == 2:
        height, width = pixels.shape
        channels = 1
    elif pixels.ndim == 3 and pixels.shape[2] >= 3:
        height, width, channels = pixels.shape
    else:
        raise ValueError(f"expected (H, W) or (H, W, >=3) pixels, got shape {pixels.shape}")
    if height < 1 or width < 1:
        raise ValueError("empty image")
    return height, width, channels


def row_pass(pixels: np.ndarray, *, flip_rows: bool = False) -> np.ndarray:
    """The 64 filtered, decimated luminance rows (64, W): the only full-resolution work.

    Channels past the third (alpha, say) are ignored, as the reference does.
    """
    height, width, channels = _shape(pixels)
    flat = np.ascontiguousarray(pixels).reshape(height, width * channels)
    rows = axis_operator(height)
    if flip_rows:
        rows = rows.reversed(height)
    reduce_rows, _ = _kernels(flat.size)
    partial = reduce_rows(flat, rows.starts, rows.lengths, rows.weights)
    if channels > 1:
        partial = partial.reshape(OUTPUT_SIZE, width, channels)[:, :, :3] @ LUMA_WEIGHTS
    return partial


def col_pass(
    partial: np.ndarray, *, flip_cols: bool = False, transpose: bool = False, scale: float = 1.0
) -> np.ndarray:
    """The 64x64 buffer from ``row_pass`` output; flips and transpose re-orient it exactly."""
    width = partial.shape[1]
    if flip_cols:
        partial = partial[:, ::-1]
    cols = axis_operator(width)
    _, reduce_cols = _kernels(0)
    buffer = reduce_cols(np.ascontiguousarray(partial), cols.starts, cols.lengths, cols.weights)
    if scale != 1.0:
        buffer *= np.float32(scale)
    return np.ascontiguousarray(buffer.T) if transpose else buffer


def downsample_64(
    pixels: np.ndarray,
    *,
    flip_rows: bool = False,
    flip_cols: bool = False,
    transpose: bool = False,
    scale: float = 1.0,
) -> np.ndarray:
    """The 64x64 luminance buffer PDQ hashes, from a (H, W) luma or (H, W, C>=3) RGB array.

    ``flip_rows``/``flip_cols``/``transpose`` give the buffer of the image mirrored and then
    transposed, exactly as if those pixels had been hashed, without copying the pixels.
    """
    partial = row_pass(pixels, flip_rows=flip_rows)
    return col_pass(partial, flip_cols=flip_cols, transpose=transpose, scale=scale)


@lru_cache(maxsize=1)
def dct_matrix() -> np.ndarray:
    # Rows 1..16 of the DCT-II basis: the DC term carries only overall brightness.
    u = np.arange(1, DCT_SIZE + 1)[:, None]
    j = np.arange(OUTPUT_SIZE)[None, :]
    matrix = np.sqrt(2.0 / OUTPUT_SIZE) * np.cos((np.pi / 2 / OUTPUT_SIZE) * u * (2 * j + 1))
    return matrix.astype(np.float32)


def quality(buffer: np.ndarray) -> int:
    """Gradient-energy quality 0-100 of the 64x64 buffer (flat images score low)."""
    hundred, full = np.float32(100.0), np.float32(255.0)
    # Truncation toward zero of each scaled difference is part of the published metric.
    vertical = np.trunc((buffer[:-1, :] - buffer[1:, :]) * hundred / full)
    horizontal = np.trunc((buffer[:, :-1] - buffer[:, 1:]) * hundred / full)
    total = int(np.abs(vertical).sum(dtype=np.float64) + np.abs(horizontal).sum(dtype=np.float64))
    return min(total // 90, 100)


def dct16(buffer: np.ndarray) -> np.ndarray:
    matrix = dct_matrix()
    return (matrix @ buffer.astype(np.float32)) @ matrix.T


def bits_to_hex(bits: np.ndarray) -> str:
    """Bit k of the hash (row-major DCT index) is bit k of a 256-bit big-endian integer."""
    return np.packbits(bits.reshape(-1)[::-1].astype(np.uint8)).tobytes().hex()


def hex_to_bits(hex_hash: str) -> np.ndarray:
    raw = np.frombuffer(bytes.fromhex(hex_hash), dtype=np.uint8)
    return np.unpackbits(raw)[::-1].astype(bool)


def dct_to_hex(coefficients: np.ndarray) -> str:
    flat = coefficients.reshape(-1)
    # Lower median of 256 values, as the reference's Torben selection returns.
    median = np.partition(flat, HASH_BITS // 2 - 1)[HASH_BITS // 2 - 1]
    return bits_to_hex(flat > median)


@dataclass(frozen=True, slots=True)
class PDQHash:
    hash: str
    quality: int
    dct: np.ndarray

    @property
    def indicator_eligible(self) -> bool:
        return self.quality >= QUALITY_INDICATOR_MIN


def pdq_from_buffer(buffer: np.ndarray) -> PDQHash:
    coefficients = dct16(buffer)
    return PDQHash(hash=dct_to_hex(coefficients), quality=quality(buffer), dct=coefficients)


def pdq_hash(pixels: np.ndarray, *, scale: float = 1.0) -> PDQHash:
    """PDQ of a (H, W) luma or (H, W, C>=3) RGB(A) array with 0-255 values (after ``scale``)."""
    buffer = downsample_64(pixels, scale=scale)
    if is_near_flat(buffer):
        return sequential_pdq_of(pixels, scale)
    return pdq_from_buffer(buffer)


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_pdq_hex(value: str) -> bool:
    if len(value) != HASH_HEX_LEN:
        return False
    try:
        int(value, 16)
    except ValueError:
        return False
    return True


# -- near-flat images: the reference's float arithmetic, step by step ---------------------------
#
# On an (almost) uniform picture every DCT coefficient is rounding noise, and which bits are set
# depends on the exact order of the reference's float32 operations. Such images do occur: a
# 16-bit grey image read the reference's way (values clipped at 255) is often a flat 255. For
# them, and only them (the 64x64 buffer varies by less than one grey level), we recompute the
# hash with the reference's own sequence of operations: Rec.601 luma in float64 stored as
# float32, two passes of running-sum box filters, decimation, and the DCT summed in order.

FLAT_RANGE = 1.0


@lru_cache(maxsize=1)
def _sequential_dct_matrix() -> np.ndarray:
    factor = float(np.float32(np.sqrt(2.0 / OUTPUT_SIZE)))
    u = np.arange(1, DCT_SIZE + 1)[:, None]
    j = np.arange(OUTPUT_SIZE)[None, :]
    return (factor * np.cos((np.pi / 2.0 / OUTPUT_SIZE) * u * (2 * j + 1))).astype(np.float32)


# Rows converted at a time: the float64 intermediates of a whole 100 MP image would take
# gigabytes and most of the time; per block they stay in cache. Same operations, same bits.
LUMA_BLOCK_PIXELS = 1 << 20


def reference_luma(pixels: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Float32 luminance as the reference computes it (float64 weighted sum, then float32)."""
    height, width = pixels.shape[:2]
    out = np.empty((height, width), dtype=np.float32)
    step = max(1, LUMA_BLOCK_PIXELS // max(1, width))
    for top in range(0, height, step):
        out[top : top + step] = _luma_block(pixels[top : top + step], scale)
    return out


def _luma_block(arr: np.ndarray, scale: float) -> np.ndarray:
    if scale != 1.0:
        arr = np.clip(np.round(arr.astype(np.float64) * scale), 0, 255)
    red, green, blue = (arr, arr, arr) if arr.ndim == 2 else (arr[..., 0], arr[..., 1], arr[..., 2])
    return red * 0.299 + green * 0.587 + blue * 0.114


def is_near_flat(buffer: np.ndarray) -> bool:
    return float(buffer.max() - buffer.min()) < FLAT_RANGE


def sequential_pdq(luma: np.ndarray) -> PDQHash:
    """PDQ of a float32 luma image with the reference's exact order of float operations."""
    height, width = luma.shape
    # Whole-image sequential arithmetic: only numba does it at a tolerable speed.
    jit = use_jit()
    buffer = jit.sequential_buffer(
        np.ascontiguousarray(luma, dtype=np.float32),
        jarosz_window(width),
        jarosz_window(height),
        sample_points(height),
        sample_points(width),
    )
    coefficients = jit.sequential_dct(buffer, _sequential_dct_matrix())
    return PDQHash(hash=dct_to_hex(coefficients), quality=quality(buffer), dct=coefficients)


def is_constant_image(pixels: np.ndarray) -> bool:
    """All pixels the same (so every mirrored copy is the same image)."""
    view = pixels if pixels.ndim == 3 else pixels[:, :, None]
    return bool(use_jit().is_constant(view)) if view.size else True


def sequential_pdq_of(
    pixels: np.ndarray,
    scale: float = 1.0,
    *,
    flip_rows: bool = False,
    flip_cols: bool = False,
    transpose: bool = False,
) -> PDQHash:
    """`sequential_pdq(oriented_luma(reference_luma(pixels, scale), ...))`, bit for bit, without
    the whole-image float buffers: the luma and the four box passes are streamed over the rows
    of the oriented pixels (pdq_jit.streamed_buffer), so a 100 MP flat image costs its decoded
    pixels and a few megabytes."""
    view = pixels if pixels.ndim == 3 else pixels[:, :, None]
    if flip_rows:
        view = view[::-1]
    if flip_cols:
        view = view[:, ::-1]
    if transpose:
        # Read in memory order once rather than down the columns at every step.
        view = np.ascontiguousarray(view.transpose(1, 0, 2))
    height, width = view.shape[:2]
    jit = use_jit()
    buffer = jit.streamed_buffer(
        view,
        float(scale),
        jarosz_window(width),
        jarosz_window(height),
        sample_points(height),
        sample_points(width),
    )
    coefficients = jit.sequential_dct(buffer, _sequential_dct_matrix())
    return PDQHash(hash=dct_to_hex(coefficients), quality=quality(buffer), dct=coefficients)


def oriented_luma(
    luma: np.ndarray, *, flip_rows: bool = False, flip_cols: bool = False, transpose: bool = False
) -> np.ndarray:
    out = luma
    if flip_rows:
        out = out[::-1, :]
    if flip_cols:
        out = out[:, ::-1]
    if transpose:
        out = out.T
    return np.ascontiguousarray(out)
