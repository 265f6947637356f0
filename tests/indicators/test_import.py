"""Importing lists: all or nothing, idempotent, line numbers for every bad line."""

import json

import pytest

from eucentre.indicators import importer, repository
from eucentre.models import IndicatorStatus
from tests.indicators.helpers import random_pdq


def test_csv_with_header_and_labels(session) -> None:
    text = f"signal,value,labels\npdq,{random_pdq(1)},a|b\nmd5,{'ab' * 16}\nurl,https://Example.org/x#frag,\n"
    lines = importer.parse(text)
    result = importer.apply(session, actor="cli", lines=lines, source="partner", trusted=False)
    assert (result.created, result.already_present) == (3, 0)
    pdq = repository.by_value(session, "pdq", random_pdq(1))
    assert pdq.labels == ["a", "b"] and pdq.status == IndicatorStatus.candidate
    assert repository.by_value(session, "url", "https://example.org/x") is not None
    again = importer.apply(
        session, actor="cli", lines=importer.parse(text), source="partner", trusted=False
    )
    assert (again.created, again.already_present) == (0, 3)


def test_jsonl_trusted_import_verifies_with_the_source_as_reason(session) -> None:
    text = "\n".join(
        json.dumps({"signal": "pdq", "value": random_pdq(n), "labels": ["x"]}) for n in range(3)
    )
    result = importer.apply(
        session, actor="cli", lines=importer.parse(text), source="IWF", trusted=True
    )
    assert result.verified == 3
    indicator = repository.by_value(session, "pdq", random_pdq(0))
    assert indicator.status == IndicatorStatus.verified
    assert repository.events(session, indicator.id)[-1].reason == "trusted source: IWF"
    assert len(repository.changes_since(session, signal="pdq", cursor=0, limit=10)) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pdq,nothex\n", [(1, "pdq must be 64 hexadecimal characters")]),
        (f"pdq,{random_pdq(1)}\nmd5,abc\n", [(2, "md5 must be 32 hexadecimal characters")]),
        (f"pdq,{random_pdq(1)}\npdq,{random_pdq(1)}\n", [(2, "the same pdq as line 1")]),
        ("pdq\n", [(1, "expected signal,value[,labels], got 1 columns")]),
        ("", [(1, "the file holds no indicators")]),
        (
            '{"signal": "pdq", "value": "x"}\n{bad json\n',
            [
                (1, "pdq must be 64 hexadecimal characters"),
                (2, "not JSON: Expecting property name enclosed in double quotes"),
            ],
        ),
        (
            '{"signal": "md5", "value": "' + "a" * 32 + '", "extra": 1}\n',
            [(1, "unknown field(s): extra")],
        ),
    ],
)
def test_bad_files_name_their_lines_and_import_nothing(session, text, expected) -> None:
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.parse(text)
    assert rejected.value.problems == expected
    assert repository.count_by_status(session) == {}


def test_binary_and_missing_files_are_refused(tmp_path) -> None:
    binary = tmp_path / "list.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(importer.ImportRejected, match="not UTF-8"):
        importer.read(binary)
    with pytest.raises(importer.ImportRejected, match="is not a file"):
        importer.read(tmp_path / "missing.csv")
