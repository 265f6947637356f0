"""Jurisdiction routing as a table of cases, plus properties: Europol always, only EU states out,
deterministic and independent of order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eucentre.reports.ip_ranges import demo_ip_ranges
from eucentre.rules.jurisdiction import (
    EU_MEMBER_STATES,
    LocatedEvent,
    Routing,
    UserLocation,
    locate_user,
    normalise_country,
    route,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def ev(country, event="upload", hours=0):
    return LocatedEvent(event=event, time=T0 + timedelta(hours=hours), country=country)


def user(*events, declared=None):
    return UserLocation(declared_country=declared, ip_events=tuple(events))


def test_the_27_member_states():
    assert len(EU_MEMBER_STATES) == 27
    assert {"GR", "CY", "MT", "HR"} <= EU_MEMBER_STATES
    assert not {"GB", "UK", "EL", "CH", "NO", "IS", "US"} & EU_MEMBER_STATES


@pytest.mark.parametrize(
    ("users", "provider", "states"),
    [
        # nothing at all: Europol alone
        ([], None, ()),
        ([user()], None, ()),
        ([user(ev(None))], None, ()),
        # the provider's seat only when no user can be located
        ([], "IE", ("IE",)),
        ([user(ev(None))], "ie", ("IE",)),
        ([user(ev("DE"))], "IE", ("DE",)),
        ([user(declared="US")], "IE", ()),
        ([], "US", ()),
        # the most recent upload decides, over older uploads, logins and the declared country
        ([user(ev("DE", hours=2), ev("FR", hours=1))], "IE", ("DE",)),
        ([user(ev("DE", hours=1), ev("FR", hours=2))], "IE", ("FR",)),
        ([user(ev("DE"), ev("FR", "login", hours=5))], None, ("DE",)),
        ([user(ev("DE"), declared="FR")], None, ("DE",)),
        ([user(ev("US"), declared="FR")], None, ()),
        ([user(ev(None), declared="FR")], None, ("FR",)),
        # the declared country outranks a login IP
        ([user(ev("DE", "login"), declared="FR")], None, ("FR",)),
        ([user(ev("DE", "login", hours=1), ev("NL", "registration"))], None, ("DE",)),
        ([user(ev("DE", "login"), ev("US", "upload"))], None, ()),
        # simultaneous uploads in two countries: both
        ([user(ev("DE"), ev("FR"))], None, ("DE", "FR")),
        ([user(ev("DE"), ev("CH"))], None, ("DE",)),
        # several users in several Member States: all of them
        ([user(ev("DE")), user(declared="PL"), user(ev("US"))], "IE", ("DE", "PL")),
        ([user(ev("US")), user(declared="CA")], "IE", ()),
        # aliases and case
        ([user(declared="el")], None, ("GR",)),
        ([user(declared="uk")], "IE", ()),
        ([user(ev("nl"))], None, ("NL",)),
    ],
)
def test_routing_table(users, provider, states):
    routing = route(users=users, provider_country=provider)
    assert routing.member_states == states
    assert routing.europol is True
    assert routing.reasons


def test_reasons_explain_each_state_and_europol():
    routing = route(
        users=[user(ev("DE")), user(declared="PL"), user(ev("US"))], provider_country="IE"
    )
    assert routing.reasons == (
        "DE: a reported user's most recent upload IP address is there.",
        "PL: a reported user's declared country is there.",
        "US: a reported user's most recent upload IP address is outside the EU.",
        "The evidence points to several Member States; each receives the report.",
        "Europol receives every report.",
    )


def test_reasons_when_unclear():
    assert route(users=[], provider_country=None).reasons == (
        "No location could be determined: Europol alone receives it.",
    )
    assert route(users=[user(ev("US"))], provider_country="DE").reasons[-1] == (
        "Every location found is outside the EU: Europol alone receives it."
    )


def test_locate_user_reports_its_evidence():
    assert locate_user(user(ev("DE", "login"))) == (
        2,
        frozenset({"DE"}),
        "most recent IP address (not an upload)",
    )
    assert locate_user(user()) == (0, frozenset(), "")
    assert normalise_country(" el ") == "GR" and normalise_country("") is None


def test_with_the_demo_ip_table():
    table = demo_ip_ranges()
    raw = [("10.1.0.9", "upload", 1), ("2001:db8:2::1", "login", 3), ("8.8.8.8", "upload", 9)]
    events = tuple(
        LocatedEvent(event=e, time=T0 + timedelta(hours=h), country=table.lookup(ip))
        for ip, e, h in raw
    )
    # the unlocated 8.8.8.8 upload is ignored; the located one is in DE
    assert route(users=[UserLocation(ip_events=events)], provider_country="NL").member_states == (
        "DE",
    )


countries = st.sampled_from(sorted(EU_MEMBER_STATES) + ["US", "GB", "CH", "el", "de", "XX"])
events = st.builds(
    LocatedEvent,
    event=st.sampled_from(["upload", "login", "registration", "other"]),
    time=st.integers(0, 5).map(lambda h: T0 + timedelta(hours=h)),
    country=st.none() | countries,
)
users = st.builds(
    UserLocation,
    declared_country=st.none() | countries,
    ip_events=st.lists(events, max_size=5).map(tuple),
)
inputs = st.tuples(st.lists(users, max_size=4), st.none() | countries)


@given(inputs)
def test_europol_always_and_only_eu_states(args):
    routing = route(users=args[0], provider_country=args[1])
    assert routing.europol is True
    assert set(routing.member_states) <= EU_MEMBER_STATES
    assert list(routing.member_states) == sorted(set(routing.member_states))


@given(inputs, st.randoms(use_true_random=False))
def test_deterministic_and_order_independent(args, rnd):
    users_list, provider = args
    first = route(users=users_list, provider_country=provider)
    shuffled = [
        UserLocation(u.declared_country, tuple(rnd.sample(u.ip_events, len(u.ip_events))))
        for u in rnd.sample(users_list, len(users_list))
    ]
    assert route(users=shuffled, provider_country=provider) == first
    assert route(users=users_list, provider_country=provider) == first
    assert isinstance(first, Routing)


@given(inputs)
def test_the_provider_seat_only_fills_a_gap(args):
    users_list, provider = args
    with_seat = route(users=users_list, provider_country=provider)
    without = route(users=users_list, provider_country=None)
    if without.member_states:
        assert with_seat.member_states == without.member_states
