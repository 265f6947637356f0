"""HashIndex: ids, variants, in-place updates, disable, compaction, exact-digest indexes."""

from __future__ import annotations

import hashlib
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eucentre.matching import HashIndex, IndexUpdateError, Match
from eucentre.matching.codec import words_to_hex
from eucentre.matching.snapshot import CURRENT, DELTA_LOG

from .conftest import clustered, distances, flip_bits


def hexes(words):
    return words_to_hex(words)


@pytest.fixture
def small(tmp_path, rng):
    stored = clustered(rng, 500)
    ids = [f"ind-{i}" for i in range(500)]
    return HashIndex.build(tmp_path / "idx", "pdq", ids, hexes(stored)), stored


def test_results_carry_string_ids_distance_and_variant(small, rng):
    index, stored = small
    q = flip_bits(rng, stored[42], 5)
    (matches,) = index.search([hexes(q[None])[0]])
    assert Match(5, "ind-42") in matches
    assert matches == sorted(matches)
    assert all(m.variant == "original" for m in matches)


def test_variants_report_which_variant_matched(small, rng):
    index, stored = small
    far = rng.integers(0, 2**63, (1, 4)).astype(np.uint64)
    rot = flip_bits(rng, stored[7], 3)[None]
    flip = flip_bits(rng, stored[7], 10)[None]
    (matches,) = index.search_variants(
        [{"original": hexes(far)[0], "flip_h": hexes(flip)[0], "rot90": hexes(rot)[0]}]
    )
    best = {m.id: m for m in matches}
    assert best["ind-7"] == Match(3, "ind-7", "rot90")
    frames = index.search_variants([{"frame:0": hexes(far)[0], "frame:12": hexes(stored[9:10])[0]}])
    assert Match(0, "ind-9", "frame:12") in frames[0]
    with pytest.raises(ValueError, match="variant"):
        index.search_variants([{"upside-down": hexes(far)[0]}])


def test_same_distance_ties_keep_the_first_variant(small):
    index, stored = small
    h = hexes(stored[3:4])[0]
    (matches,) = index.search_variants([{"rot180": h, "original": h}])
    assert next(m for m in matches if m.id == "ind-3").variant == "rot180"


def test_add_remove_disable_enable_without_rebuild(small, rng):
    index, stored = small
    snap = index.snapshot_name
    new = flip_bits(rng, stored[0], 1)[None]
    index.add(["fresh"], hexes(new))
    assert Match(0, "fresh") in index.search(new)[0]
    assert len(index) == 501 and index.snapshot_name == snap
    index.remove(["ind-0"])
    assert all(m.id != "ind-0" for m in index.search(stored[:1])[0])
    index.disable(["fresh"])
    assert all(m.id != "fresh" for m in index.search(new)[0])
    assert index.get("fresh") == (hexes(new)[0], True)
    index.enable(["fresh"])
    assert Match(0, "fresh") in index.search(new)[0]
    # A removed id may be reused.
    index.add(["ind-0"], hexes(stored[:1]))
    assert Match(0, "ind-0") in index.search(stored[:1])[0]
    assert index.snapshot_name == snap
    # A fresh process replays the delta log.
    again = HashIndex.open(index.path)
    assert again.search(new) == index.search(new)
    assert len(again) == len(index) == 501


def test_updates_are_all_or_nothing(small):
    index, stored = small
    with pytest.raises(IndexUpdateError) as err:
        index.add(["ok", "ind-1", "bad id", "ok"], hexes(stored[:4]))
    positions = [p for p, _ in err.value.problems]
    assert positions == [1, 2, 3]
    assert "ok" not in index
    with pytest.raises(IndexUpdateError):
        index.remove(["ind-1", "nope"])
    assert "ind-1" in index
    with pytest.raises(ValueError):
        index.add(["x"], ["zz" * 32])
    with pytest.raises(IndexUpdateError):
        index.add(["x", "y"], hexes(stored[:1]))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["add", "remove", "disable", "enable", "compact"]),
            st.integers(0, 59),
            st.integers(0, 40),
        ),
        max_size=30,
    ),
    max_d=st.integers(0, 64),
)
def test_updates_match_a_model_after_any_sequence(tmp_path_factory, ops, max_d):
    rng = np.random.default_rng(len(ops))
    stored = clustered(rng, 40)
    model = {f"i{i}": stored[i] for i in range(40)}
    disabled: set[str] = set()
    index = HashIndex.build(tmp_path_factory.mktemp("m") / "idx", "pdq", list(model), stored)
    for op, k, flips in ops:
        ident = f"i{k}"
        if op == "add" and ident not in model:
            h = flip_bits(rng, stored[k % 40], flips)
            index.add([ident], h[None])
            model[ident] = h
        elif op in ("remove", "disable", "enable") and ident in model:
            getattr(index, op)([ident])
            if op == "remove":
                del model[ident]
                disabled.discard(ident)
            elif op == "disable":
                disabled.add(ident)
            else:
                disabled.discard(ident)
        elif op == "compact":
            index.compact()
    live = [i for i in model if i not in disabled]
    queries = np.stack([flip_bits(rng, stored[j], j % 35) for j in range(0, 40, 3)])
    got = [sorted((m.distance, m.id) for m in ms) for ms in index.search(queries, max_d)]
    if live:
        dist = distances(queries, np.stack([model[i] for i in live]))
        want = [sorted((int(d), live[j]) for j, d in enumerate(row) if d <= max_d) for row in dist]
    else:
        want = [[] for _ in queries]
    assert got == want
    assert len(index) == len(model)


