"""Rate limits on the public case API and pages: case creations per client, and guesses at
PINs per client and per case, without ever letting a third party lock a person out of their
case.

Failures are counted against pseudonyms (keyed hashes, never the address or number itself) of
the client, the case number and the pair of both; an unknown number counts exactly like a known
one. A client over its own limit is refused (429). A case number over its limit is under
attack: then only the clients that already failed against it are slowed, each waiting `delay`,
doubled with every further failure (at most `max_delay`), before its next try; any other client,
the person among them, still gets in with the right PIN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.config import Settings
from eucentre.kit.crypto import derive_key, keyed_digest
from eucentre.kit.time import as_utc, utcnow
from eucentre.victims import repository
from eucentre.victims.models import VictimAttempt


@dataclass(frozen=True)
class Limits:
    creations_per_client: int = 10
    failures_per_client: int = 20
    failures_per_case: int = 5
    window: timedelta = timedelta(hours=1)
    delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=10)

    def wait_after(self, failures: int) -> timedelta:
        if failures <= 0:
            return timedelta(0)
        return min(self.delay * 2 ** min(failures - 1, 30), self.max_delay)


def limits_from(settings: Settings) -> Limits:
    return Limits(
        creations_per_client=settings.victims_cases_per_hour,
        failures_per_client=settings.victims_failed_lookups_per_hour,
        failures_per_case=settings.victims_failed_lookups_per_case_per_hour,
    )


def pseudonym(secret: bytes, kind: str, value: str) -> str:
    return f"{kind}:" + keyed_digest(derive_key(secret, "victim-pseudonyms"), value)[:64]


class RateLimited(errors.TooManyRequests):
    code = "victims_rate_limited"


def check_creation(session: Session, *, secret: bytes, client: str, limits: Limits) -> str:
    """Refuse a client that created too many cases this window; its pseudonym otherwise."""
    subject = pseudonym(secret, "create", client)
    if repository.attempts_since(session, subject, utcnow() - limits.window) >= (
        limits.creations_per_client
    ):
        raise RateLimited(
            "too many cases from your connection; please try again in an hour",
            retry_after=int(limits.window.total_seconds()),
        )
    return subject


@dataclass(frozen=True)
class Guesser:
    """The pseudonyms of one look-up: its client, its case number and the pair."""

    client: str
    case: str
    pair: str


def check_lookup(
    session: Session, *, secret: bytes, number: str, client: str, limits: Limits
) -> Guesser:
    """Refuse (429) a client over its limit, or one that failed against a case under attack and
    has not yet waited its delay. Only reads."""
    who = Guesser(
        client=pseudonym(secret, "lookup", client),
        case=pseudonym(secret, "case", number),
        pair=pseudonym(secret, "pair", f"{number}\n{client}"),
    )
    now = utcnow()
    since = now - limits.window
    if repository.attempts_since(session, who.client, since) >= limits.failures_per_client:
        raise RateLimited(
            "too many wrong case numbers or PINs from your connection; please try again later",
            retry_after=int(limits.window.total_seconds()),
        )
    if repository.attempts_since(session, who.case, since) >= limits.failures_per_case:
        tried = repository.attempts_since(session, who.pair, since)
        last = repository.last_attempt(session, who.pair, since)
        if last is not None:
            remaining = as_utc(last) + limits.wait_after(tried) - now
            if remaining > timedelta(0):
                raise RateLimited(
                    "too many wrong PINs for this case from your connection; please wait",
                    retry_after=max(1, math.ceil(remaining.total_seconds())),
                )
    return who


def record_failure(session: Session, who: Guesser) -> None:
    now = utcnow()
    session.add_all(
        [VictimAttempt(subject=subject, at=now) for subject in (who.client, who.case, who.pair)]
    )
    session.flush()


def record_success(session: Session, who: Guesser) -> None:
    # Only this client's record: the case's failures are evidence of an attack that goes on.
    repository.forget_attempts(session, who.pair)


def record_creation(session: Session, subject: str) -> None:
    session.add(VictimAttempt(subject=subject, at=utcnow()))
