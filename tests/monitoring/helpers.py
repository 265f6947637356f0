"""Shared set-up of the monitoring tests: coordinators with keys and accounts, Centre staff,
rounds, and SDMX-CSV files built line by line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from eucentre.auth import service as auth_service
from eucentre.db import transaction
from eucentre.kinds import COORDINATOR
from eucentre.models import OrganisationKind, Role
from eucentre.monitoring import service
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, csrf_token_of, make_key, make_organisation, make_staff

SECRET = TEST_SECRET.encode()
HEADER = "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,FIREARM_CATEGORY,OBS_VALUE,OBS_STATUS"
FIREARMS = "dataflow,EUCENTRE:DF_FIREARMS(1.0),I"


def firearms_csv(*lines: str, header: str = HEADER) -> bytes:
    """A firearms SDMX-CSV file: each line after the structure columns."""
    return ("\r\n".join([header, *(f"{FIREARMS},{line}" for line in lines)]) + "\r\n").encode()


@dataclass
class Coordinator:
    organisation_id: int
    name: str
    country: str
    key: str
    user: object

    def headers(self, kind: str = "text/csv") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}", "Content-Type": kind}


def make_coordinator(session, country: str) -> Coordinator:
    org = make_organisation(
        session, kind=OrganisationKind.coordinator, country=country, name=f"Coordinator {country}"
    )
    user = auth_service.create_user(
        session,
        actor="test",
        secret=SECRET,
        email=f"coordinator.{country.lower()}@example.test",
        role=COORDINATOR,
        password=PASSWORD,
        organisation_name=org.name,
    ).user
    return Coordinator(org.id, org.name, country, make_key(session, org), user)


def open_round(session_factory, framework: str = "firearms", period: str = "2024") -> int:
    with transaction(session_factory) as session:
        return service.open_round(session, actor="test", framework=framework, period=period).id


def browser(live, session_factory, user) -> httpx.Client:
    """A client signed in as `user` (a session opened directly), with its CSRF header."""
    with transaction(session_factory) as session:
        token = auth_service.open_session(session, user=user, lifetime=timedelta(hours=1))
    client = live.client(cookies={"eucentre_session": token})
    client.headers["X-CSRF-Token"] = csrf_token_of(client, SECRET)
    return client


def staff_user(session_factory, role: Role = Role.analyst):
    with transaction(session_factory) as session:
        return make_staff(session, secret=SECRET, role=role).user