def test_background_compaction_swaps_atomically_while_serving(small, rng):
    index, stored = small
    old = index.snapshot_name
    index.add([f"a{i}" for i in range(300)], hexes(stored[:300]))
    index.disable(["ind-5"])
    index.remove(["ind-6"])
    before = index.search(stored[:50], 31)
    stop = threading.Event()
    seen: list = []

    def serve():
        while not stop.is_set():
            seen.append(index.search(stored[:50], 31) == before)

    reader = threading.Thread(target=serve)
    reader.start()
    thread = index.compact(wait=False)
    lone = rng.integers(0, 2**63, (1, 4)).astype(np.uint64)
    index.add(["during"], lone)  # lands in the old log, carried to the new one
    thread.join()
    stop.set()
    reader.join()
    index.wait_for_compaction()
    assert index.snapshot_name != old
    assert (index.path / CURRENT).read_text().strip() == index.snapshot_name
    assert all(seen) and seen
    assert Match(0, "during") in index.search(lone)[0]
    assert index.delta_size <= 1  # at most the update racing the compaction
    assert index.search(stored[:50], 31) == before
    assert index.get("ind-5")[1] is True and "ind-6" not in index
    assert HashIndex.open(index.path).search(stored[:61], 31) == index.search(stored[:61], 31)


def test_auto_compaction_in_background(tmp_path, rng):
    stored = clustered(rng, 100)
    index = HashIndex.build(
        tmp_path / "idx", "pdq", [f"i{i}" for i in range(100)], stored, auto_compact_at=20
    )
    for i in range(25):
        index.add([f"n{i}"], stored[i : i + 1])
    index.wait_for_compaction()
    assert index.snapshot_name != "snap-000001"
    assert len(index) == 125


def test_another_process_sees_updates_after_refresh(small, rng):
    index, stored = small
    reader = HashIndex.open(index.path)
    index.add(["late"], hexes(stored[1:2]))
    assert "late" not in reader
    assert reader.refresh() and "late" in reader
    index.compact()
    assert reader.refresh() and reader.snapshot_name == index.snapshot_name
    assert reader.search(stored[:20]) == index.search(stored[:20])


def test_torn_last_log_line_is_ignored_until_complete(small):
    index, stored = small
    log = index.path / index.snapshot_name / DELTA_LOG
    with open(log, "a") as fh:
        fh.write('{"op":"remove","id":"ind-')
    again = HashIndex.open(index.path)
    assert "ind-1" in again
    with open(log, "a") as fh:
        fh.write('1"}\n')
    again.refresh()
    assert "ind-1" not in again


@pytest.mark.parametrize("signal,algo", [("md5", hashlib.md5), ("sha256", hashlib.sha256)])
def test_exact_digest_index(tmp_path, signal, algo):
    digests = [algo(str(i).encode()).hexdigest() for i in range(1000)]
    ids = [f"f{i}" for i in range(1000)]
    digests[10] = digests[11]  # two ids may share a digest
    index = HashIndex.build(tmp_path / signal, signal, ids, digests)
    res = index.search([digests[500], digests[11], algo(b"absent").hexdigest()], 31)
    assert res[0] == [Match(0, "f500")]
    assert res[1] == [Match(0, "f10"), Match(0, "f11")]
    assert res[2] == []
    index.add(["late"], [algo(b"absent").hexdigest()])
    index.remove(["f500"])
    res = index.search([digests[500], algo(b"absent").hexdigest()])
    assert res == [[], [Match(0, "late")]]
    index.compact()
    assert index.search([digests[499], algo(b"absent").hexdigest()]) == [
        [Match(0, "f499")],
        [Match(0, "late")],
    ]


def test_empty_index(tmp_path):
    index = HashIndex.build(tmp_path / "e", "pdq", [], np.empty((0, 4), np.uint64))
    assert len(index) == 0 and index.search(["0" * 64]) == [[]]
    index.add(["a"], ["0" * 64])
    assert index.search(["0" * 64]) == [[Match(0, "a")]]


