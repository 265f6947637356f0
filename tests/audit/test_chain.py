"""The chain arithmetic alone: any edit, deletion or reordering is found."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from eucentre.audit.chain import GENESIS_HASH, Link, entry_hash, find_problems


def build_chain(length: int) -> list[Link]:
    links, prev = [], GENESIS_HASH
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for seq in range(1, length + 1):
        fields = dict(
            seq=seq,
            at=start + timedelta(seconds=seq),
            actor=f"user:{seq}",
            action="thing.done",
            object_type="thing",
            object_id=str(seq),
            details={"n": seq},
        )
        digest = entry_hash(prev_hash=prev, **fields)
        links.append(Link(prev_hash=prev, entry_hash=digest, **fields))
        prev = digest
    return links


def test_an_untouched_chain_has_no_problems() -> None:
    links = build_chain(5)
    assert find_problems(links, head_seq=5, head_hash=links[-1].entry_hash) == []


def test_an_edited_entry_is_found() -> None:
    links = build_chain(5)
    links[2] = replace(links[2], actor="user:999")
    problems = find_problems(links, head_seq=5, head_hash=links[-1].entry_hash)
    assert [p.seq for p in problems] == [3]


def test_a_deleted_entry_is_found() -> None:
    links = build_chain(5)
    del links[1]
    problems = find_problems(links, head_seq=5, head_hash=links[-1].entry_hash)
    assert problems and problems[0].seq == 3


def test_a_cut_tail_is_found_through_the_head() -> None:
    links = build_chain(5)
    full_head = links[-1].entry_hash
    problems = find_problems(links[:-1], head_seq=5, head_hash=full_head)
    assert len(problems) == 1 and "ends at entry 4" in problems[0].problem


def test_reordered_entries_are_found() -> None:
    links = build_chain(5)
    links[1], links[2] = links[2], links[1]
    assert find_problems(links, head_seq=5, head_hash=links[-1].entry_hash)


def test_times_hash_the_same_naive_or_zoned() -> None:
    zoned = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    naive = zoned.replace(tzinfo=None)
    common = dict(
        prev_hash=GENESIS_HASH,
        seq=1,
        actor="a",
        action="b",
        object_type="c",
        object_id="d",
        details={},
    )
    assert entry_hash(at=zoned, **common) == entry_hash(at=naive, **common)
