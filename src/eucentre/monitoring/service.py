"""Rounds and submissions: open and close a round, take a submission (all or nothing) as a new
vintage, sign it off or reject it. Services decide and flush; the caller's transaction commits."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.audit import service as audit
from eucentre.kit.time import utcnow
from eucentre.monitoring import repository
from eucentre.monitoring.models import MonitoringObservation, MonitoringRound, MonitoringSubmission
from eucentre.monitoring.observations import Key, Observation, Problem, RawObservation
from eucentre.monitoring.published import current
from eucentre.monitoring.registry import ROUND_FRAMEWORKS, Registry, registry
from eucentre.monitoring.timeline import ROUND_TIMELINE
from eucentre.monitoring.validation import Context, previous_period, validate

PERIOD = re.compile(r"(19|20|21)\d\d")
CHANNELS = ("web", "xlsx", "csv", "json", "platform")


class NoOpenRound(errors.Conflict):
    code = "no_open_round"


class InvalidObservations(errors.UnprocessableEntity):
    """detail: {"problems": [{"row", "field", "rule", "message"}...]}"""

    code = "invalid_observations"


class ConfirmationRequired(errors.UnprocessableEntity):
    """detail: {"warnings": [...]}: send again with confirm to accept them."""

    code = "confirmation_required"


@dataclass(frozen=True)
class Sender:
    """Who sends figures: a coordinator (its organisation and Member State) or the Centre
    (organisation and country None: it fills in its own counts, for every Member State)."""

    actor: str
    organisation_id: int | None = None
    country: str | None = None


def open_round(
    session: Session, *, actor: str, framework: str, period: str, deadline: date | None = None
) -> MonitoringRound:
    if framework not in ROUND_FRAMEWORKS:
        raise errors.UnprocessableEntity(
            f"rounds are opened for {', '.join(ROUND_FRAMEWORKS)}", code="unknown_framework"
        )
    if not PERIOD.fullmatch(period):
        raise errors.UnprocessableEntity("the period is a year, YYYY", code="invalid_period")
    if deadline is not None and deadline.year < int(period):
        raise errors.UnprocessableEntity(
            "the deadline cannot be before the period", code="invalid_deadline"
        )
    existing = repository.round_for(session, framework, period)
    if existing is not None:
        if existing.status == "open":
            raise errors.Conflict(f"the {framework} {period} round is open", code="round_exists")
        existing.status, existing.closed_at = "open", None
        existing.deadline = deadline or existing.deadline
        ROUND_TIMELINE.append(session, existing.id, actor=actor, kind="reopened")
        _audit(session, actor, "monitoring.round_reopened", existing.id)
        session.flush()
        return existing
    found = MonitoringRound(
        framework=framework, period=period, deadline=deadline, status="open", opened_by=actor
    )
    session.add(found)
    session.flush()
    ROUND_TIMELINE.append(
        session,
        found.id,
        actor=actor,
        kind="opened",
        details={"deadline": deadline.isoformat() if deadline else None},
    )
    _audit(session, actor, "monitoring.round_opened", found.id)
    return found


def close_round(session: Session, *, actor: str, round_id: int) -> MonitoringRound:
    found = get_round(session, round_id)
    if found.status != "open":
        raise errors.InvalidTransition("this round is already closed", code="round_closed")
    found.status, found.closed_at = "closed", utcnow()
    ROUND_TIMELINE.append(session, found.id, actor=actor, kind="closed")
    _audit(session, actor, "monitoring.round_closed", found.id)
    session.flush()
    return found


def get_round(session: Session, round_id: int) -> MonitoringRound:
    found = repository.round_by_id(session, round_id)
    if found is None:
        raise errors.NotFound(f"no round {round_id}", code="unknown_round")
    return found


def round_label(found: MonitoringRound) -> str:
    return f"{found.framework}-{found.period}"


def find_open_round(
    session: Session, *, reference: str | int | None, framework: str, period: str | None
) -> MonitoringRound:
    """The open round a submission goes to: the one it names ("drugs-2024" or an id), else its
    framework's round for its period. 409 no_open_round when there is none, or it is closed."""
    stored_framework = registry().stored_framework(framework) if framework else ""
    found: MonitoringRound | None
    if isinstance(reference, int):
        found = repository.round_by_id(session, reference)
        label = str(reference)
    elif reference:
        wanted, _, year = reference.partition("-")
        found = repository.round_for(session, wanted, year)
        label = reference
    else:
        found = repository.round_for(session, stored_framework, period or "")
        label = f"{stored_framework}-{period}"
    if found is None:
        raise NoOpenRound(f"no round {label[:40]} is open", code="no_open_round")
    if found.status != "open":
        raise NoOpenRound(f"the round {round_label(found)} is closed", code="no_open_round")
    if stored_framework and found.framework != stored_framework:
        raise errors.UnprocessableEntity(
            f"round {round_label(found)} is not a {framework} round", code="wrong_framework"
        )
    return found


