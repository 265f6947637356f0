"""What the prevention tests share: signed-in staff and member clients, published records."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eucentre.auth import csrf
from eucentre.auth import service as auth_service
from eucentre.db import transaction
from eucentre.models import Role
from tests.conftest import TEST_SECRET
from tests.factories import csrf_token_of, make_staff

SECRET = TEST_SECRET.encode()
NONCE = "prevention-nonce"


def signed_in(live, session_factory, role: Role):
    with transaction(session_factory) as session:
        account = make_staff(session, secret=SECRET, role=role)
        token = auth_service.open_session(session, user=account.user, lifetime=timedelta(hours=1))
    client = live.client(cookies={"eucentre_session": token, csrf.COOKIE: NONCE})
    return client, account


def post(client, path: str, data: dict | None = None, **kwargs):
    return client.post(
        path, data={"csrf_token": csrf_token_of(client, SECRET), **(data or {})}, **kwargs
    )


def anonymous_token(client, page: str = "/prevention/network/apply") -> str:
    text = client.get(page).text
    return text.split('name="csrf_token" value="')[1].split('"')[0]


@pytest.fixture
def editors(live, session_factory):
    first, a = signed_in(live, session_factory, Role.editor)
    second, b = signed_in(live, session_factory, Role.editor)
    with first, second:
        yield (first, a), (second, b)
