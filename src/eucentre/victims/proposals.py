"""An analyst proposes a victim's hash as a candidate indicator of known material. Only an
analyst who has seen matching material, unblurred, in a report (the reveal is audited, and the
audit log is what is checked) may; the candidate then goes through the normal four-eyes
verification like any other. A victim's hash never becomes a verified indicator otherwise."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.indicators import service as indicators
from eucentre.indicators.service import NewCandidate
from eucentre.models import Indicator
from eucentre.victims import repository
from eucentre.victims.timeline import VICTIM_TIMELINE


class MaterialNotSeen(errors.Conflict):
    code = "material_not_seen"


def seen_items(session: Session, *, actor: str, case_id: int) -> dict[int, set[int]]:
    """Per hash of the case, the matching report items this analyst has revealed."""
    by_hash: dict[int, set[int]] = {}
    matches = [m for m in repository.matches(session, case_id) if m.item_id is not None]
    revealed = repository.revealed_items(
        session, actor=actor, item_ids=[m.item_id for m in matches if m.item_id]
    )
    for match in matches:
        if match.item_id in revealed:
            by_hash.setdefault(match.hash_id, set()).add(match.item_id)  # type: ignore[arg-type]
    return by_hash


def propose(session: Session, *, actor: str, case_id: int, hash_id: int) -> tuple[Indicator, bool]:
    victim_hash = repository.hash_of_case(session, case_id=case_id, hash_id=hash_id)
    if victim_hash is None:
        raise errors.NotFound("no such hash in this case", code="unknown_hash")
    if victim_hash.withdrawn_at is not None:
        raise errors.Conflict("the case was withdrawn", code="case_withdrawn")
    seen = seen_items(session, actor=actor, case_id=case_id).get(hash_id)
    if not seen:
        raise MaterialNotSeen(
            "reveal the matching material in a report first: only an analyst who has seen it "
            "may propose the hash"
        )
    indicator, created = indicators.create(
        session,
        actor=actor,
        candidate=NewCandidate(
            victim_hash.signal,
            victim_hash.value,
            labels=("victim_request",),
            quality=victim_hash.quality,
        ),
        source_kind="analyst",
        source_name="victim's removal request, material seen by the proposer",
        source_reference=f"victim-hash:{victim_hash.id}",
    )
    VICTIM_TIMELINE.append(
        session,
        case_id,
        actor=actor,
        kind="proposed_as_indicator",
        details={"hash": hash_id, "indicator": indicator.id, "new": created},
    )
    audit.record(
        session,
        actor=actor,
        action="victim_hash.proposed",
        object_type="victim_hash",
        object_id=hash_id,
        details={"indicator": indicator.id, "seen_items": sorted(seen)},
    )
    session.flush()
    return indicator, created
