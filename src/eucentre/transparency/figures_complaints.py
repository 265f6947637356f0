"""Figures about complaints against removals (Art. 83(2)) and their outcomes."""

from __future__ import annotations

from collections import defaultdict

from eucentre.platform.manifest import N_
from eucentre.transparency import repository
from eucentre.transparency.figures import Computed, Figure, Query

COMPLAINT_OUTCOMES = ("open", "pending_uphold", "upheld", "rejected")


def received(query: Query) -> Computed:
    months: dict[str, float] = {month: 0 for month in query.period.months()}
    outcomes: dict[str, float] = defaultdict(float)
    for month, status, n in repository.complaints_cube(query.session, query.period):
        months[month] += n
        outcomes[status] += n
    ordered = {o: outcomes.get(o, 0) for o in COMPLAINT_OUTCOMES}
    ordered |= {o: v for o, v in outcomes.items() if o not in ordered}
    return Computed(sum(months.values()), {"month": months, "outcome": ordered})


FIGURES = (
    Figure(
        code="complaints_received",
        title=N_("Complaints about removals"),
        definition=N_(
            "Complaints received in the period from users whose content was removed because of "
            "the Centre's indicators, sent through the public form or forwarded by a provider. "
            "By outcome as it stands today: open, awaiting a second analyst, upheld or rejected."
        ),
        unit=N_("complaints"),
        breakdowns=("month", "outcome"),
        compute=received,
        source="complaints",
        categories={"outcome": COMPLAINT_OUTCOMES},
    ),
)