def previous_values(session: Session, *, framework: str, period: str) -> dict[Key, float]:
    """Last period's published values (their latest vintage), for the jump check and the form."""
    before = previous_period(period)
    if not before:
        return {}
    rows = repository.stored(session, framework=framework, statuses=("published",), period=before)
    return {obs.key: obs.value for obs in current(rows)}


def submit(
    session: Session,
    *,
    sender: Sender,
    round_: MonitoringRound,
    rows: Sequence[RawObservation],
    channel: str,
    confirm: bool = False,
    framework: str | None = None,
    known_problems: Sequence[Problem] = (),
) -> list[MonitoringSubmission]:
    """Check every row, then store them all as one new vintage per Member State, or nothing.
    `known_problems` are the format's own (a line naming no known structure)."""
    reg: Registry = registry()
    context = Context(
        registry=reg,
        framework=reg.frameworks[framework or round_.framework],
        period=round_.period,
        country=sender.country,
        previous=previous_values(session, framework=round_.framework, period=round_.period),
    )
    outcome = validate(rows, context)
    problems = sorted([*known_problems, *outcome.problems], key=lambda p: p.row)
    if problems:
        raise InvalidObservations({"problems": [p.as_dict() for p in problems]})
    if outcome.warnings and not confirm:
        raise ConfirmationRequired(
            {
                "warnings": [w.as_dict() for w in outcome.warnings],
                "message": "some values jump from last period: check them, then send again "
                "confirming (confirm=true)",
            }
        )
    by_area: dict[str, list[Observation]] = defaultdict(list)
    for obs in outcome.observations:
        by_area[obs.ref_area].append(obs)
    warnings = defaultdict(list)
    for warning in outcome.warnings:
        warnings[_area_of(outcome.observations, warning.row)].append(warning.as_dict())
    return [
        _store(session, sender, round_, area, observations, channel, warnings[area])
        for area, observations in sorted(by_area.items())
    ]


def _area_of(observations: Sequence[Observation], row: int) -> str:
    return next((obs.ref_area for obs in observations if obs.row == row), "")


def _store(
    session: Session,
    sender: Sender,
    round_: MonitoringRound,
    area: str,
    observations: Sequence[Observation],
    channel: str,
    warnings: list[dict[str, object]],
) -> MonitoringSubmission:
    vintage = repository.last_vintage(session, round_.id, area) + 1
    found = MonitoringSubmission(
        round_id=round_.id,
        ref_area=area,
        vintage=vintage,
        organisation_id=sender.organisation_id,
        channel=channel,
        status="pending",
        submitted_by=sender.actor,
        warnings=warnings,
    )
    session.add(found)
    session.flush()
    session.add_all(
        MonitoringObservation(
            submission_id=found.id,
            indicator=obs.indicator,
            ref_area=obs.ref_area,
            time_period=obs.time_period,
            dimensions_key=obs.dimensions_key,
            value=obs.value,
            status=obs.status,
        )
        for obs in observations
    )
    ROUND_TIMELINE.append(
        session,
        round_.id,
        actor=sender.actor,
        kind="submitted",
        details={
            "submission": found.id,
            "ref_area": area,
            "vintage": vintage,
            "channel": channel,
            "observations": len(observations),
            "confirmed_warnings": len(warnings),
        },
    )
    _audit(session, sender.actor, "monitoring.submitted", found.id, {"ref_area": area})
    session.flush()
    return found


def decide(
    session: Session, *, actor: str, submission_id: int, publish: bool, note: str = ""
) -> MonitoringSubmission:
    """Centre staff sign a pending submission off (it is published) or reject it."""
    found = repository.submission(session, submission_id)
    if found is None:
        raise errors.NotFound(f"no submission {submission_id}", code="unknown_submission")
    if found.status != "pending":
        raise errors.InvalidTransition(
            f"this submission is {found.status} already", code="already_decided"
        )
    if found.submitted_by == actor:
        raise errors.Forbidden("someone else signs off what you sent", code="four_eyes")
    found.status = "published" if publish else "rejected"
    found.decided_at, found.decided_by = utcnow(), actor
    found.decision_note = note.strip()[:2000]
    ROUND_TIMELINE.append(
        session,
        found.round_id,
        actor=actor,
        kind="published" if publish else "rejected",
        message=found.decision_note,
        details={"submission": found.id, "ref_area": found.ref_area, "vintage": found.vintage},
    )
    _audit(
        session,
        actor,
        "monitoring.published" if publish else "monitoring.rejected",
        found.id,
        {"ref_area": found.ref_area},
    )
    session.flush()
    return found


def _audit(
    session: Session, actor: str, action: str, object_id: int, details: dict | None = None
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        object_type="monitoring_submission" if "round" not in action else "monitoring_round",
        object_id=object_id,
        details=details or {},
    )
