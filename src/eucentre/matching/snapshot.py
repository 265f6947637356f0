"""On-disk snapshot format, memory-mapped opening and the atomic ``CURRENT`` pointer.

An index directory looks like::

    INDEX_DIR/
      CURRENT              name of the live snapshot, replaced atomically with os.replace
      lock                 flock'd by writers (add/remove/compact), never by readers
      snap-000001/
        meta.json          signal, count, format version
        hashes.npy         (n, words) uint64, big-endian words of each hash
        flags.npy          (n,) uint8, bit 0 = disabled (removed rows are dropped on compaction)
        ids_blob.npy       utf-8 bytes of all ids, concatenated
        ids_offsets.npy    (n + 1,) int64 into ids_blob
        id_keys.npy        (n,) uint64 FNV-1a of each id, sorted, for id -> row lookup
        id_rows.npy        (n,) int64 row of each key
        mih_offsets.npy    pdq only: (16, 65537) uint32 CSR offsets per 16-bit chunk value
        mih_records.npy    pdq only: (16, n, 2) uint64 postings grouped by chunk value, each
                           (96-bit XOR fold of the hash, row) packed in 16 bytes
        delta.log          appended updates since the snapshot was written (see delta.py)

Every array is a plain ``.npy`` file so a serving process opens it with
``np.load(mmap_mode="r")``: opening reads only headers, pages come in on demand, and processes
serving the same snapshot share the page cache instead of each holding a copy. A snapshot is
written completely into its own directory before ``CURRENT`` is switched to it, so a reader
never sees a half-written index. MD5/SHA-256 snapshots keep their rows sorted by digest for
binary search; PDQ rows stay in insertion order.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eucentre.kit.private import FILE_MODE, make_private, private_dir, private_file
from eucentre.matching import hamming
from eucentre.matching.codec import DISTANCE_SIGNALS, words_for

FORMAT_VERSION = 2
CURRENT = "CURRENT"
LOCK = "lock"
DELTA_LOG = "delta.log"
FLAG_DISABLED = 1
FLAG_REMOVED = 2
_SNAP = re.compile(r"snap-(\d{6,})")

Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    pass


def encode_ids(ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [i.encode() for i in ids]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    if encoded:
        np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=offsets[1:])
    blob = np.frombuffer(b"".join(encoded), np.uint8).copy()
    return blob, offsets


def id_key(ident: str) -> np.uint64:
    blob, offsets = encode_ids([ident])
    return hamming.fnv1a64(blob, offsets)[0]


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _save(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as fh:
        make_private(fh.fileno())
        np.save(fh, np.ascontiguousarray(array), allow_pickle=False)
        fh.flush()
        os.fsync(fh.fileno())


def mih_tables(
    words: np.ndarray, progress: Progress = _noop, records: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """CSR postings: chunk j's bucket v is ``records[j, off[j, v] : off[j, v + 1]]``.

    Each record is ``(fold0, fold1 << 32 | row)`` (see ``hamming.fold_words``). ``records`` may
    be a preallocated (16, n, 2) uint64 array, e.g. a memory-mapped file, so a 10 M build does
    not hold the 2.5 GB table in RAM as well.
    """
    n = words.shape[0]
    offsets = np.zeros((hamming.CHUNKS, hamming.BUCKETS + 1), np.uint32)
    if records is None:
        records = np.empty((hamming.CHUNKS, n, 2), np.uint64)
    if n:
        g = words[:, 1] ^ words[:, 3]
        fold0 = words[:, 0] ^ words[:, 2]
        fold1 = ((g >> np.uint64(32)) ^ g) << np.uint64(32)
        del g
    for j in range(hamming.CHUNKS):
        shift = np.uint64(48 - 16 * (j & 3))
        chunk = ((words[:, j >> 2] >> shift) & np.uint64(0xFFFF)).astype(np.uint16)
        # A stable radix sort keeps each bucket's rows ascending, so probing walks memory forward.
        rows = np.argsort(chunk, kind="stable")
        if n:
            records[j, :, 0] = fold0[rows]
            records[j, :, 1] = fold1[rows] | rows.astype(np.uint64)
        np.cumsum(np.bincount(chunk, minlength=hamming.BUCKETS), out=offsets[j, 1:])
        progress("postings", j + 1, hamming.CHUNKS)
    return offsets, records


def write_snapshot(
    directory: Path,
    signal: str,
    ids: Sequence[str] | tuple[np.ndarray, np.ndarray],
    words: np.ndarray,
    flags: np.ndarray | None = None,
    progress: Progress = _noop,
) -> None:
    """Write a complete snapshot into ``directory`` (which must not exist yet)."""
    w = words_for(signal)
    words = np.ascontiguousarray(words, dtype=np.uint64).reshape(-1, w)
    n = words.shape[0]
    if n >= 2**32 - 1:
        raise ValueError("an index holds at most 2**32 - 2 hashes")
    blob, id_offsets = encode_ids(ids) if not isinstance(ids, tuple) else ids
    if id_offsets.shape[0] != n + 1:
        raise ValueError("one id per hash")
    flags = np.zeros(n, np.uint8) if flags is None else np.asarray(flags, np.uint8) & FLAG_DISABLED
    if signal not in DISTANCE_SIGNALS and n:
        order = np.lexsort(words.T[::-1])
        words = words[order]
        flags = flags[order]
        blob, id_offsets = take_ids(blob, id_offsets, order)
    private_dir(directory)
    keys = hamming.fnv1a64(blob, id_offsets)
    key_order = np.argsort(keys, kind="stable")
    _save(directory / "hashes.npy", words)
    _save(directory / "flags.npy", flags)
    _save(directory / "ids_blob.npy", blob)
    _save(directory / "ids_offsets.npy", id_offsets)
    _save(directory / "id_keys.npy", keys[key_order])
    _save(directory / "id_rows.npy", key_order.astype(np.int64))
    progress("ids", 1, 1)
    if signal in DISTANCE_SIGNALS:
        path = directory / "mih_records.npy"
        records = np.lib.format.open_memmap(
            path, mode="w+", dtype=np.uint64, shape=(hamming.CHUNKS, n, 2)
        )
        os.chmod(path, FILE_MODE)
        offsets, _ = mih_tables(words, progress, records)
        records.flush()
        del records
        _fsync_file(path)
        _save(directory / "mih_offsets.npy", offsets)
    private_file(directory / DELTA_LOG)
    meta = {"format": FORMAT_VERSION, "signal": signal, "count": n, "words": w}
    private_file(directory / "meta.json").write_text(json.dumps(meta) + "\n")
    _fsync_dir(directory)


def take_ids(
    blob: np.ndarray, offsets: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The id table restricted to ``rows`` (in that order), without decoding to Python strings."""
    lengths = (offsets[1:] - offsets[:-1])[rows]
    new_offsets = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    # Position of every output byte in the old blob: its row's old start plus its rank within.
    starts = np.repeat(offsets[:-1][rows] - new_offsets[:-1], lengths)
    new_blob = blob[starts + np.arange(new_offsets[-1])]
    return new_blob, new_offsets


