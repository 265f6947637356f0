"""The demo accounts, their TOTP secrets and the demo API keys, as `eucentre serve` and
`eucentre demo load` print them (one whole value a line, kit/console.py)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from eucentre.auth import repository
from eucentre.auth.demo_marks import live_demo_records
from eucentre.db import transaction
from eucentre.demo import accounts as data
from eucentre.kit.console import Line


def demo_credentials() -> list[Line]:
    lines = [
        Line(f"Demo staff accounts, password {data.DEMO_PASSWORD}", heading=True),
        Line("  sign-in code: eucentre demo code EMAIL (or the secret in an authenticator app)"),
    ]
    accounts = [(email, role.value) for email, role in data.DEMO_USERS] + [
        (email, f"authority officer, {organisation}") for email, organisation in data.DEMO_OFFICERS
    ]
    accounts += [
        (email, f"coordinator, {organisation}") for email, organisation in data.DEMO_COORDINATORS
    ]
    for email, role in accounts:
        lines.append(Line(f"  {email}  ({role})"))
        lines.append(Line(f"      TOTP secret  {data.demo_totp_secret(email)}"))
    lines.append(Line("Demo API keys (Authorization: Bearer KEY)", heading=True))
    for organisation in data.DEMO_ORGANISATIONS:
        if organisation.key:
            lines.append(Line(f"  {organisation.name}"))
            lines.append(Line(f"      {organisation.key}"))
    return lines


def demo_loaded(session: Session) -> bool:
    """Whether `demo load` ran on this database (its first account exists)."""
    return repository.user_by_email(session, data.DEMO_USERS[0][0]) is not None


log = logging.getLogger("eucentre.operations")


def log_demo_records(session_factory: sessionmaker[Session]) -> dict[str, int]:
    """At a production start: an error line for demo records left in the database. The server
    still starts (it refuses their credentials, and /readyz stays not ready), so that an operator
    can see it and retire them."""
    try:
        with transaction(session_factory) as session:
            found = live_demo_records(session)
    except SQLAlchemyError:
        return {}  # not migrated yet: /readyz says so
    if found:
        log.error(
            "demo records in a production database: their credentials are refused; "
            "run `eucentre demo retire`",
            extra=found,
        )
    return found
