"""PDQ perceptual hash (256 bits + quality 0-100) of a luminance image.

Follows the published PDQ algorithm: Rec.601 luminance, two passes of a Jarosz box filter
along each axis with a window of ceil(size / 128), decimation to 64x64 at the sample
points ``floor((i + 0.5) * size / 64)``, a 16x16 DCT (the lowest non-DC frequencies), and one
bit per coefficient set when it is above the median.

The filter is linear and separable, and only 64 samples per axis are ever read, so instead
of filtering the whole image we precompute, for each axis length, the 64 sparse rows of the
operator ``decimate . box . box`` and apply them: one pass over the rows of the image (in
numba, straight from uint8 without a float copy), then a tiny pass over the 64 partial rows.
Luminance weights commute with this linear map, so colour images are reduced per channel and
combined at 64 rows, which keeps the full-resolution work to a multiply-add per sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numba
import numpy as np

HASH_BITS = 256
HASH_HEX_LEN = 64
OUTPUT_SIZE = 64
DCT_SIZE = 16
LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)
QUALITY_INDICATOR_MIN = 50


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


@numba.njit(cache=True, nogil=True)
def _reduce_rows(pixels, starts, lengths, weights):  # pragma: no cover - compiled
    n_out = starts.shape[0]
    width = pixels.shape[1]
    out = np.zeros((n_out, width), dtype=np.float32)
    for i in range(n_out):
        acc = out[i]
        s = starts[i]
        for t in range(lengths[i]):
            w = weights[i, t]
            row = pixels[s + t]
            for j in range(width):
                acc[j] += w * np.float32(row[j])
    return out


@numba.njit(cache=True, nogil=True)
def _reduce_cols(partial, starts, lengths, weights):  # pragma: no cover - compiled
    n_rows = partial.shape[0]
    n_out = starts.shape[0]
    out = np.zeros((n_rows, n_out), dtype=np.float32)
    for r in range(n_rows):
        for i in range(n_out):
            s = starts[i]
            acc = np.float32(0.0)
            for t in range(lengths[i]):
                acc += weights[i, t] * partial[r, s + t]
            out[r, i] = acc
    return out


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
    partial = _reduce_rows(flat, rows.starts, rows.lengths, rows.weights)
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
    buffer = _reduce_cols(np.ascontiguousarray(partial), cols.starts, cols.lengths, cols.weights)
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
        return sequential_pdq(reference_luma(pixels, scale))
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


@numba.njit(cache=True, nogil=True)
def _box1d(src, dst, offset, length, stride, window):  # pragma: no cover - compiled
    half = (window + 2) // 2
    read = offset
    drop = offset
    out = offset
    total = np.float32(0.0)
    count = 0
    for _ in range(half - 1):
        total += src[read]
        count += 1
        read += stride
    for _ in range(window - half + 1):
        total += src[read]
        count += 1
        dst[out] = np.float32(total / np.float32(count))
        read += stride
        out += stride
    for _ in range(length - window):
        total += src[read]
        total -= src[drop]
        dst[out] = np.float32(total / np.float32(count))
        drop += stride
        read += stride
        out += stride
    for _ in range(half - 1):
        total -= src[drop]
        count -= 1
        dst[out] = np.float32(total / np.float32(count))
        drop += stride
        out += stride


@numba.njit(cache=True, nogil=True)
def _sequential_buffer(luma, rows_window, cols_window, row_points, col_points):  # pragma: no cover
    height, width = luma.shape
    first = luma.copy().reshape(-1)
    second = np.zeros_like(first)
    for _ in range(2):
        for i in range(height):
            _box1d(first, second, i * width, width, 1, rows_window)
        for j in range(width):
            _box1d(second, first, j, height, width, cols_window)
    out = np.zeros((OUTPUT_SIZE, OUTPUT_SIZE), dtype=np.float32)
    for a in range(OUTPUT_SIZE):
        for b in range(OUTPUT_SIZE):
            out[a, b] = first[row_points[a] * width + col_points[b]]
    return out


@numba.njit(cache=True, nogil=True)
def _sequential_dct(buffer, matrix):  # pragma: no cover - compiled
    partial = np.zeros((DCT_SIZE, OUTPUT_SIZE), dtype=np.float32)
    for i in range(DCT_SIZE):
        for j in range(OUTPUT_SIZE):
            total = np.float32(0.0)
            for k in range(OUTPUT_SIZE):
                total += np.float32(matrix[i, k] * buffer[k, j])
            partial[i, j] = total
    out = np.zeros((DCT_SIZE, DCT_SIZE), dtype=np.float32)
    for i in range(DCT_SIZE):
        for j in range(DCT_SIZE):
            total = np.float32(0.0)
            for k in range(OUTPUT_SIZE):
                total += np.float32(partial[i, k] * matrix[j, k])
            out[i, j] = total
    return out


@lru_cache(maxsize=1)
def _sequential_dct_matrix() -> np.ndarray:
    factor = float(np.float32(np.sqrt(2.0 / OUTPUT_SIZE)))
    u = np.arange(1, DCT_SIZE + 1)[:, None]
    j = np.arange(OUTPUT_SIZE)[None, :]
    return (factor * np.cos((np.pi / 2.0 / OUTPUT_SIZE) * u * (2 * j + 1))).astype(np.float32)


def reference_luma(pixels: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """Float32 luminance as the reference computes it (float64 weighted sum, then float32)."""
    arr = pixels
    if scale != 1.0:
        arr = np.clip(np.round(arr.astype(np.float64) * scale), 0, 255)
    red, green, blue = (arr, arr, arr) if arr.ndim == 2 else (arr[..., 0], arr[..., 1], arr[..., 2])
    grey = red * 0.299 + green * 0.587 + blue * 0.114
    return np.ascontiguousarray(grey, dtype=np.float32)


def is_near_flat(buffer: np.ndarray) -> bool:
    return float(buffer.max() - buffer.min()) < FLAT_RANGE


def sequential_pdq(luma: np.ndarray) -> PDQHash:
    """PDQ of a float32 luma image with the reference's exact order of float operations."""
    height, width = luma.shape
    buffer = _sequential_buffer(
        np.ascontiguousarray(luma, dtype=np.float32),
        jarosz_window(width),
        jarosz_window(height),
        sample_points(height),
        sample_points(width),
    )
    coefficients = _sequential_dct(buffer, _sequential_dct_matrix())
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
