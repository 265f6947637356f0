"""The editorial workflow, pure: a record's working revision is drafted, submitted for review,
and published only by a second editor, who neither wrote nor submitted it.

    draft --submit--> in_review --approve (another editor)--> published
    in_review --return--> draft          published/withdrawn --edit--> draft (new revision)
    published --withdraw--> withdrawn    (the public sees nothing until published again)
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from eucentre.platform.cases import StatusMachine


class Status(StrEnum):
    draft = "draft"
    in_review = "in_review"
    published = "published"
    withdrawn = "withdrawn"


MACHINE = StatusMachine(
    {
        (Status.draft, "edit"): Status.draft,
        (Status.draft, "submit"): Status.in_review,
        (Status.in_review, "edit"): Status.draft,
        (Status.in_review, "return"): Status.draft,
        (Status.in_review, "approve"): Status.published,
        (Status.published, "edit"): Status.draft,
        (Status.published, "withdraw"): Status.withdrawn,
        (Status.published, "confirm"): Status.published,
        (Status.withdrawn, "edit"): Status.draft,
    }
)


def may_approve(actor: str, *, editors: Iterable[str], submitted_by: str | None) -> bool:
    """Four eyes: whoever changed or submitted a revision cannot approve it."""
    return actor not in set(editors) and actor != submitted_by
