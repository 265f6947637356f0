"""CSRF tokens for forms: for a signed-in session, an HMAC of the session (a token from one
session fails in every other); for anonymous forms, an HMAC of a per-browser nonce kept in an
HttpOnly cookie.

A forged cross-site form can make the browser send the cookies but cannot read them, so it
cannot produce the matching token. The nonce is renewed at sign-in and sign-out.
"""

from __future__ import annotations

import secrets

from eucentre.kit.crypto import derive_key, keyed_digest, same

COOKIE = "eucentre_csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def token_for(secret: bytes, nonce: str) -> str:
    return keyed_digest(derive_key(secret, "csrf"), nonce)


def valid(secret: bytes, nonce: str | None, presented: str | None) -> bool:
    if not nonce or not presented:
        return False
    return same(token_for(secret, nonce), presented)


def token_for_session(secret: bytes, session_token_hash: str) -> str:
    return keyed_digest(derive_key(secret, "csrf-session"), session_token_hash)


def expected(secret: bytes, *, nonce: str | None, session_token_hash: str | None) -> str:
    """The token forms must carry: bound to the session when signed in, else to the nonce."""
    if session_token_hash:
        return token_for_session(secret, session_token_hash)
    return token_for(secret, nonce) if nonce else ""


def valid_for(
    secret: bytes, *, nonce: str | None, session_token_hash: str | None, presented: str | None
) -> bool:
    wanted = expected(secret, nonce=nonce, session_token_hash=session_token_hash)
    return bool(wanted and presented) and same(wanted, presented or "")