@dataclass
class Snapshot:
    """A memory-mapped, read-only snapshot."""

    path: Path
    signal: str
    hashes: np.ndarray
    flags: np.ndarray
    ids_blob: np.ndarray
    ids_offsets: np.ndarray
    id_keys: np.ndarray
    id_rows: np.ndarray
    mih_offsets: np.ndarray | None
    mih_records: np.ndarray | None

    @property
    def count(self) -> int:
        return int(self.hashes.shape[0])

    @classmethod
    def open(cls, path: Path) -> Snapshot:
        meta = json.loads((path / "meta.json").read_text())
        if meta.get("format") not in (1, FORMAT_VERSION):
            raise ValueError(f"{path}: unsupported snapshot format {meta.get('format')!r}")

        def load(name: str) -> np.ndarray:
            return np.load(path / name, mmap_mode="r", allow_pickle=False)

        pdq = meta["signal"] in DISTANCE_SIGNALS
        hashes = load("hashes.npy")
        mih_offsets = mih_records = None
        if pdq and meta["format"] == 1:
            # Format 1 kept a 128-bit fold and the rows in separate files; rebuild the tables
            # in memory (seconds per million hashes). The next compaction writes format 2.
            mih_offsets, mih_records = mih_tables(np.asarray(hashes))
        elif pdq:
            mih_offsets, mih_records = load("mih_offsets.npy"), load("mih_records.npy")
        snap = cls(
            path=path,
            signal=meta["signal"],
            hashes=hashes,
            flags=load("flags.npy"),
            ids_blob=load("ids_blob.npy"),
            ids_offsets=load("ids_offsets.npy"),
            id_keys=load("id_keys.npy"),
            id_rows=load("id_rows.npy"),
            mih_offsets=mih_offsets,
            mih_records=mih_records,
        )
        if snap.count != meta["count"]:
            raise ValueError(
                f"{path}: meta.json says {meta['count']} rows, hashes.npy has {snap.count}"
            )
        return snap

    def id_of(self, row: int) -> str:
        return bytes(self.ids_blob[self.ids_offsets[row] : self.ids_offsets[row + 1]]).decode()

    def ids_of(self, rows: np.ndarray) -> list[str]:
        """The ids of many rows at once: one gather of their bytes and one decode, instead of a
        memmap slice per row (which costs microseconds each and dominated result building)."""
        rows = np.asarray(rows, np.int64)
        if rows.size == 0:
            return []
        blob, offsets = take_ids(self.ids_blob, np.asarray(self.ids_offsets), rows)
        raw = blob.tobytes()
        ends = offsets.tolist()
        if raw.isascii():
            text = raw.decode("ascii")
            return [text[a:b] for a, b in zip(ends[:-1], ends[1:], strict=True)]
        return [raw[a:b].decode() for a, b in zip(ends[:-1], ends[1:], strict=True)]

    def row_of(self, ident: str) -> int | None:
        key = id_key(ident)
        lo = int(np.searchsorted(self.id_keys, key, side="left"))
        target = ident.encode()
        while lo < self.id_keys.shape[0] and self.id_keys[lo] == key:
            row = int(self.id_rows[lo])
            if bytes(self.ids_blob[self.ids_offsets[row] : self.ids_offsets[row + 1]]) == target:
                return row
            lo += 1
        return None


