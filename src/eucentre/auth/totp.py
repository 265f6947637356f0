"""TOTP second factor (RFC 6238) with replay protection by time step."""

from __future__ import annotations

import time

import pyotp

ISSUER = "EU Centre"
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def current_code(secret: str, *, at: float | None = None) -> str:
    return pyotp.TOTP(secret).at(at if at is not None else time.time())


def accepted_step(
    secret: str, code: str, *, last_step: int | None, at: float | None = None
) -> int | None:
    """The time step the code belongs to (one step of clock drift either way), or None.

    A step at or before the last one used is refused: a code seen over a shoulder or replayed
    from a captured request is worth nothing once its owner has used it.
    """
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    now = at if at is not None else time.time()
    totp = pyotp.TOTP(secret)
    this_step = int(now // STEP_SECONDS)
    for step in (this_step, this_step - 1, this_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return step
    return None
