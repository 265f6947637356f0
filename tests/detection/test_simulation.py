"""The whole thing over real HTTP: the Centre publishes a bundle; devices hash benign images
with the client library and send vouchers to the provider's matching service; an account below
the threshold reveals nothing; one above reveals its matches, and the report reaches the Centre."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eucentre.db import transaction
from eucentre.models import Report, ReportItemHash
from tests.detection.images import copy, png
from tests.detection.world import Device, build_world

T = 6


@pytest.fixture
def world(live, session_factory):
    # Seeds 0-9 are the listed ("known") images; everything else is benign.
    made = build_world(live, session_factory, listed=[png(seed) for seed in range(10)], threshold=T)
    yield made
    made.server.should_exit = True


def reports(session_factory) -> list[Report]:
    with transaction(session_factory) as session:
        return list(session.scalars(select(Report)))


def test_below_the_threshold_nothing_is_revealed_or_reported(world, session_factory) -> None:
    device = Device.enrolled(world, "acct-below", synthetic_probability=0.0)
    benign = [png(seed) for seed in range(100, 130)]
    # T - 1 listed images, one of them forwarded five times and once rotated.
    listed = [png(seed) for seed in range(T - 1)] + [png(0)] * 5 + [copy(0, "rotate90")]
    reply = device.send(device.vouchers(benign + listed))
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"accepted": len(benign) + len(listed)}
    assert device.status() == {
        "account": "acct-below", "vouchers": 41, "revealed": False, "report_id": None,
    }  # fmt: skip
    assert reports(session_factory) == []


def test_above_the_threshold_the_matches_are_reported(world, session_factory) -> None:
    device = Device.enrolled(world, "acct-above", synthetic_probability=0.0)
    other = Device.enrolled(world, "acct-other", synthetic_probability=0.0)
    # Another account's matches never add to this one's.
    assert other.send(other.vouchers([png(seed) for seed in range(3)])).status_code == 200
    benign = [png(seed) for seed in range(200, 215)]
    # Two of the matches are rotated copies: exact PDQ through a dihedral variant.
    listed = [png(seed) for seed in range(T - 2)] + [copy(8, "rotate90"), copy(9, "rotate90")]
    # Near-copies do not match exactly (JPEG, resized): they are benign for exact matching.
    near = [copy(7, "jpeg70"), copy(7, "resize50")]
    first = device.send(device.vouchers(benign[:10] + listed[:-1] + near))
    assert first.status_code == 200
    assert device.status()["revealed"] is False
    second = device.send(device.vouchers(benign[10:] + listed[-1:]))
    assert second.status_code == 200
    status = device.status()
    assert status["revealed"] is True
    assert status["report_id"] is not None
    found = reports(session_factory)
    assert len(found) == 1
    with transaction(session_factory) as session:
        hashes = set(
            session.scalars(select(ReportItemHash.value).where(ReportItemHash.signal == "pdq"))
        )
    from eucentre.media.hashing import hash_bytes

    expected = {hash_bytes(png(seed))["pdq"] for seed in range(T - 2)}
    assert expected <= hashes
    # Benign images' hashes never reach the Centre.
    assert not {hash_bytes(png(seed))["pdq"] for seed in range(200, 215)} & hashes
    assert other.status()["revealed"] is False
