"""The numba kernels of PDQ: the row and column passes (see ``pdq``; the numpy versions there give
bit-identical results) and the reference's step-by-step arithmetic for near-flat images.

Importing this module costs about half a second (numba, LLVM, the machine code cached next to
this file), so ``pdq`` imports it only when the work ahead is worth it.
"""

from __future__ import annotations

import numba
import numpy as np

from .pdq import DCT_SIZE, OUTPUT_SIZE


@numba.njit(cache=True, nogil=True)
def reduce_rows(pixels, starts, lengths, weights):  # pragma: no cover - compiled
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
def reduce_cols(partial, starts, lengths, weights):  # pragma: no cover - compiled
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


@numba.njit(cache=True, nogil=True)
def box1d(src, dst, offset, length, stride, window):  # pragma: no cover - compiled
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
def box_columns(src, dst, height, width, window):  # pragma: no cover - compiled
    """`box1d` down every column at once: the same float32 operations in the same order for
    each column, walking the rows in memory order instead of striding by the width (a column
    at a time misses the cache at every step on a large image)."""
    half = (window + 2) // 2
    total = np.zeros(width, dtype=np.float32)
    count = 0
    read = 0
    drop = 0
    out = 0
    for _ in range(half - 1):
        for j in range(width):
            total[j] += src[read * width + j]
        count += 1
        read += 1
    for _ in range(window - half + 1):
        count += 1
        divisor = np.float32(count)
        for j in range(width):
            total[j] += src[read * width + j]
            dst[out * width + j] = np.float32(total[j] / divisor)
        read += 1
        out += 1
    divisor = np.float32(count)
    for _ in range(height - window):
        for j in range(width):
            total[j] += src[read * width + j]
            total[j] -= src[drop * width + j]
            dst[out * width + j] = np.float32(total[j] / divisor)
        drop += 1
        read += 1
        out += 1
    for _ in range(half - 1):
        count -= 1
        divisor = np.float32(count)
        for j in range(width):
            total[j] -= src[drop * width + j]
            dst[out * width + j] = np.float32(total[j] / divisor)
        drop += 1
        out += 1


@numba.njit(cache=True, nogil=True)
def sequential_buffer(luma, rows_window, cols_window, row_points, col_points):  # pragma: no cover
    height, width = luma.shape
    first = luma.copy().reshape(-1)
    second = np.zeros_like(first)
    for _ in range(2):
        for i in range(height):
            box1d(first, second, i * width, width, 1, rows_window)
        box_columns(second, first, height, width, cols_window)
    out = np.zeros((OUTPUT_SIZE, OUTPUT_SIZE), dtype=np.float32)
    for a in range(OUTPUT_SIZE):
        for b in range(OUTPUT_SIZE):
            out[a, b] = first[row_points[a] * width + col_points[b]]
    return out


@numba.njit(cache=True, nogil=True)
def sequential_dct(buffer, matrix):  # pragma: no cover - compiled
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


# The reference's exact arithmetic, streamed: the four box-filter passes of `sequential_buffer`
# (rows, columns, rows, columns) run as a pipeline over the rows, each column pass keeping only
# its running totals and the last `window` rows it read. The pixels are converted to luma a row
# at a time. Same float operations in the same order as the whole-image passes, so the same
# bits, in a few megabytes instead of three full-image float32 buffers (1.2 GB at 100 MP).


@numba.njit(cache=True, nogil=True)
def _luma_row(pixels, y, scale, out):  # pragma: no cover - compiled
    channels = pixels.shape[2]
    green = min(1, channels - 1)
    blue = min(2, channels - 1)
    for x in range(pixels.shape[1]):
        r = np.float64(pixels[y, x, 0])
        g = np.float64(pixels[y, x, green])
        b = np.float64(pixels[y, x, blue])
        if scale != 1.0:
            r = min(max(np.rint(r * scale), 0.0), 255.0)
            g = min(max(np.rint(g * scale), 0.0), 255.0)
            b = min(max(np.rint(b * scale), 0.0), 255.0)
        out[x] = np.float32(r * 0.299 + g * 0.587 + b * 0.114)


