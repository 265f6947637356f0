"""The public dashboards: published figures only, a chart over time per Member State with its
data table, progress against the target, in the visitor's language."""

from __future__ import annotations

from eucentre.db import transaction
from eucentre.monitoring import service
from eucentre.monitoring.observations import RawObservation
from eucentre.monitoring.progress import against_target
from eucentre.monitoring.registry import registry
from tests.monitoring.helpers import make_coordinator, open_round


def publish(session_factory, country: str, period: str, indicator: str, value, *, sign=True):
    with transaction(session_factory) as session:
        coordinator = make_coordinator(session, country) if period == "2023" else None
        found = service.find_open_round(
            session, reference=None, framework="firearms", period=period
        )
        org = coordinator.organisation_id if coordinator else None
        [made] = service.submit(
            session,
            sender=service.Sender(actor=f"key:{country}", organisation_id=org, country=country),
            round_=found,
            rows=[RawObservation(1, indicator, country, period, value)],
            channel="csv",
            confirm=True,
        )
        if sign:
            service.decide(session, actor="user:9", submission_id=made.id, publish=True)


def test_a_chart_over_time_per_member_state_with_its_table(live, session_factory) -> None:
    for period in ("2023", "2024"):
        open_round(session_factory, "firearms", period)
    publish(session_factory, "DE", "2023", "FA_FOCAL_POINT", 0)
    publish(session_factory, "FR", "2023", "FA_FOCAL_POINT", 1)
    publish(session_factory, "DE", "2024", "FA_FOCAL_POINT", 1)
    publish(session_factory, "FR", "2024", "FA_SEIZURES", 4321, sign=False)
    with live.client() as client:
        page = client.get("/monitoring/firearms/FA_FOCAL_POINT")
        seizures = client.get("/monitoring/firearms/FA_SEIZURES")
        german = client.get("/monitoring/firearms/FA_FOCAL_POINT", params={"lang": "de"})
        roadmap = client.get("/monitoring/western_balkans/WB_G2_FOCAL_POINT")
    assert page.status_code == 200
    assert page.text.count("<svg") == 2 and "<table" in page.text
    assert "over time, by Member State" in page.text
    assert "Progress against the target" in page.text
    progress = page.text.split("Progress against the target")[1]
    de_row = progress.split('<th scope="row">DE</th>')[1].split("</tr>")[0]
    assert (
        de_row
        == '<td class="num">–</td><td class="num">1 (2024)</td><td>yes</td><td class="num">–</td>'
    )

    # Awaiting sign-off: not on the public page.
    assert "4321" not in seizures.text and "4,321" not in seizures.text
    assert "No figure is published for this indicator yet." in seizures.text
    assert "Fortschritt" in german.text
    assert roadmap.status_code == 200 and roadmap.text.count("<svg") == 2


def test_progress_against_a_target() -> None:
    indicator = registry().frameworks["firearms"].indicators["FA_FOCAL_POINT"]
    from eucentre.monitoring.observations import Observation

    rows = against_target(
        indicator,
        [
            Observation("FA_FOCAL_POINT", "DE", "2020", (), 0.0),
            Observation("FA_FOCAL_POINT", "DE", "2024", (), 1.0),
            Observation("FA_FOCAL_POINT", "FR", "2024", (), 0.0),
        ],
    )
    assert [(r.ref_area, r.baseline, r.latest, r.met, r.share) for r in rows] == [
        ("DE", 0.0, 1.0, True, 1.0),
        ("FR", None, 0.0, False, None),
    ]


def test_unknown_framework_or_indicator_is_404(live) -> None:
    with live.client() as client:
        assert client.get("/monitoring/nope").status_code == 404
        assert client.get("/monitoring/firearms/NOPE").status_code == 404
        assert client.get("/monitoring").status_code == 200
