"""A signal type is a plug-in: a toy one, registered only here, is hashed from a report's file,
stored as a row, matched against an indicator of its own and exported, with no other module
knowing its name."""

from __future__ import annotations

import csv
import io
import json
import zlib
from collections.abc import Iterator
from typing import get_args

import pytest
from sqlalchemy import select

from eucentre.db import transaction
from eucentre.indicators import distribution
from eucentre.indicators.schemas import LookupSignal
from eucentre.kit.signals import SignalType, hex_normaliser
from eucentre.models import OrganisationKind, ReportItem, ReportItemHash, ReportMatch
from eucentre.reports.schemas import SignalName
from eucentre.signals import BUILT_IN, Lookup, registry
from tests.factories import make_key, make_organisation
from tests.indicators.helpers import verified
from tests.reports.helpers import png, report_body, submit

CRC32 = SignalType(
    name="crc32",
    label="CRC-32",
    normalise=hex_normaliser("crc32", 8),
    lookup=Lookup.exact,
    media_types=frozenset({"image", "video"}),
    hash_bytes=lambda data: f"{zlib.crc32(data):08x}",
    threatexchange_type="HASH_CRC32",
)


@pytest.fixture
def crc32() -> Iterator[SignalType]:
    with registry.registered(CRC32) as signal_type:
        yield signal_type
    assert "crc32" not in registry


def test_a_toy_signal_type_is_hashed_stored_matched_and_exported(
    crc32, live, session_factory
) -> None:
    image = png(7)
    value = f"{zlib.crc32(image):08x}"
    with transaction(session_factory) as session:
        provider = make_organisation(session, kind=OrganisationKind.provider, country="IE")
        make_organisation(session, kind=OrganisationKind.authority, country="DE")
        key = make_key(session, provider)
        indicator = verified(session, value.upper(), signal="crc32")  # normalised by its type
        indicator_id = indicator.id
    assert indicator.value == value

    with live.client() as client:
        created = submit(client, key, body=report_body(), files=[image])
        assert created.status_code == 201, created.text
        report_id = int(created.json()["id"])
        status = client.get(
            f"/api/v1/reports/{report_id}", headers={"Authorization": f"Bearer {key}"}
        )
    # The provider's view keeps its contract: only the signals it declares and reads back.
    assert status.status_code == 200, status.text
    listed = {h["signal"] for h in status.json()["files"]["hashes"]}
    assert listed == {"sha256", "md5", "pdq"}

    with transaction(session_factory) as session:
        item = session.scalars(select(ReportItem).where(ReportItem.report_id == report_id)).one()
        rows = session.scalars(
            select(ReportItemHash).where(ReportItemHash.item_id == item.id)
        ).all()
        assert {row.signal for row in rows} == {"pdq", "md5", "sha256", "crc32"}
        assert item.value_of("crc32") == value
        matches = session.scalars(
            select(ReportMatch).where(ReportMatch.report_id == report_id)
        ).all()
        assert [(m.indicator_id, m.signal, m.distance) for m in matches] == [
            (indicator_id, "crc32", 0)
        ]

    exported = "".join(distribution.export_csv(session_factory, "crc32"))
    header, *lines = list(csv.reader(io.StringIO(exported)))
    assert header == ["id", "type", "indicator", "tags", "last_updated"]
    assert [line[:4] for line in lines] == [
        [str(indicator_id), "HASH_CRC32", value, "known_material"]
    ]
    records = [json.loads(line) for line in distribution.export_jsonl(session_factory, "crc32")]
    assert [(r["id"], r["signal"], r["value"], r["lists"]) for r in records] == [
        (indicator_id, "crc32", value, ["known_material"])
    ]


def test_registration_is_checked_and_undone() -> None:
    with registry.registered(CRC32):
        assert registry.names()[-1] == "crc32"
        with pytest.raises(ValueError, match="already registered"):
            registry.register(CRC32)
    assert registry.names() == tuple(s.name for s in BUILT_IN)


def test_the_apis_enumerations_are_the_registrys() -> None:
    # Built when the API is imported, from the registry: a new signal type needs no edit there.
    assert get_args(LookupSignal) == registry.names()
    assert get_args(SignalName) == tuple(s.name for s in registry.in_reports())
    assert get_args(SignalName) == ("pdq", "md5", "sha256")