@numba.njit(cache=True, nogil=True)
def _column_push(ring, state, total, window, out_row):  # pragma: no cover - compiled
    """Feed the row just stored at ring[read % len(ring)] to a column pass (`box1d` down every
    column). Returns the index of the output row written to out_row, or -1 if none yet.
    state = [count, read, drop, out]."""
    half = (window + 2) // 2
    size = ring.shape[0]
    count, read, drop, out = state[0], state[1], state[2], state[3]
    row = ring[read % size]
    width = row.shape[0]
    emitted = -1
    if read < half - 1:
        for j in range(width):
            total[j] += row[j]
        count += 1
    elif read < window:
        count += 1
        divisor = np.float32(count)
        for j in range(width):
            total[j] += row[j]
            out_row[j] = np.float32(total[j] / divisor)
        emitted = out
        out += 1
    else:
        old = ring[drop % size]
        divisor = np.float32(count)
        for j in range(width):
            total[j] += row[j]
            total[j] -= old[j]
            out_row[j] = np.float32(total[j] / divisor)
        emitted = out
        drop += 1
        out += 1
    state[0], state[1], state[2], state[3] = count, read + 1, drop, out
    return emitted


@numba.njit(cache=True, nogil=True)
def _column_drain(ring, state, total, out_row):  # pragma: no cover - compiled
    """One of the last half - 1 output rows, once every row was read; -1 when none remain."""
    if state[3] >= state[1]:
        return -1
    size = ring.shape[0]
    old = ring[state[2] % size]
    state[0] -= 1
    divisor = np.float32(state[0])
    for j in range(out_row.shape[0]):
        total[j] -= old[j]
        out_row[j] = np.float32(total[j] / divisor)
    emitted = state[3]
    state[2] += 1
    state[3] += 1
    return emitted


@numba.njit(cache=True, nogil=True)
def _second_stage(row1, y, rows_window, ring2, state2, total2, out2, row_points, col_points, out):
    # pragma: no cover - compiled
    """Row pass 2 of a row of column pass 1, then column pass 2; keep the sampled values."""
    size = ring2.shape[0]
    box1d(row1, ring2[y % size], 0, row1.shape[0], 1, rows_window)
    emitted = _column_push(ring2, state2, total2, ring2.shape[0] - 1, out2)
    if emitted >= 0:
        _sample(emitted, out2, row_points, col_points, out)


@numba.njit(cache=True, nogil=True)
def _sample(y, row, row_points, col_points, out):  # pragma: no cover - compiled
    for a in range(row_points.shape[0]):
        if row_points[a] == y:
            for b in range(col_points.shape[0]):
                out[a, b] = row[col_points[b]]


@numba.njit(cache=True, nogil=True)
def streamed_buffer(pixels, scale, rows_window, cols_window, row_points, col_points):
    # pragma: no cover - compiled
    """`sequential_buffer(reference_luma(pixels, scale), ...)` for a (H, W, C) array, streamed."""
    height, width = pixels.shape[0], pixels.shape[1]
    luma = np.empty(width, dtype=np.float32)
    ring1 = np.zeros((cols_window + 1, width), dtype=np.float32)
    ring2 = np.zeros((cols_window + 1, width), dtype=np.float32)
    total1 = np.zeros(width, dtype=np.float32)
    total2 = np.zeros(width, dtype=np.float32)
    state1 = np.zeros(4, dtype=np.int64)
    state2 = np.zeros(4, dtype=np.int64)
    out1 = np.empty(width, dtype=np.float32)
    out2 = np.empty(width, dtype=np.float32)
    out = np.zeros((OUTPUT_SIZE, OUTPUT_SIZE), dtype=np.float32)
    for y in range(height):
        _luma_row(pixels, y, scale, luma)
        box1d(luma, ring1[y % ring1.shape[0]], 0, width, 1, rows_window)
        emitted = _column_push(ring1, state1, total1, cols_window, out1)
        if emitted >= 0:
            _second_stage(
                out1, emitted, rows_window, ring2, state2, total2, out2, row_points, col_points, out
            )
    while True:
        emitted = _column_drain(ring1, state1, total1, out1)
        if emitted < 0:
            break
        _second_stage(
            out1, emitted, rows_window, ring2, state2, total2, out2, row_points, col_points, out
        )
    while True:
        emitted = _column_drain(ring2, state2, total2, out2)
        if emitted < 0:
            break
        _sample(emitted, out2, row_points, col_points, out)
    return out


@numba.njit(cache=True, nogil=True)
def is_constant(pixels):  # pragma: no cover - compiled
    """Every pixel equal to the first (stops at the first that is not)."""
    for y in range(pixels.shape[0]):
        for x in range(pixels.shape[1]):
            for c in range(pixels.shape[2]):
                if pixels[y, x, c] != pixels[0, 0, c]:
                    return False
    return True
