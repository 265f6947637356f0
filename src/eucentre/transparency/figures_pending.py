"""Figures the Regulation asks for whose records other domains will keep. Registered without a
function, they are shown as "not yet collected" -- never as zeros -- until the domain that keeps
the records registers the figure of the same code (in its own `statistics.py`)."""

from __future__ import annotations

from eucentre.platform.manifest import N_
from eucentre.transparency.figures import Figure

FIGURES = (
    Figure(
        code="notices_sent",
        title=N_("Removal notices sent"),
        definition=N_("Notices the Centre sent to hosting services to remove known material."),
        unit=N_("notices"),
        source="notices",
    ),
    Figure(
        code="time_to_removal_median",
        title=N_("Median time to removal"),
        definition=N_(
            "Median time from a notice to the removal of the material, counting items still "
            "online (Kaplan-Meier estimate)."
        ),
        unit=N_("days"),
        source="notices",
    ),
    Figure(
        code="victims_assisted",
        title=N_("Victims assisted"),
        definition=N_(
            "People whose request for help to have images of them taken down the Centre handled."
        ),
        unit=N_("people"),
        source="victims",
    ),
)
