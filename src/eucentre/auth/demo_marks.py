"""How demo records are recognised, so that production can refuse them.

The demo data (`eucentre.demo.data`) publishes its keys, passwords and TOTP secrets on purpose;
a production database that once held it must never honour them. The marks live here, not in
`demo/`, because auth must recognise them without importing the demo package (which imports
auth).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eucentre.models import ApiKey, StaffUser

DEMO_EMAIL_DOMAIN = "@demo.eucentre.eu"
# Generated key ids are hexadecimal (`secrets.token_hex`), so they never start with "demo":
# only the published demo keys do.
DEMO_KEY_PREFIX = "demo"


def is_demo_email(email: str) -> bool:
    return email.strip().lower().endswith(DEMO_EMAIL_DOMAIN)


def is_demo_key(prefix: str) -> bool:
    return prefix.startswith(DEMO_KEY_PREFIX)


def live_demo_records(session: Session) -> dict[str, int]:
    """Demo keys not revoked and demo accounts still active, by kind (zeros left out)."""
    keys = session.scalar(
        select(func.count())
        .select_from(ApiKey)
        .where(ApiKey.prefix.startswith(DEMO_KEY_PREFIX), ApiKey.revoked_at.is_(None))
    )
    users = session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.email.endswith(DEMO_EMAIL_DOMAIN), StaffUser.is_active.is_(True))
    )
    found = {"api_keys": keys or 0, "accounts": users or 0}
    return {kind: count for kind, count in found.items() if count}