# --- the index directory: CURRENT pointer and snapshot generations ----------------------------


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_current(index_dir: Path) -> str:
    try:
        name = (index_dir / CURRENT).read_text().strip()
    except FileNotFoundError:
        raise FileNotFoundError(f"{index_dir} is not an index (no {CURRENT} file)") from None
    if not _SNAP.fullmatch(name):
        raise ValueError(f"{index_dir / CURRENT}: unexpected content {name!r}")
    return name


def next_snapshot_name(index_dir: Path) -> str:
    numbers = [int(m.group(1)) for p in index_dir.iterdir() if (m := _SNAP.fullmatch(p.name))]
    return f"snap-{max(numbers, default=0) + 1:06d}"


def point_current(index_dir: Path, name: str) -> None:
    """Switch readers to snapshot ``name``: os.replace is atomic, so a reader sees old or new."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w") as fh:
        make_private(fh.fileno())
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def prune_snapshots(index_dir: Path, keep: Sequence[str]) -> None:
    """Delete superseded snapshots. Processes still mapping them keep their pages (unlink
    semantics) and move to the new snapshot on their next ``refresh``."""
    for p in index_dir.iterdir():
        if _SNAP.fullmatch(p.name) and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)


def create_index_dir(
    index_dir: Path,
    signal: str,
    ids: Sequence[str],
    words: np.ndarray,
    progress: Progress = _noop,
    overwrite: bool = False,
) -> None:
    """Build a whole index directory next to ``index_dir`` and rename it into place at the end,
    so a failed build leaves nothing behind."""
    index_dir = Path(index_dir)
    if index_dir.exists() and not overwrite and any(index_dir.iterdir()):
        raise FileExistsError(f"{index_dir} already exists")
    parent = index_dir.parent
    private_dir(parent)
    tmp = parent / f".{index_dir.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    private_dir(tmp)
    try:
        write_snapshot(tmp / "snap-000001", signal, ids, words, progress=progress)
        private_file(tmp / LOCK)
        point_current(tmp, "snap-000001")
        if index_dir.exists():
            old = parent / f".{index_dir.name}.old-{os.getpid()}"
            os.rename(index_dir, old)
            os.rename(tmp, index_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, index_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
