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
def sequential_buffer(luma, rows_window, cols_window, row_points, col_points):  # pragma: no cover
    height, width = luma.shape
    first = luma.copy().reshape(-1)
    second = np.zeros_like(first)
    for _ in range(2):
        for i in range(height):
            box1d(first, second, i * width, width, 1, rows_window)
        for j in range(width):
            box1d(second, first, j, height, width, cols_window)
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
