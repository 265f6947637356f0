"""Numba kernels: popcount, multi-index-hashing probe, brute-force scan, exact lookup.

Every kernel is ``nogil`` so a batch can be split across threads (see ``parallel.py``), and
``cache=True`` so a serving process or a test run pays the LLVM compile once per machine.

Hashes are rows of big-endian 64-bit words (a PDQ hash is 4 words, the hex string read left to
right). Kernels emit matches as flat triplets ``(query_index, row, distance)``: the number of
matches per query is unknown in advance, and a single growing buffer per thread is cheaper than
per-query lists.
"""

from __future__ import annotations

import functools

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

CHUNKS = 16
CHUNK_BITS = 16
BUCKETS = 1 << CHUNK_BITS
# Probes between a bucket's prefetch and its scan (see mih_search).
AHEAD = 16


@intrinsic
def _ctpop(typingctx, x):
    # LLVM's ctpop lowers to the POPCNT instruction on the host CPU; the SWAR idiom is not
    # always recognised, and this is the innermost operation of every kernel.
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):
        fn = builder.module.declare_intrinsic("llvm.ctpop", [ir.IntType(64)])
        return builder.call(fn, [args[0]])

    return sig, codegen


@intrinsic
def _prefetch(typingctx, arr, idx):
    # llvm.prefetch of element ``idx`` of a C-contiguous array, counted in elements of the
    # flattened array. A prefetch never faults, and unlike a plain load it does not hold up the
    # instructions behind it while the line is on its way.
    if not isinstance(arr, types.Array) or not isinstance(idx, types.Integer):
        return None
    sig = types.void(arr, idx)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        base = builder.bitcast(ary.data, i8p)
        size = context.get_abi_sizeof(context.get_data_type(aryty.dtype))
        index = context.cast(builder, args[1], signature.args[1], types.int64)
        ptr = builder.gep(base, [builder.mul(index, ir.Constant(ir.IntType(64), size))])
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = builder.module.declare_intrinsic("llvm.prefetch", fnty=fnty)
        # read, high temporal locality, data cache
        builder.call(fn, [ptr, ir.Constant(i32, 0), ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True, nogil=True, inline="always")
def popcount64(x):
    # int64, not uint64: numba widens int64 + uint64 to float64, which would silently turn the
    # distance accumulators into floats.
    return np.int64(_ctpop(x))


@njit(cache=True, nogil=True, inline="always")
def _chunk(words, row, j):
    # Chunk 0 is the first four hex digits of the hash: the high 16 bits of word 0.
    return (words[row, j >> 2] >> np.uint64(48 - 16 * (j & 3))) & np.uint64(0xFFFF)


@njit(cache=True, nogil=True)
def _grow(buf, k):
    if k < buf.shape[0]:
        return buf
    new = np.empty(buf.shape[0] * 2, buf.dtype)
    new[: buf.shape[0]] = buf
    return new


@njit(cache=True, nogil=True)
def _grow3(a, b, c, need):
    size = max(need, 2 * a.shape[0])
    na = np.empty(size, a.dtype)
    nb = np.empty(size, b.dtype)
    nc = np.empty(size, c.dtype)
    na[: a.shape[0]] = a
    nb[: b.shape[0]] = b
    nc[: c.shape[0]] = c
    return na, nb, nc


@njit(cache=True, nogil=True, inline="always")
def fold_words(w0, w1, w2, w3):
    """The 96-bit XOR fold kept beside every posting, as the two words compared by the kernel.

    Bits are grouped (w0 ^ w2) and (hi32 ^ lo32 of w1 ^ w3); the fold of a difference is the
    difference of the folds, and XOR-ing bits together never raises a popcount, so the fold
    distance is a lower bound of the true distance. Random hashes sit 48 +- 5 bits apart in it,
    so a threshold of 31 rejects all but ~3 in 10 000 unrelated candidates without touching
    their hash. The second word carries the fold in its high half; the low half is left for the
    row number (records) or zero (queries).
    """
    g = w1 ^ w3
    return w0 ^ w2, ((g >> np.uint64(32)) ^ g) << np.uint64(32)


@njit(cache=True, nogil=True)
def mih_search(queries, hashes, offsets, records, masks, max_d, radius, flags):
    """Multi-index hashing range search; returns (query_index, row, distance) arrays.

    ``masks`` lists every 16-bit flip pattern of weight <= ``radius``. By pigeonhole a stored
    hash within ``max_d`` has at least one chunk within ``radius = max_d // 16`` of the query's
    chunk, so probing those buckets finds every match. A hash found through several chunks is
    reported only from the first chunk that could have found it, which avoids a per-query
    "seen" set. ``flags[row] != 0`` hides a row (removed or disabled).

    ``records[j, p]`` is posting ``p`` of chunk ``j``: ``(fold0, fold1 << 32 | row)`` with the
    96-bit fold of :func:`fold_words`. A bucket is streamed (16 bytes a posting, the row in the
    same cache line as its fold) and only candidates whose fold distance is within ``max_d``
    cost a random access into ``hashes``.

    At 1 M hashes a query is latency-bound: 16 x 17 bucket look-ups, each a cache miss in the
    offsets and another in the records. The look-ups are therefore issued as software
    prefetches in two passes (offsets, then the first line of every bucket) before the scan,
    and the scan prefetches the rest of the bucket ``AHEAD`` probes in front of it, so the
    misses overlap instead of being paid one after another.
    """
    m = queries.shape[0]
    n = records.shape[1]
    nmask = masks.shape[0]
    nprobe = CHUNKS * nmask
    stride = offsets.shape[1]
    cap = 1024
    out_q = np.empty(cap, np.int64)
    out_r = np.empty(cap, np.int64)
    out_d = np.empty(cap, np.int32)
    k = 0
    qc = np.empty(CHUNKS, np.uint64)
    keys = np.empty(nprobe, np.int64)
    starts = np.empty(nprobe, np.int64)
    ends = np.empty(nprobe, np.int64)
    lo32 = np.uint64(0xFFFFFFFF)
    hi = np.uint64(32)
    ahead = AHEAD
    qi = 0
    while qi < m:
        k0 = k
        cap = out_q.shape[0]
        q0 = queries[qi, 0]
        q1 = queries[qi, 1]
        q2 = queries[qi, 2]
        q3 = queries[qi, 3]
        f0, f1 = fold_words(q0, q1, q2, q3)
        for j in range(CHUNKS):
            qc[j] = _chunk(queries, qi, j)
        for j in range(CHUNKS):
            base = qc[j]
            for mi in range(nmask):
                key = j * stride + np.int64(base ^ masks[mi])
                keys[j * nmask + mi] = key
                _prefetch(offsets, key)
        for t in range(nprobe):
            j = t // nmask
            key = keys[t] - j * stride
            s = np.int64(offsets[j, key])
            e = np.int64(offsets[j, key + 1])
            starts[t] = s
            ends[t] = e
            if e > s:
                _prefetch(records, (j * n + s) * 2)
        for t in range(nprobe):
            ta = t + ahead
            if ta < nprobe:
                ja = ta // nmask
                for p in range(starts[ta] + 4, ends[ta], 4):
                    _prefetch(records, (ja * n + p) * 2)
            j = t // nmask
            for p in range(starts[t], ends[t]):
                r1 = records[j, p, 1]
                fd = popcount64(records[j, p, 0] ^ f0) + popcount64((r1 ^ f1) >> hi)
                if fd > max_d:
                    continue
                row = np.int64(r1 & lo32)
                d = (
                    popcount64(hashes[row, 0] ^ q0)
                    + popcount64(hashes[row, 1] ^ q1)
                    + popcount64(hashes[row, 2] ^ q2)
                    + popcount64(hashes[row, 3] ^ q3)
                )
                if d > max_d or flags[row] != 0:
                    continue
                seen = False
                for i in range(j):
                    if popcount64(_chunk(hashes, row, i) ^ qc[i]) <= radius:
                        seen = True
                        break
                if seen:
                    continue
                if k < cap:
                    out_q[k] = qi
                    out_r[k] = row
                    out_d[k] = d
                k += 1
        if k > cap:
            # See brute_search: grow outside the hot loop, then redo this query.
            out_q, out_r, out_d = _grow3(out_q, out_r, out_d, k)
            k = k0
            continue
        qi += 1
    return out_q[:k], out_r[:k], out_d[:k]


@njit(cache=True, nogil=True)
def brute_search(queries, hashes, nrows, max_d, flags):
    """Linear scan of rows ``[0, nrows)``; exact for any radius.

    Queries are taken in blocks so each stored row is loaded once per block rather than once
    per query: the scan is then bound by popcount throughput, not memory bandwidth.
    """
    m = queries.shape[0]
    w = hashes.shape[1]
    cap = 1024
    out_q = np.empty(cap, np.int64)
    out_r = np.empty(cap, np.int64)
    out_d = np.empty(cap, np.int32)
    k = 0
    block = 32
    wide = w == 4  # PDQ / SHA-256; MD5 rows have two words
    zero = np.uint64(0)
    qb = 0
    while qb < m:
        qe = min(m, qb + block)
        k0 = k
        cap = out_q.shape[0]
        for row in range(nrows):
            if flags[row] != 0:
                continue
            # Locals, not a loop over words: keeps the inner loop branch-free and in registers.
            h0 = hashes[row, 0]
            h1 = hashes[row, 1]
            h2 = hashes[row, 2] if wide else zero
            h3 = hashes[row, 3] if wide else zero
            for qi in range(qb, qe):
                d = popcount64(h0 ^ queries[qi, 0]) + popcount64(h1 ^ queries[qi, 1])
                if wide:
                    d += popcount64(h2 ^ queries[qi, 2]) + popcount64(h3 ^ queries[qi, 3])
                if d <= max_d:
                    if k < cap:
                        out_q[k] = qi
                        out_r[k] = row
                        out_d[k] = d
                    k += 1
        if k > cap:
            # Reassigning the buffers inside the hot loop costs ~10x (refcounting in the loop),
            # so on overflow grow once and redo the block.
            out_q, out_r, out_d = _grow3(out_q, out_r, out_d, k)
            k = k0
            continue
        qb = qe
    # Emit in query order like the MIH kernel, so callers can group without re-sorting rows.
    order = np.argsort(out_q[:k], kind="mergesort")
    return out_q[:k][order], out_r[:k][order], out_d[:k][order]


@njit(cache=True, nogil=True)
def _row_cmp(hashes, row, queries, qi):
    for c in range(hashes.shape[1]):
        a = hashes[row, c]
        b = queries[qi, c]
        if a < b:
            return -1
        if a > b:
            return 1
    return 0


@njit(cache=True, nogil=True)
def exact_search(queries, hashes, flags):
    """Binary search of each query in lexicographically sorted rows (MD5/SHA-256 digests)."""
    m = queries.shape[0]
    n = hashes.shape[0]
    cap = 256
    out_q = np.empty(cap, np.int64)
    out_r = np.empty(cap, np.int64)
    k = 0
    for qi in range(m):
        lo = 0
        hi = n
        while lo < hi:
            mid = (lo + hi) >> 1
            if _row_cmp(hashes, mid, queries, qi) < 0:
                lo = mid + 1
            else:
                hi = mid
        row = lo
        while row < n and _row_cmp(hashes, row, queries, qi) == 0:
            if flags[row] == 0:
                if k >= out_q.shape[0]:
                    out_q = _grow(out_q, k)
                    out_r = _grow(out_r, k)
                out_q[k] = qi
                out_r[k] = row
                k += 1
            row += 1
    return out_q[:k], out_r[:k], np.zeros(k, np.int32)


@njit(cache=True, nogil=True)
def fnv1a64(blob, offsets):
    """64-bit FNV-1a of each id (``blob[offsets[i]:offsets[i+1]]``), the key of the id table."""
    n = offsets.shape[0] - 1
    out = np.empty(n, np.uint64)
    prime = np.uint64(0x100000001B3)
    for i in range(n):
        h = np.uint64(0xCBF29CE484222325)
        for p in range(offsets[i], offsets[i + 1]):
            h = (h ^ np.uint64(blob[p])) * prime
        out[i] = h
    return out


@njit(cache=True, nogil=True)
def popcount_throughput(words, reps):
    """Tight popcount loop, used by the benchmark to measure the machine's comparison limit."""
    total = 0
    for _ in range(reps):
        for i in range(words.shape[0]):
            total += popcount64(words[i])
    return total


@functools.lru_cache(maxsize=8)
def flip_masks(radius: int) -> np.ndarray:
    """All 16-bit patterns of Hamming weight <= radius, lightest first."""
    values = np.arange(BUCKETS, dtype=np.uint64)
    weights = np.array([bin(v).count("1") for v in range(BUCKETS)], dtype=np.int64)
    keep = weights <= radius
    order = np.argsort(weights[keep], kind="stable")
    return values[keep][order]


def mask_count(radius: int) -> int:
    from math import comb

    return sum(comb(CHUNK_BITS, i) for i in range(min(radius, CHUNK_BITS) + 1))
