"""Who is asking, in the monitoring domain's terms: a coordinator sends for its Member State
only; the Centre reads everything; anyone else reads what is published."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eucentre import errors
from eucentre.auth.principals import Principal, PrincipalKind
from eucentre.monitoring import repository
from eucentre.monitoring.published import Reader
from eucentre.monitoring.service import Sender


def sender_of(session: Session, principal: Principal) -> Sender:
    """A coordinator, with its Member State; nobody else sends figures."""
    if principal.kind is not PrincipalKind.coordinator:
        raise errors.Forbidden("only a Member State's coordinator sends figures", code="forbidden")
    organisation = repository.organisation(session, principal.organisation_id)
    if organisation is None:
        raise errors.Forbidden("this coordinator no longer exists", code="forbidden")
    return Sender(
        actor=principal.actor, organisation_id=organisation.id, country=organisation.country
    )


def reader_of(principal: Principal) -> Reader:
    if principal.is_staff:
        return Reader(centre=True)
    if principal.kind is PrincipalKind.coordinator:
        return Reader(organisation_id=principal.organisation_id)
    return Reader()


def country_of(session: Session, principal: Principal) -> str | None:
    """The coordinator's Member State (None for the Centre's staff, who see every one)."""
    if principal.kind is PrincipalKind.coordinator:
        return sender_of(session, principal).country
    return None
