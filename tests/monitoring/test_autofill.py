"""The CSA figures the platform fills in itself: reports forwarded per Member State counted from
a known set of referrals; a source not recorded yet waits; running again adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from eucentre.models import Bundle, OrganisationKind, Referral, ReferralReport, Report
from eucentre.monitoring import autofill, repository, service
from tests.factories import make_organisation


def _report(session, provider_id: int, n: int) -> Report:
    report = Report(
        provider_id=provider_id,
        provider_reference=f"r-{n}",
        request_fingerprint=f"{n:064d}",
        status="referred",
        incident_type="csam",
        incident_time=datetime(2024, 1, 1, tzinfo=UTC),
        payload_sealed=b"x",
    )
    session.add(report)
    session.flush()
    return report


def _forward(session, authority_id: int, reports: list[Report], at: datetime) -> None:
    bundle = Bundle()
    session.add(bundle)
    session.flush()
    referral = Referral(bundle_id=bundle.id, authority_id=authority_id)
    session.add(referral)
    session.flush()
    session.add_all(
        ReferralReport(referral_id=referral.id, report_id=r.id, forwarded_at=at) for r in reports
    )
    session.flush()


def test_reports_forwarded_per_member_state_from_known_referrals(session) -> None:
    provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
    de = make_organisation(session, kind=OrganisationKind.authority, country="DE")
    de2 = make_organisation(session, kind=OrganisationKind.authority, country="DE")
    make_organisation(session, kind=OrganisationKind.authority, country="FR")
    europol = make_organisation(
        session, kind=OrganisationKind.authority, country="NL", europol=True
    )
    reports = [_report(session, provider.id, n) for n in range(6)]
    in_2024 = datetime(2024, 5, 1, tzinfo=UTC)
    _forward(session, de.id, reports[:3], in_2024)
    # The same report forwarded to a second German authority counts once for Germany.
    _forward(session, de2.id, reports[2:4], in_2024)
    _forward(session, de.id, reports[4:5], datetime(2023, 12, 31, 23, 59, tzinfo=UTC))
    _forward(session, europol.id, reports[5:], in_2024)  # Europol is no Member State's
    round_ = service.open_round(session, actor="test", framework="csa", period="2024")

    filled = autofill.fill(session, round_=round_)

    assert filled.waiting == [
        "CSA_REMOVAL_HOURS_MEDIAN",
        "CSA_VICTIMS_ASSISTED",
        "CSA_PREVENTION_PROGRAMMES",
    ]
    values = {
        s.ref_area: [(o.indicator, o.value) for o in repository.observations_of(session, s.id)]
        for s in filled.submissions
    }
    assert values == {
        "DE": [("CSA_REPORTS_FORWARDED", 4.0)],
        "FR": [("CSA_REPORTS_FORWARDED", 0.0)],
    }
    assert {(s.channel, s.status, s.organisation_id) for s in filled.submissions} == {
        ("platform", "pending", None)
    }
    # Nothing changed, nothing new; a new referral makes a new vintage for that country only.
    assert autofill.fill(session, round_=round_).submissions == []
    _forward(session, de.id, reports[5:], in_2024)
    [again] = autofill.fill(session, round_=round_).submissions
    assert (again.ref_area, again.vintage) == ("DE", 2)


def test_a_source_registered_later_is_used(session) -> None:
    round_ = service.open_round(session, actor="test", framework="csa", period="2024")
    filled = autofill.fill(
        session,
        round_=round_,
        sources={**autofill.SOURCES, "victims_assisted": lambda _session, _period: {"AT": 7.0}},
    )
    [made] = filled.submissions
    assert [(o.indicator, o.value) for o in repository.observations_of(session, made.id)] == [
        ("CSA_VICTIMS_ASSISTED", 7.0)
    ]
    assert "CSA_VICTIMS_ASSISTED" not in filled.waiting
