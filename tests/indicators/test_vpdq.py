"""vPDQ indicators: values of any length, looked up by the vPDQ rule, matched in reports."""

import json

import pytest

from eucentre import errors
from eucentre.db import transaction
from eucentre.indicators import repository
from eucentre.media.hashing import hash_file
from eucentre.models import OrganisationKind
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import near, random_pdq, verified


def frames(seed: int, count: int) -> list[str]:
    return [random_pdq(seed * 1000 + n) for n in range(count)]


def test_a_long_video_fits_and_is_unique_by_value(session) -> None:
    long_video = ",".join(frames(1, 120))  # far beyond a 2 048-character column
    indicator = verified(session, long_video, signal="vpdq")
    assert len(indicator.value) == 120 * 65 - 1
    assert repository.by_value(session, "vpdq", long_video).id == indicator.id


def test_too_many_frames_are_refused(session) -> None:
    from eucentre.indicators import service
    from eucentre.indicators.service import NewCandidate

    with pytest.raises(errors.UnprocessableEntity):
        service.create(
            session,
            actor="t",
            source_kind="import",
            source_name="x",
            candidate=NewCandidate("vpdq", ",".join(frames(2, 3601))),
        )


def test_lookup_by_the_vpdq_rule(live, session_factory) -> None:
    known = frames(3, 10)
    with transaction(session_factory) as session:
        indicator = verified(session, ",".join(known), signal="vpdq")
        key = make_key(session, make_organisation(session, kind=OrganisationKind.provider))
    # A re-encoded copy: every frame a few bits off, one frame lost.
    copy = [near(frame, 6, seed=n) for n, frame in enumerate(known[:9])]
    partial = known[:5] + frames(4, 5)  # half the frames: below the 80 % rule
    with live.client(headers={"Authorization": f"Bearer {key}"}) as client:
        found = client.post(
            "/api/v1/lookup",
            json={
                "hashes": [
                    {"signal": "vpdq", "value": ",".join(copy)},
                    {"signal": "vpdq", "value": ",".join(partial)},
                    {"signal": "vpdq", "value": ",".join(frames(5, 10))},
                ]
            },
        ).json()["results"]
    assert [m["indicator_id"] for m in found[0]["matches"]] == [indicator.id]
    assert found[0]["matches"][0]["variant"] == "vpdq"
    assert found[0]["matches"][0]["distance"] == 10  # one of ten frames unmatched
    assert found[1]["matches"] == [] and found[2]["matches"] == []


def test_a_reported_video_matches_a_vpdq_indicator(live, session_factory, tmp_path) -> None:
    from sqlalchemy import select

    from eucentre.models import ReportMatch
    from tests.media.media_fixtures import make_video
    from tests.reports.helpers import report_body

    video = make_video(tmp_path / "clip.mp4", seconds=4)
    record = hash_file(video)
    with transaction(session_factory) as session:
        make_organisation(session, kind=OrganisationKind.authority, country="NL", europol=True)
        indicator = verified(session, ",".join(f["pdq"] for f in record["vpdq"]), signal="vpdq")
        key = make_key(
            session, make_organisation(session, kind=OrganisationKind.provider, country="IE")
        )
    with live.client() as client:
        multipart_video = video.read_bytes()
        response = client.post(
            "/api/v1/reports",
            files=[
                ("report", (None, json.dumps(report_body()), "application/json")),
                ("files", ("clip.mp4", multipart_video, "video/mp4")),
            ],
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 201, response.text
        status = client.get(
            f"/api/v1/reports/{response.json()['id']}", headers={"Authorization": f"Bearer {key}"}
        ).json()
    assert status["status"] == "referred"
    with transaction(session_factory) as session:
        matches = session.scalars(select(ReportMatch)).all()
    assert [(m.indicator_id, m.signal, m.variant) for m in matches] == [
        (indicator.id, "vpdq", "vpdq")
    ]


def test_the_frame_index_follows_the_change_feed(session_factory, tmp_path) -> None:
    """Only indicators sharing a frame with the video are compared, so the frame index must
    gain new indicators and lose retired ones without a rebuild."""
    from eucentre.indicators import distribution, service
    from eucentre.indicators.lookup import LookupIndex, Query
    from eucentre.rules.indicator_status import Action

    index = LookupIndex(tmp_path / "index", sync_interval=0)
    first, second = frames(6, 8), frames(7, 8)

    def matched(video: list[str]) -> list[int]:
        with transaction(session_factory) as session:
            found = distribution.lookup(
                session,
                index=index,
                queries=[Query("vpdq", ",".join(video))],
                max_distance=31,
                organisation_id=None,
            )
        return [m.indicator.id for m in found[0]]

    with transaction(session_factory) as session:
        one = verified(session, ",".join(first), signal="vpdq").id
    assert matched(first) == [one]
    assert matched(second) == []
    built = (index.root / "indicators-vpdq-frames" / "CURRENT").read_text()

    with transaction(session_factory) as session:
        two = verified(session, ",".join(second + second[:2]), signal="vpdq").id
    assert matched(second) == [two]  # repeated frames are indexed once and still match

    with transaction(session_factory) as session:
        service.decide(
            session, actor="user:9", indicator_id=one, action=Action.retire, reason="test"
        )
    assert matched(first) == []
    assert (index.root / "indicators-vpdq-frames" / "CURRENT").read_text() == built
    assert len(index.indexes["vpdq"].index) == len(second)
