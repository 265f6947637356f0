"""A Centre on a real port with a published bundle, a provider's matching service on another,
and devices that hash benign images with the client library and send vouchers over HTTP."""

from __future__ import annotations

import base64
import json
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
from eucentre_client.psi.account import Account
from eucentre_client.psi.bundle import parse
from eucentre_client.psi.device import make
from eucentre_client.psi.voucher import to_line
from eucentre_client.vouchering import hash_image

from eucentre.db import transaction
from eucentre.detection.matching.app import create_service_app
from eucentre.detection.matching.keyring import CentreKeyRing
from eucentre.detection.matching.matcher import Matcher
from eucentre.detection.matching.reporting import Reporter
from eucentre.detection.matching.store import Store
from eucentre.models import OrganisationKind
from tests.conftest import serve_in_thread
from tests.detection.helpers import list_image, publish
from tests.factories import make_key, make_organisation

TOKEN = secrets.token_urlsafe(32)


@dataclass
class World:
    centre: str
    service: str
    server: object
    provider_key: str
    bundle_bytes: bytes
    root: str
    threshold: int
    folder: Path

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.service, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60
        )


def build_world(live, session_factory, *, listed: list[bytes], threshold: int, tolerant=False):
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider)
        key = make_key(session, provider, ["detection:read", "reports:write", "reports:read"])
        for data in listed:
            list_image(session, data, signals=("pdq", "md5"))
        publish(session, live.settings, live.app.state.blobs, tolerant=tolerant)
    with live.client() as centre:
        reply = centre.get("/api/v1/detection/bundle", headers={"Authorization": f"Bearer {key}"})
        assert reply.status_code == 200, reply.text
        root = centre.get("/api/v1/detection/bundle/root").json()["current"]["root"]
    folder = Path(tempfile.mkdtemp(prefix="detection-"))
    matcher = Matcher(
        Store(folder / "matching.sqlite3"), CentreKeyRing(live.url, key), threshold=threshold
    )
    app = create_service_app(matcher, Reporter(live.url, key), token=TOKEN)
    server, _, url = serve_in_thread(app)
    return World(live.url, url, server, key, reply.content, root, threshold, folder)


@dataclass
class Device:
    world: World
    account_id: str
    account: Account

    @classmethod
    def enrolled(cls, world: World, account_id: str, **options) -> Device:
        account = Account.create(threshold=world.threshold, **options)
        with world.client() as client:
            reply = client.post(
                f"/v1/accounts/{account_id}/enrol",
                json={
                    "mac_key": base64.b64encode(account.mac_key).decode(),
                    "threshold": world.threshold,
                },
            )
            assert reply.status_code == 201, reply.text
        return cls(world, account_id, account)

    def vouchers(self, images: list[bytes]) -> list[str]:
        bundle = parse(self.world.bundle_bytes, expected_root=self.world.root)
        lines = []
        for index, data in enumerate(images):
            path = self.world.folder / f"{self.account_id}-{secrets.token_hex(4)}-{index}.png"
            path.write_bytes(data)
            voucher = make(self.account, bundle, hash_image(path), self.account_id)
            lines.append(to_line(self.account_id, voucher))
        return lines

    def send(self, lines: list[str]) -> httpx.Response:
        with self.world.client() as client:
            return client.post(f"/v1/accounts/{self.account_id}/vouchers", content="\n".join(lines))

    def status(self) -> dict:
        with self.world.client() as client:
            return client.get(f"/v1/accounts/{self.account_id}").json()


def lines_of(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line]
