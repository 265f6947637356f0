"""Figures about the reports received (Art. 83(2)(b)-(d), 84): volume, type, outcome, repeats."""

from __future__ import annotations

from collections import defaultdict

from eucentre.platform.manifest import N_
from eucentre.transparency import repository
from eucentre.transparency.figures import Computed, Figure, Query

INCIDENT_TYPES = ("known_material", "new_material", "solicitation")


def _cube(query: Query) -> list[tuple[str, str, str, str, int]]:
    return query.once("reports", lambda: repository.reports_cube(query.session, query.period))


def _months(query: Query, counts: dict[str, int]) -> dict[str, float]:
    return {month: counts.get(month, 0) for month in query.period.months()}


def _tally(query: Query, *, outcome: str | None = None) -> Computed:
    by: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    total = 0
    for month, provider, incident_type, found, n in _cube(query):
        if outcome is not None and found != outcome:
            continue
        total += n
        by["month"][month] += n
        by["provider"][provider] += n
        by["incident_type"][incident_type] += n
        by["outcome"][found] += n
    cells = {
        "month": _months(query, dict(by["month"])),  # type: ignore[arg-type]
        "provider": dict(sorted(by["provider"].items(), key=lambda kv: (-kv[1], kv[0]))),
        "incident_type": {t: by["incident_type"].get(t, 0) for t in INCIDENT_TYPES},
        "outcome": {o: by["outcome"].get(o, 0) for o in repository.OUTCOMES},
    }
    return Computed(total=total, cells=cells)


def received(query: Query) -> Computed:
    return _tally(query)


def manifestly_unfounded(query: Query) -> Computed:
    tally = _tally(query, outcome="manifestly_unfounded")
    return Computed(tally.total, {k: tally.cells[k] for k in ("month", "provider")})


def not_abuse(query: Query) -> Computed:
    tally = _tally(query, outcome="not_abuse")
    return Computed(tally.total, {k: tally.cells[k] for k in ("month", "provider")})


def repeats(query: Query) -> Computed:
    counts = repository.repeat_reports_by_month(query.session, query.period)
    return Computed(sum(counts.values()), {"month": _months(query, counts)})


def known_matches(query: Query) -> Computed:
    counts = repository.known_match_reports_by_month(query.session, query.period)
    return Computed(sum(counts.values()), {"month": _months(query, counts)})


def member_states(query: Query) -> Computed:
    counts = repository.forwardings_by_member_state(query.session, query.period)
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Computed(sum(counts.values()), {"member_state": ordered})  # type: ignore[dict-item]


FIGURES = (
    Figure(
        code="reports_received",
        title=N_("Reports received"),
        definition=N_(
            "Reports of online child sexual abuse that providers sent to the Centre in the "
            "period, counted once each, whatever they contain. By type as the provider declared "
            "it; by outcome as the Centre's assessment stands today."
        ),
        unit=N_("reports"),
        breakdowns=("month", "provider", "incident_type", "outcome"),
        compute=received,
        source="reports",
        categories={"incident_type": INCIDENT_TYPES, "outcome": repository.OUTCOMES},
    ),
    Figure(
        code="reports_forwarded_member_state",
        title=N_("Reports forwarded to Member States"),
        definition=N_(
            "Reports the Centre forwarded in the period to the law-enforcement authority of a "
            "Member State, per Member State. A report forwarded to two Member States counts in "
            "each, so this can exceed the number of reports forwarded. Forwarding to Europol is "
            "not included."
        ),
        unit=N_("reports forwarded"),
        breakdowns=("member_state",),
        compute=member_states,
        source="referrals",
    ),
    Figure(
        code="reports_known_material",
        title=N_("Reports matching known material"),
        definition=N_(
            "Reports received in the period with at least one file or hash that matched an "
            "indicator verified at the time of the match (known material)."
        ),
        unit=N_("reports"),
        breakdowns=("month",),
        compute=known_matches,
        source="reports",
    ),
    Figure(
        code="reports_manifestly_unfounded",
        title=N_("Reports found manifestly unfounded"),
        definition=N_(
            "Reports received in the period that the Centre's assessment found manifestly "
            "unfounded without a person's review (for example empty, or matching only disputed "
            "indicators)."
        ),
        unit=N_("reports"),
        breakdowns=("month", "provider"),
        compute=manifestly_unfounded,
        source="reports",
        same_as=("reports_received", "outcome", "manifestly_unfounded"),
    ),
    Figure(
        code="reports_not_abuse",
        title=N_("Reports that turned out not to be abuse"),
        definition=N_(
            "Reports received in the period that an analyst found were not child sexual abuse, "
            "or that were marked erroneous after a complaint was upheld."
        ),
        unit=N_("reports"),
        breakdowns=("month", "provider"),
        compute=not_abuse,
        source="reports",
        same_as=("reports_received", "outcome", "not_abuse"),
    ),
    Figure(
        code="reports_repeat",
        title=N_("Repeat reports of the same item"),
        definition=N_(
            "Reports received in the period about content already reported: they joined a "
            "bundle holding an earlier report of the same item. Bundles group reports within a "
            "time window, so a repeat long after the first report starts a new bundle."
        ),
        unit=N_("reports"),
        breakdowns=("month",),
        compute=repeats,
        source="reports",
    ),
)
