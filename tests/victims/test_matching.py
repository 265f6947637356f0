"""Matching victims' hashes (without HTTP): a report item's rotations and mirror images and its
picture as displayed; exact digests; nothing of a withdrawn case; `match_media` for proactive
search; and the verified indicators, both ways."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from eucentre.db import transaction
from eucentre.indicators.lookup import LookupIndex
from eucentre.media.hashing import hash_bytes
from eucentre.models import ReportItem, ReportItemHash
from eucentre.signals import MediaFile, registry
from eucentre.victims import known, pins, service
from eucentre.victims.hashes import SubmittedHash, checked
from eucentre.victims.matching import ActiveHashes, item_hashes, match_media
from eucentre.victims.models import VictimMatch
from tests.indicators.helpers import near, verified
from tests.reports.helpers import png

SECRET = b"s" * 32


def new_case(session, hashes: list[SubmittedHash]):
    number = service.new_number(session)
    return service.open_case(
        session,
        new=service.NewCase(checked(hashes)),
        number=number,
        pin_digest=pins.hash_pin(SECRET, number, "PIN"),
        secret=SECRET,
    )


def pdq_of(data: bytes) -> SubmittedHash:
    record = hash_bytes(data)
    return SubmittedHash("pdq", record["pdq"], record["pdq_quality"])


def item_of(data: bytes) -> ReportItem:
    found = registry.hash_media(MediaFile(data, hash_bytes(data)))
    return ReportItem(
        report_id=0,
        kind="file",
        hashes=[
            ReportItemHash.of(s, h.value, quality=h.quality, details=h.details)
            for s, h in found.items()
        ],
    )


def rotated(seed: int) -> bytes:
    image = Image.open(io.BytesIO(png(seed))).transpose(Image.Transpose.ROTATE_90)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_rotated_copy_matches_through_its_variants_and_a_digest_exactly(session) -> None:
    case = new_case(session, [pdq_of(png(3))])
    md5_case = new_case(session, [SubmittedHash("md5", hash_bytes(png(4))["md5"])])
    active = ActiveHashes(session)
    md5, sha256, pdq = item_hashes(item_of(rotated(3)))
    assert hash_bytes(rotated(3))["pdq"] != pdq_of(png(3)).value
    [found] = active.match(md5=md5, sha256=sha256, pdq_values=pdq)
    assert found.case_id == case.id and found.variant != "original" and found.distance <= 31
    md5, sha256, pdq = item_hashes(item_of(png(4)))
    assert [m.case_id for m in active.match(md5=md5, sha256=sha256, pdq_values={})] == [md5_case.id]


def test_the_picture_as_displayed_is_compared_too(session) -> None:
    displayed = pdq_of(png(6))
    case = new_case(session, [displayed])
    item = ReportItem(
        report_id=0,
        kind="file",
        hashes=[
            ReportItemHash.of(
                "pdq",
                near(displayed.value, 120),
                quality=90,
                details={"displayed": displayed.value},
            )
        ],
    )
    [found] = ActiveHashes(session).match(pdq_values=item_hashes(item)[2])
    assert (found.case_id, found.variant, found.distance) == (case.id, "displayed", 0)


def test_a_withdrawn_case_matches_nothing_and_match_media_records_nothing(session) -> None:
    mine = pdq_of(png(7))
    case = new_case(session, [mine, SubmittedHash("sha256", hash_bytes(png(7))["sha256"])])
    found = match_media(session, None, hash_bytes(png(7))["sha256"], [near(mine.value, 10)])
    assert sorted((m.signal, m.distance) for m in found) == [("pdq", 10), ("sha256", 0)]
    assert session.scalars(select(VictimMatch)).all() == []
    service.withdraw(session, case=case)
    assert match_media(session, None, hash_bytes(png(7))["sha256"], [mine.value]) == []


def test_victims_hashes_meet_the_verified_indicators_both_ways(session_factory, tmp_path) -> None:
    first, later = pdq_of(png(8)), pdq_of(png(9))
    with transaction(session_factory) as session:
        verified(session, near(first.value, 5))
        case = new_case(session, [first, later])
    index = LookupIndex(tmp_path / "index")
    index.prepare(session_factory)
    with transaction(session_factory) as session:
        assert known.check_new_hashes(session, index=index) == 2
        assert known.check_new_hashes(session, index=index) == 0
    with transaction(session_factory) as session:
        # An indicator verified after the case: the feed brings it to the case.
        verified(session, later.value)
    with transaction(session_factory) as session:
        assert known.follow_new_indicators(session) >= 1
        matches = session.scalars(select(VictimMatch).order_by(VictimMatch.id)).all()
        assert [(m.case_id, m.distance) for m in matches] == [(case.id, 5), (case.id, 0)]
        assert all(m.indicator_id and m.report_id is None for m in matches)