def test_build_refuses_bad_input_and_leaves_nothing(tmp_path):
    with pytest.raises(IndexUpdateError):
        HashIndex.build(tmp_path / "x", "pdq", ["a", "a"], ["0" * 64, "1" * 64])
    with pytest.raises(ValueError):
        HashIndex.build(tmp_path / "x", "pdq", ["a"], ["0" * 63])
    assert list(tmp_path.iterdir()) == []
    HashIndex.build(tmp_path / "x", "pdq", ["a"], ["0" * 64])
    with pytest.raises(FileExistsError):
        HashIndex.build(tmp_path / "x", "pdq", ["b"], ["0" * 64])
    assert HashIndex.build(tmp_path / "x", "pdq", ["b"], ["0" * 64], overwrite=True).search(
        ["0" * 64]
    ) == [[Match(0, "b")]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]


def test_results_name_non_ascii_base_and_delta_ids_in_order(tmp_path, rng):
    stored = clustered(rng, 300)
    ids = [f"ünï-{i}-✓" if i % 3 == 0 else f"plain-{i}" for i in range(300)]
    index = HashIndex.build(tmp_path / "u", "pdq", ids, stored, auto_compact_at=None)
    extra = stored[:50].copy()
    extra[:, 3] ^= np.uint64(0b1011)
    index.add([f"délta-{i}" for i in range(50)], extra)
    queries = np.concatenate([stored[:60], stored[200:210]])
    got = index.search(queries, 31)
    dist = distances(queries, np.concatenate([stored, extra]))
    names = ids + [f"délta-{i}" for i in range(50)]
    for qi, matches in enumerate(got):
        want = sorted(
            Match(int(dist[qi, r]), names[r]) for r in np.flatnonzero(dist[qi] <= 31).tolist()
        )
        assert matches == want
        assert all(type(m) is Match and m.variant == "original" for m in matches)
    h0, h1 = hexes(queries[:2])
    best = {m.id: m for m in sorted(got[1], reverse=True)}
    best.update({m.id: m for m in got[0] if m.id not in best or m.distance <= best[m.id].distance})
    want = sorted(
        Match(m.distance, m.id, "original" if m in got[0] else "rot90") for m in best.values()
    )
    assert index.search_variants([{"original": h0, "rot90": h1}], 31)[0] == want


def test_search_restores_the_garbage_collector(small, rng):
    import gc

    index, stored = small
    assert gc.isenabled()
    index.search(stored[:20], 31)
    index.search_variants([{"original": hexes(stored[:1])[0]}], 31)
    assert gc.isenabled()
    gc.disable()
    try:
        index.search(stored[:20], 31)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_format_1_snapshots_still_open_and_compact_to_format_2(tmp_path, rng):
    import json

    stored = clustered(rng, 400)
    ids = [f"v1-{i}" for i in range(400)]
    index = HashIndex.build(tmp_path / "old", "pdq", ids, stored, auto_compact_at=None)
    want = index.search(stored[:30], 31)
    snap = index._state.snap.path
    # Turn the snapshot into what format 1 wrote: its own MIH files, which format 2 ignores.
    for name in ("mih_offsets.npy", "mih_records.npy"):
        (snap / name).unlink()
    np.save(snap / "mih_postings.npy", np.zeros((16, 400), np.uint32))
    meta = json.loads((snap / "meta.json").read_text())
    (snap / "meta.json").write_text(json.dumps({**meta, "format": 1}))
    old = HashIndex.open(tmp_path / "old", auto_compact_at=None)
    assert old.search(stored[:30], 31) == want
    old.compact()
    assert json.loads((old._state.snap.path / "meta.json").read_text())["format"] == 2
    assert HashIndex.open(tmp_path / "old").search(stored[:30], 31) == want


def test_equal_distances_are_ordered_by_id_not_by_row(tmp_path, rng):
    centre = rng.integers(0, 2**64 - 1, (1, 4), dtype=np.uint64, endpoint=True)
    stored = np.repeat(centre, 12, axis=0)
    stored[6:, 2] ^= np.uint64(1)  # six at distance 0, six at distance 1
    ids = [f"id-{11 - i}" for i in range(12)]  # row order is the reverse of id order
    index = HashIndex.build(tmp_path / "t", "pdq", ids, stored)
    shifted = centre.copy()
    shifted[0, 0] ^= np.uint64(1 << 40)
    got = index.search(np.concatenate([centre, shifted]), 31)
    assert got[0] == sorted(Match(int(i >= 6), ids[i]) for i in range(12))
    assert [m.distance for m in got[1]] == [1] * 6 + [2] * 6
    assert got[1] == sorted(got[1])
