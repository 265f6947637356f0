"""Triage as a decision table, plus properties: urgent is always first and never turned away."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eucentre.rules.triage import (
    MAX_REFERRAL_DISTANCE,
    PRIORITY_URGENT,
    MatchFact,
    ReportFacts,
    triage,
)

V = MatchFact("verified", "eu-verified", 0)
V_NEAR = MatchFact("verified", "eu-verified", MAX_REFERRAL_DISTANCE)
V_FAR = MatchFact("verified", "eu-verified", MAX_REFERRAL_DISTANCE + 1)
D = MatchFact("disputed", "partner-list", 0)
P = MatchFact("pending", "partner-list", 0)

KNOWN = ReportFacts(
    incident_type="known_material",
    file_count=1,
    matches=(V,),
    has_location_data=True,
    has_user_identifiers=True,
)


def decide(**changes):
    return triage(facts=dataclasses.replace(KNOWN, **changes))


@pytest.mark.parametrize(
    ("changes", "outcome", "priority"),
    [
        ({}, "refer", 3),
        ({"content_removed": True}, "refer", 4),
        ({"matches": (V_NEAR,)}, "refer", 3),
        ({"matches": (D, V)}, "refer", 3),
        ({"has_location_data": False}, "refer", 3),
        ({"has_user_identifiers": False}, "refer", 3),
        ({"has_location_data": False, "has_user_identifiers": False}, "review", 3),
        ({"matches": (V_FAR,)}, "review", 3),
        ({"matches": (P,)}, "review", 3),
        ({"matches": ()}, "review", 3),
        ({"matches": (D,)}, "unfounded", 5),
        ({"matches": (D, D)}, "unfounded", 5),
        ({"matches": (D, P)}, "review", 3),
        ({"file_count": 0, "matches": ()}, "unfounded", 5),
        ({"file_count": 0, "hash_count": 2}, "refer", 3),
        ({"incident_type": "new_material"}, "review", 2),
        ({"incident_type": "new_material", "matches": (D,)}, "review", 2),
        (
            {
                "incident_type": "solicitation",
                "file_count": 0,
                "matches": (),
                "has_description": True,
            },
            "review",
            1,
        ),
        (
            {"incident_type": "solicitation", "file_count": 0, "matches": (), "url_count": 1},
            "review",
            1,
        ),
        ({"incident_type": "solicitation", "file_count": 0, "matches": ()}, "unfounded", 5),
        ({"urgent": True}, "refer", 0),
        ({"urgent": True, "incident_type": "new_material"}, "review", 0),
        ({"urgent": True, "matches": (D,)}, "review", 0),
        ({"urgent": True, "file_count": 0, "matches": ()}, "review", 0),
    ],
)
def test_decision_table(changes, outcome, priority):
    decision = decide(**changes)
    assert (decision.outcome, decision.priority) == (outcome, priority)
    assert decision.reasons, "every decision explains itself"
    assert decision.urgent is changes.get("urgent", False)


def test_reasons_for_nothing_to_assess():
    decision = decide(file_count=0, matches=())
    assert decision.reasons == (
        "The report contains no files, hashes, URLs or description to assess.",
    )


def test_reasons_for_disputed_name_the_lists():
    decision = decide(matches=(D, dataclasses.replace(D, list_name="another")))
    assert decision.outcome == "unfounded"
    assert "(another, partner-list)" in decision.reasons[0]


def test_reasons_for_referral():
    decision = decide(matches=(V, V_NEAR))
    assert decision.reasons == (
        "2 match(es) to verified indicators (eu-verified).",
        "Location data or user identifiers allow a Member State to act.",
        "The provider has not removed the material.",
    )


def test_urgent_reason_comes_first():
    decision = decide(urgent=True, file_count=0, matches=())
    assert decision.reasons[0] == "Flagged urgent by the provider: imminent risk to a child."
    assert decision.reasons[-1].startswith("Flagged urgent, so an analyst confirms")


facts_strategy = st.builds(
    ReportFacts,
    incident_type=st.sampled_from(["known_material", "new_material", "solicitation"]),
    urgent=st.booleans(),
    file_count=st.integers(0, 20),
    hash_count=st.integers(0, 5),
    url_count=st.integers(0, 3),
    has_description=st.booleans(),
    matches=st.lists(
        st.builds(
            MatchFact,
            indicator_status=st.sampled_from(["verified", "disputed", "pending"]),
            list_name=st.sampled_from(["a", "b"]),
            distance=st.integers(0, 64),
        ),
        max_size=4,
    ).map(tuple),
    has_location_data=st.booleans(),
    has_user_identifiers=st.booleans(),
    content_removed=st.booleans(),
)


@given(facts_strategy)
def test_urgent_is_first_and_never_unfounded(facts):
    decision = triage(facts=facts)
    if facts.urgent:
        assert decision.priority == PRIORITY_URGENT and decision.urgent
        assert decision.outcome != "unfounded"
    else:
        assert decision.priority > PRIORITY_URGENT and not decision.urgent


@given(facts_strategy)
def test_only_known_material_is_referred_unseen(facts):
    decision = triage(facts=facts)
    if decision.outcome == "refer":
        assert facts.incident_type == "known_material"
        assert any(m.indicator_status == "verified" for m in facts.matches)
        assert facts.has_location_data or facts.has_user_identifiers
    if facts.incident_type != "known_material" and (
        facts.file_count or facts.hash_count or facts.url_count or facts.has_description
    ):
        assert decision.outcome == "review"


@given(facts_strategy)
def test_match_order_does_not_matter(facts):
    reversed_facts = dataclasses.replace(facts, matches=facts.matches[::-1])
    one, other = triage(facts=facts), triage(facts=reversed_facts)
    assert (one.outcome, one.priority) == (other.outcome, other.priority)


def test_files_left_unassessed_send_the_report_to_an_analyst_not_away() -> None:
    # The hashed file matched only a disputed indicator: unfounded, unless files were left.
    facts = ReportFacts(
        incident_type="known_material",
        file_count=3,
        matches=(D,),
        unassessed_file_count=2,
    )
    decision = triage(facts=facts)
    assert decision.outcome == "review"
    assert decision.reasons[-1] == (
        "2 file(s) could not be assessed automatically (the report's processing budget ran "
        "out): an analyst must look at them."
    )
    assert triage(facts=dataclasses.replace(facts, unassessed_file_count=0)).outcome == "unfounded"
