"""A creation sent twice is one case.

With an `Idempotency-Key` header (16 to 100 characters of A-Z a-z 0-9 _ -), a replay of the same
request within a day gets the same case back (200), and within PIN_REPLAY its PIN too: the PIN
is kept sealed under a key derived from the Idempotency-Key, which only the client holds (the
Centre keeps a keyed digest of it), so a client whose answer was lost reads it again and nobody
else can. The same key with another request is refused (422).

Without a key, the same hashes from the same client within DUPLICATE_WINDOW are refused (409)
without saying which case they made: the hashes are not a secret (whoever has the picture can
compute them), so they must never lead to a case or its PIN.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.kit.crypto import derive_key, keyed_digest, open_sealed, seal
from eucentre.kit.time import as_utc, utcnow
from eucentre.victims import repository
from eucentre.victims.hashes import SubmittedHash
from eucentre.victims.models import VictimCase, VictimSubmission

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,100}")
REPLAY_WINDOW = timedelta(days=1)
PIN_REPLAY = timedelta(minutes=15)
DUPLICATE_WINDOW = timedelta(minutes=10)


class DuplicateCase(errors.Conflict):
    code = "duplicate_case"


class KeyReused(errors.UnprocessableEntity):
    code = "idempotency_key_reused"


class InvalidKey(errors.UnprocessableEntity):
    code = "invalid_idempotency_key"


def valid_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not KEY_PATTERN.fullmatch(value):
        raise InvalidKey("Idempotency-Key: 16 to 100 characters of A-Z, a-z, 0-9, _ and -")
    return value


@dataclass(frozen=True)
class Fingerprints:
    key: str | None  # digest of the Idempotency-Key
    request: str  # digest of what was asked
    client_request: str  # digest of what was asked and by which client


def fingerprints(
    secret: bytes,
    *,
    key: str | None,
    hashes: Sequence[SubmittedHash],
    language: str,
    contact: str | None,
    client: str,
) -> Fingerprints:
    digest_key = derive_key(secret, "victim-submissions")
    canonical = json.dumps(
        {
            "hashes": sorted([h.signal, h.value, h.quality] for h in hashes),
            "language": language,
            "contact": keyed_digest(digest_key, contact or ""),
        },
        sort_keys=True,
    )
    return Fingerprints(
        key=keyed_digest(digest_key, f"key:{key}") if key else None,
        request=keyed_digest(digest_key, f"request:{canonical}"),
        client_request=keyed_digest(digest_key, f"client:{client}\n{canonical}"),
    )


@dataclass(frozen=True)
class Replay:
    case: VictimCase
    pin: str | None  # only within PIN_REPLAY of the first answer


def replayed(
    session: Session, *, secret: bytes, key: str | None, prints: Fingerprints
) -> Replay | None:
    """The case this request already created, or None; refuses a reused key or a duplicate."""
    now = utcnow()
    if prints.key is not None:
        earlier = repository.submission_by_key(session, prints.key)
        if earlier is None:
            return None
        if earlier.request_digest != prints.request or as_utc(earlier.created_at) < (
            now - REPLAY_WINDOW
        ):
            raise KeyReused("this Idempotency-Key was used for another request")
        case = repository.case(session, earlier.case_id)
        if case is None:  # deleted since (retention)
            raise KeyReused("this Idempotency-Key was used for another request")
        return Replay(case, _pin_of(secret, key or "", earlier))
    if repository.recent_submission(session, prints.client_request, now - DUPLICATE_WINDOW):
        raise DuplicateCase(
            "a case with these hashes was just opened from your connection: use its number and "
            "PIN (to send a creation again safely, use an Idempotency-Key header)"
        )
    return None


def _pin_key(secret: bytes, key: str) -> bytes:
    return derive_key(secret + key.encode(), "victim-replayed-pins")


def _pin_of(secret: bytes, key: str, earlier: VictimSubmission) -> str | None:
    if earlier.pin_sealed is None or as_utc(earlier.created_at) < utcnow() - PIN_REPLAY:
        return None
    return open_sealed(
        _pin_key(secret, key), earlier.pin_sealed, context=str(earlier.case_id).encode()
    ).decode()


def remember(
    session: Session,
    *,
    secret: bytes,
    case: VictimCase,
    key: str | None,
    pin: str,
    prints: Fingerprints,
) -> None:
    session.add(
        VictimSubmission(
            case_id=case.id,
            key_digest=prints.key,
            request_digest=prints.request,
            client_request_digest=prints.client_request,
            pin_sealed=seal(_pin_key(secret, key), pin.encode(), context=str(case.id).encode())
            if key
            else None,
        )
    )
    session.flush()
