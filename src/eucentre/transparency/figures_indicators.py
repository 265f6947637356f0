"""Figures about the indicators (Art. 84(2)(a)): how many the Centre's lists hold."""

from __future__ import annotations

from eucentre.platform.manifest import N_
from eucentre.transparency import repository
from eucentre.transparency.figures import Computed, Figure, Query


def verified(query: Query) -> Computed:
    return Computed(repository.verified_indicators_at_end(query.session, query.period))


FIGURES = (
    Figure(
        code="indicators_verified",
        title=N_("Verified indicators"),
        definition=N_(
            "Indicators (hashes of verified child sexual abuse material) on the Centre's lists "
            "at the end of the period: created before it ended and verified today."
        ),
        unit=N_("indicators"),
        compute=verified,
        source="indicators",
        # Counts of hashes single out nobody.
        sensitive=False,
    ),
)
