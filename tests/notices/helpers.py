"""Helpers for notices' tests: sightings put through the real intake, officers and analysts with
browser sessions."""

from __future__ import annotations

from datetime import timedelta

from eucentre.auth import csrf
from eucentre.auth import service as auth_service
from eucentre.db import transaction
from eucentre.kit.crypto import sha256_hex
from eucentre.models import Role
from eucentre.models.staff import AUTHORITY_OFFICER
from eucentre.notices import intake
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, csrf_token_of, make_staff

SECRET = TEST_SECRET.encode()
NONCE = "notices-nonce"


def sighting(url: str, *, indicator_ids=(1,), md5: str | None = None, **more) -> intake.Sighting:  # type: ignore[no-untyped-def]
    host = url.split("/")[2].split(":")[0]
    return intake.Sighting(
        url=url,
        host_name=host,
        indicator_ids=indicator_ids,
        lists=("known_material",),
        md5=md5 or sha256_hex(url)[:32],
        pdq="a" * 64,
        source="test",
        **more,
    )


def browser(live, session_factory, *, role: Role | None = None, authority: str | None = None):  # type: ignore[no-untyped-def]
    with transaction(session_factory) as session:
        if authority is not None:
            account = auth_service.create_user(
                session,
                actor="test",
                secret=SECRET,
                email=f"officer-{authority}@x.test".lower().replace(" ", ""),
                role=AUTHORITY_OFFICER,
                password=PASSWORD,
                organisation_name=authority,
            )
            user = account.user
        else:
            user = make_staff(session, secret=SECRET, role=role or Role.analyst).user
        token = auth_service.open_session(session, user=user, lifetime=timedelta(hours=1))
    return live.client(cookies={"eucentre_session": token, csrf.COOKIE: NONCE})


def form(client, **fields):  # type: ignore[no-untyped-def]
    return {"csrf_token": csrf_token_of(client, SECRET), **fields}
