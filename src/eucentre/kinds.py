"""Kinds of organisation and roles of people: plain enums, apart from the models that store them
so that the CLI can offer them as choices without importing SQLAlchemy."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    provider = "provider"
    authority = "authority"
    centre = "centre"
    # A Member State's monitoring coordinator: reports its country's figures (monitoring).
    coordinator = "coordinator"


class Role(StrEnum):
    analyst = "analyst"
    senior_analyst = "senior_analyst"
    administrator = "administrator"
    auditor = "auditor"
    # The prevention hub: editors keep the catalogue (four eyes on publication), network
    # members are practitioners listed in the directory who sign in to keep their own entry.
    editor = "editor"
    network_member = "network_member"


# People of an authority sign in like staff but act as their organisation (see auth/service.py).
AUTHORITY_OFFICER = "authority_officer"
# People of a Member State's monitoring coordinator sign in the same way and act for it.
COORDINATOR = "coordinator"
# The roles of accounts that act for an organisation, and the kind of organisation each needs.
ORGANISATION_ROLES = {
    AUTHORITY_OFFICER: OrganisationKind.authority,
    COORDINATOR: OrganisationKind.coordinator,
}
