"""Opening a case (creating it) and opening it again with its number and PIN, for the API and
the pages alike, in three steps so that Argon2 never runs inside a transaction (on SQLite a
transaction holds the only write lock):

1. a short transaction of its own reads what is needed and refuses a client over its limits;
2. Argon2 runs (at most two at a time per process, so a flood waits instead of starving the
   server of CPU and memory);
3. the outcome is written: a failure in a transaction of its own (it must count even though
   the request then fails), a success in the request's transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from eucentre.db import transaction
from eucentre.victims import limits, pins, repository, service, submissions
from eucentre.victims.hashes import SubmittedHash
from eucentre.victims.models import VictimCase


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def _hashing(request: Request) -> asyncio.Semaphore:
    return request.app.state.resources.get("victims.hashing", lambda: asyncio.Semaphore(2))  # type: ignore[no-any-return]


def _limits(request: Request) -> limits.Limits:
    return limits.limits_from(request.app.state.settings)


async def authenticate(request: Request, *, number: str, pin: str) -> VictimCase:
    """The case these go together with, in the request's session; `UnknownCase` otherwise
    (the same answer, and about the same time, for an unknown number and a wrong PIN), or 429
    for a client over its limits."""
    settings = request.app.state.settings
    factory = request.app.state.session_factory
    number = service.normalised_number(number)
    pin = pins.normalise_pin(pin)

    def begin() -> tuple[limits.Guesser, str | None]:
        with transaction(factory) as session:
            who = limits.check_lookup(
                session,
                secret=settings.secret,
                number=number,
                client=_client(request),
                limits=_limits(request),
            )
            return who, repository.pin_digest_of(session, number)

    who, digest = await run_in_threadpool(begin)
    async with _hashing(request):
        ok = await run_in_threadpool(pins.verify_pin, settings.secret, number, pin, digest)
    if not ok:

        def failed() -> None:
            with transaction(factory) as session:
                limits.record_failure(session, who)

        await run_in_threadpool(failed)
        raise service.UnknownCase(service.UNKNOWN)

    def opened(session: Session) -> VictimCase | None:
        limits.record_success(session, who)
        return repository.case_by_number(session, number)

    case = await run_in_threadpool(opened, request.state.db)
    if case is None:  # deleted between the check and now
        raise service.UnknownCase(service.UNKNOWN)
    return case


@dataclass(frozen=True)
class Opened:
    case: VictimCase
    pin: str | None  # None on a replay past its PIN window
    replayed: bool


async def create(
    request: Request,
    *,
    hashes: Sequence[SubmittedHash],
    language: str,
    contact: str | None,
    channel: str,
    idempotency_key: str | None,
) -> Opened:
    """A new case with these checked hashes, or the one this request made before."""
    settings = request.app.state.settings
    factory = request.app.state.session_factory
    secret = settings.secret
    key = submissions.valid_key(idempotency_key)
    language = language if language in service.LANGUAGES else "en"
    prints = submissions.fingerprints(
        secret, key=key, hashes=hashes, language=language, contact=contact, client=_client(request)
    )

    def begin() -> tuple[submissions.Replay | None, str, str]:
        with transaction(factory) as session:
            replay = submissions.replayed(session, secret=secret, key=key, prints=prints)
            if replay is not None:
                return replay, "", ""
            subject = limits.check_creation(
                session, secret=secret, client=_client(request), limits=_limits(request)
            )
            return None, subject, service.new_number(session)

    replay, subject, number = await run_in_threadpool(begin)
    if replay is not None:
        return Opened(replay.case, replay.pin, replayed=True)
    pin = pins.new_pin()
    async with _hashing(request):
        digest = await run_in_threadpool(pins.hash_pin, secret, number, pin)

    def write(session: Session) -> Opened:
        try:
            with session.begin_nested():
                case = service.open_case(
                    session,
                    new=service.NewCase(hashes, language, contact, channel),
                    number=number,
                    pin_digest=digest,
                    secret=secret,
                )
                submissions.remember(
                    session, secret=secret, case=case, key=key, pin=pin, prints=prints
                )
                limits.record_creation(session, subject)
                session.flush()
        except IntegrityError:
            # The same key arrived twice at once: the other request created the case.
            again = submissions.replayed(session, secret=secret, key=key, prints=prints)
            if again is None:
                raise
            return Opened(again.case, again.pin, replayed=True)
        return Opened(case, pin, replayed=False)

    return await run_in_threadpool(write, request.state.db)
