"""Both log formats, line by line, on records built as the platform's loggers build them."""

import json
import logging
import time

import pytest

from eucentre.kit import logs

CREATED = 1_780_000_000.25  # any fixed instant; the text line shows it in local time


def request_record(**extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord(
        {
            "name": "eucentre.http",
            "levelno": logging.INFO,
            "levelname": "INFO",
            "msg": "request",
            "created": CREATED,
            "msecs": 250.0,
            "request_id": "3f2a9c",
            # What uvicorn adds for its own coloured console; never ours to print.
            "color_message": "request",
            **extra,
        }
    )
    return record


def local_time() -> str:
    return time.strftime("%H:%M:%S", time.localtime(CREATED)) + ".250"


def test_a_text_line_reads_time_level_logger_message_then_the_extras() -> None:
    record = request_record(method="GET", route="/staff/reports/{report_id}", status=200, ms=3.4)
    line = logs.TextFormatter().format(record)
    assert line == (
        f"{local_time()} INFO     eucentre.http request  "
        "method=GET route=/staff/reports/{report_id} status=200 ms=3.4 request_id=3f2a9c"
    )


def test_text_values_that_would_read_ambiguously_are_quoted() -> None:
    record = request_record(reason="two words", empty="", checks={"db": "ok"}, request_id="-")
    line = logs.TextFormatter().format(record)
    # Outside a request there is no id to show.
    assert line == (
        f'{local_time()} INFO     eucentre.http request  reason="two words" empty="" '
        'checks="{\\"db\\": \\"ok\\"}"'
    )


def test_colour_marks_the_parts_and_changes_nothing_else() -> None:
    record = request_record(levelname="WARNING", levelno=logging.WARNING, status=503)
    coloured = logs.TextFormatter(colour=True).format(record)
    assert coloured == (
        f"\x1b[2m{local_time()}\x1b[0m \x1b[33mWARNING \x1b[0m \x1b[36meucentre.http\x1b[0m "
        "request  \x1b[2mstatus=503 request_id=3f2a9c\x1b[0m"
    )


def test_text_lines_carry_the_exception() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        import sys

        record = request_record(levelname="ERROR", levelno=logging.ERROR, exc_info=sys.exc_info())
    lines = logs.TextFormatter().format(record).splitlines()
    assert lines[0] == f"{local_time()} ERROR    eucentre.http request  request_id=3f2a9c"
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: bad"


def test_the_json_line_carries_the_same_fields() -> None:
    record = request_record(method="GET", route="/healthz", status=200, ms=1.0)
    payload = json.loads(logs.JsonFormatter().format(record))
    assert {k: v for k, v in payload.items() if k != "time"} == {
        "level": "INFO",
        "logger": "eucentre.http",
        "message": "request",
        "request_id": "3f2a9c",
        "method": "GET",
        "route": "/healthz",
        "status": 200,
        "ms": 1.0,
    }


class Terminal:
    def isatty(self) -> bool:
        return True


class File:
    def isatty(self) -> bool:
        return False


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert logs.wants_colour(Terminal()) and not logs.wants_colour(File())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not logs.wants_colour(Terminal())


@pytest.mark.parametrize(
    ("log_format", "formatter"), [("text", logs.TextFormatter), ("json", logs.JsonFormatter)]
)
def test_configure_installs_the_chosen_format(log_format, formatter) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("huey").level
    try:
        logs.configure("INFO", log_format)
        assert isinstance(root.handlers[0].formatter, formatter)
        assert logging.getLogger("uvicorn.access").disabled  # it would log client addresses
    finally:
        root.handlers[:], level, huey_level = saved
        root.setLevel(level)
        logging.getLogger("huey").setLevel(huey_level)
