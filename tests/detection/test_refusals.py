"""The matching service refuses changed, replayed and malformed vouchers, each with a code and
the line, and stores nothing of a refused batch."""

from __future__ import annotations

import base64
import json

import pytest

from tests.detection.images import png
from tests.detection.world import TOKEN, Device, build_world


@pytest.fixture(scope="module")
def images():
    return [png(seed) for seed in range(300, 304)]


@pytest.fixture
def world(live, session_factory):
    made = build_world(live, session_factory, listed=[png(0)], threshold=3)
    yield made
    made.server.should_exit = True


@pytest.fixture
def device(world):
    return Device.enrolled(world, "acct-r", synthetic_probability=0.0)


def flip(line: str, offset: int) -> str:
    item = json.loads(line)
    raw = bytearray(base64.b64decode(item["voucher"]))
    raw[offset] ^= 0x01
    item["voucher"] = base64.b64encode(bytes(raw)).decode()
    return json.dumps(item)


def test_a_changed_voucher_is_refused_and_nothing_is_stored(device, images) -> None:
    good, other = device.vouchers(images[:2])
    reply = device.send([good, flip(other, -40)])
    assert reply.status_code == 403
    assert reply.json()["error"] == "voucher_tampered"
    assert reply.json()["detail"]["line"] == 2
    assert device.status()["vouchers"] == 0


def test_a_voucher_moved_to_another_account_is_refused(world, device, images) -> None:
    Device.enrolled(world, "acct-s")
    (line,) = device.vouchers(images[:1])
    with world.client() as client:
        reply = client.post("/v1/accounts/acct-s/vouchers", content=line)
    assert reply.status_code == 403
    assert reply.json()["error"] == "voucher_tampered"
    # Relabelled as the other account's, the MAC no longer holds either.
    relabelled = json.dumps({**json.loads(line), "account": "acct-s"})
    with world.client() as client:
        reply = client.post("/v1/accounts/acct-s/vouchers", content=relabelled)
    assert reply.status_code == 403


def test_a_replayed_voucher_is_refused(device, images) -> None:
    lines = device.vouchers(images[:2])
    assert device.send(lines).status_code == 200
    again = device.send(lines[1:])
    assert again.status_code == 409
    assert again.json() == {
        "error": "voucher_replayed",
        "detail": {"line": 1, "message": "this voucher was received before"},
    }
    twice = device.vouchers(images[2:3]) * 2
    reply = device.send(twice)
    assert reply.status_code == 409
    assert reply.json()["detail"]["line"] == 2
    assert device.status()["vouchers"] == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not a JSON object"),
        ('{"account": "acct-r"}', '{"account": ..., "voucher": base64}'),
        ('{"account": "acct-r", "voucher": "***"}', "not valid base64"),
        ('{"account": "acct-r", "voucher": "AAAA"}', "cut short in its header"),
        ('{"account": 5, "voucher": "AAAA"}', "account: a string"),
    ],
)
def test_malformed_lines_name_the_line_and_the_part(device, images, line, message) -> None:
    (good,) = device.vouchers(images[:1])
    reply = device.send([good, line])
    assert reply.status_code == 422
    assert reply.json()["error"] == "voucher_malformed"
    assert reply.json()["detail"]["line"] == 2
    assert message in reply.json()["detail"]["message"]
    assert device.status()["vouchers"] == 0


def test_empty_oversized_unauthenticated_and_unknown(world, device) -> None:
    assert device.send([]).json()["error"] == "voucher_malformed"
    with world.client() as client:
        big = client.post("/v1/accounts/acct-r/vouchers", content=b"x" * (2 << 20))
        assert big.status_code == 413
        unknown = client.post("/v1/accounts/nobody/vouchers", content='{"a": 1}')
        assert unknown.status_code == 404
        assert unknown.json()["error"] == "unknown_account"
        again = client.post(
            "/v1/accounts/acct-r/enrol",
            json={"mac_key": base64.b64encode(bytes(32)).decode(), "threshold": 3},
        )
        assert again.json()["error"] == "account_enrolled"
        mismatch = client.post(
            "/v1/accounts/acct-t/enrol",
            json={"mac_key": base64.b64encode(bytes(32)).decode(), "threshold": 30},
        )
        assert mismatch.status_code == 409
        assert mismatch.json()["error"] == "threshold_mismatch"
    import httpx

    with httpx.Client(base_url=world.service) as anonymous:
        reply = anonymous.get("/v1/accounts/acct-r", headers={"Authorization": "Bearer nope"})
        assert reply.status_code == 401
    assert TOKEN


def test_a_voucher_for_an_unpublished_bundle_is_refused(device, images) -> None:
    from eucentre_client.psi.voucher import from_bytes, to_line

    (line,) = device.vouchers(images[:1])
    voucher = from_bytes(base64.b64decode(json.loads(line)["voucher"]))
    from dataclasses import replace

    moved = replace(voucher, bundle_version=99).signed("acct-r", device.account.mac_key)
    reply = device.send([to_line("acct-r", moved)])
    assert reply.status_code == 409
    assert reply.json()["error"] == "unknown_bundle"
