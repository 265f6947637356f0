"""Kinds of organisation and roles of people: plain enums, apart from the models that store them
so that the CLI can offer them as choices without importing SQLAlchemy."""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    provider = "provider"
    authority = "authority"
    centre = "centre"


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
