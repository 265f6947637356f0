"""CSRF tokens for forms: an HMAC of a per-browser nonce kept in an HttpOnly cookie.

A forged cross-site form can make the browser send the cookie but cannot read it, so it cannot
produce the matching token. Signed-in sessions get a fresh nonce at sign-in.
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
