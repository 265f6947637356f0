"""The public-case kernel: what a case opened by a member of the public needs, whatever it is
about (a complaint now, a victim's removal request next). A case has a number the person quotes
and a secret only they hold; the Centre keeps only a slow, salted, peppered hash of the secret.
Its status moves through a declared state machine, and it has a deadline.

Pure: no database, no web. The domain stores the number and the digest on its own case table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from eucentre.kit.crypto import derive_key, keyed_digest, same

# Unambiguous characters (no 0/O, 1/I/L), so a number or secret read aloud or copied by hand works.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUP = 5
SECRET_GROUPS = 4  # 20 characters of 31: about 99 bits

# scrypt at 16 MiB and about 40 ms here: a stolen table cannot be searched for secrets, and one
# look-up costs the Centre little. The parameters are stored with each digest, so they can grow.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCHEME = "scrypt"


def random_code(groups: int) -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP)) for _ in range(groups))


def normalise_code(value: str) -> str:
    """What a person typed: case, spaces and missing dashes do not matter."""
    cleaned = "".join(ch for ch in value.upper() if ch in ALPHABET)
    return "-".join(cleaned[i : i + GROUP] for i in range(0, len(cleaned), GROUP))


def _weighted(code: str) -> int:
    return sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(code)) % len(ALPHABET)


def check_character(body: str) -> str:
    """The check character of a code in ALPHABET: the weighted sum (weights 1, 2, 3...) of all
    characters, the check included, is 0 modulo 31. Since 31 is prime and the weights of
    neighbours differ, every single mistyped character and every swap of two different
    neighbours breaks the sum. For codes of up to 30 characters."""
    n = len(ALPHABET)
    if len(body) >= n - 1:
        raise ValueError(f"a checked code has at most {n - 2} characters before its check")
    weight = len(body) + 1
    return ALPHABET[(-_weighted(body) * pow(weight, -1, n)) % n]


def has_valid_check(code: str) -> bool:
    """Whether the last character of a code (dashes ignored) checks the others."""
    cleaned = code.replace("-", "")
    if len(cleaned) < 2 or any(ch not in ALPHABET for ch in cleaned):
        return False
    return len(cleaned) < len(ALPHABET) and _weighted(cleaned) == 0


@dataclass(frozen=True)
class CaseNumbers:
    """Case numbers of one kind: a letter and two groups ("C-ABCDE-FGHJK" for complaints).
    With `check`, the last character is a check character (`check_character`), so a number
    mistyped by hand is recognised as such before anything is looked up."""

    prefix: str
    groups: int = 2
    check: bool = False

    @property
    def random_characters(self) -> int:
        return self.groups * GROUP - (1 if self.check else 0)

    def new(self, exists: Callable[[str], bool]) -> str:
        """A fresh random number (never a sequence, so numbers reveal nothing)."""
        while True:
            body = "".join(secrets.choice(ALPHABET) for _ in range(self.random_characters))
            if self.check:
                body += check_character(body)
            number = f"{self.prefix}-{normalise_code(body)}"
            if not exists(number):
                return number

    def normalise(self, value: str) -> str:
        """A number as typed ("c-abcde-fghjk", "ABCDE FGHJK") in its stored form."""
        cleaned = "".join(ch for ch in value.upper() if ch in ALPHABET)
        if len(cleaned) == self.groups * GROUP + len(self.prefix) and cleaned.startswith(
            self.prefix
        ):
            cleaned = cleaned[len(self.prefix) :]
        return f"{self.prefix}-{normalise_code(cleaned)}"

    def well_formed(self, number: str) -> bool:
        """Whether a normalised number has this kind's length and, with `check`, a check
        character that checks (a number that could exist)."""
        body = number[len(self.prefix) + 1 :].replace("-", "")
        if not number.startswith(self.prefix + "-") or len(body) != self.groups * GROUP:
            return False
        return has_valid_check(body) if self.check else all(ch in ALPHABET for ch in body)


def new_secret() -> str:
    return random_code(SECRET_GROUPS)


def _peppered(pepper: bytes, number: str, secret: str) -> bytes:
    # Bound to the case number (a secret is worthless for another case) and to the Centre's key
    # (the table alone is not enough to test guesses).
    return hmac.new(
        derive_key(pepper, "case-secrets"), f"{number}:{secret}".encode(), hashlib.sha256
    ).digest()


def _scrypt(material: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(material, salt=salt, n=n, r=r, p=p, maxmem=128 * r * n * 2, dklen=32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_secret(pepper: bytes, number: str, secret: str) -> str:
    """The stored form: "scrypt$n$r$p$salt$hash"."""
    salt = os.urandom(16)
    digest = _scrypt(_peppered(pepper, number, secret), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


# Compared when the number is unknown, so that an unknown number costs what a wrong secret does.
_DUMMY = f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(bytes(16))}${_b64(bytes(32))}"


def _legacy_digest(pepper: bytes, number: str, secret: str) -> str:
    # Complaints filed before the case kernel kept an HMAC; they still open with their secret.
    return keyed_digest(derive_key(pepper, "complaint-secrets"), f"{number}:{secret}")


def verify_secret(pepper: bytes, number: str, secret: str, stored: str | None) -> bool:
    """Whether the secret opens the case; `stored` None (unknown number) costs the same work."""
    candidate = stored or _DUMMY
    if not candidate.startswith(SCHEME + "$"):
        return same(_legacy_digest(pepper, number, secret), candidate) and stored is not None
    try:
        _, n, r, p, salt, expected = candidate.split("$")
        computed = _scrypt(_peppered(pepper, number, secret), _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, _unb64(expected)) and stored is not None


class InvalidTransition(ValueError):
    pass


@dataclass(frozen=True)
class StatusMachine:
    """A case's statuses and the events that move it: {(status, event): next status}."""

    transitions: Mapping[tuple[str, str], str]
    final: frozenset[str] = frozenset()

    def next(self, status: str, event: str) -> str:
        try:
            return self.transitions[(status, event)]
        except KeyError:
            raise InvalidTransition(f"cannot {event} a case that is {status}") from None

    def allows(self, status: str, event: str) -> bool:
        return (status, event) in self.transitions

    def is_final(self, status: str) -> bool:
        return status in self.final


def deadline(opened_at: datetime, target: timedelta) -> datetime:
    return opened_at + target


def overdue(*, deadline_at: datetime, decided: bool, now: datetime) -> bool:
    return not decided and deadline_at < now
