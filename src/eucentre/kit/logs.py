"""Logs carrying the request id: JSON, one object a line (collectors), or text lines (people
at a terminal). Messages name ids, never people; both formats drop the same record fields."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "color_message",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        payload.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def _stamp_request_id(factory):  # type: ignore[no-untyped-def]
    # Stamped when the record is made: a handler may format it later, outside the request.
    def make_record(*args, **kwargs):  # type: ignore[no-untyped-def]
        record = factory(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    make_record.stamps_request_id = True  # type: ignore[attr-defined]
    return make_record


class TextFormatter(logging.Formatter):
    """`12:03:04.123 INFO    eucentre.http  request  method=GET route=/healthz status=200 ms=1.2
    request_id=...`: what the JSON line says, in the order a person reads it."""

    # ANSI SGR codes; the level's colour says how much attention a line needs.
    LEVEL_COLOURS = {"DEBUG": "2", "INFO": "32", "WARNING": "33", "ERROR": "31", "CRITICAL": "1;31"}

    def __init__(self, *, colour: bool = False) -> None:
        super().__init__()
        self.colour = colour

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
        stamp = f"{stamp}.{int(record.msecs):03d}"
        level = record.levelname
        fields = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        rid = getattr(record, "request_id", request_id.get())
        if rid != "-":
            fields["request_id"] = rid
        line = " ".join(
            [
                self._paint(stamp, "2"),
                self._paint(f"{level:<8}", self.LEVEL_COLOURS.get(level, "0")),
                self._paint(record.name, "36"),
                record.getMessage(),
            ]
        )
        if fields:
            pairs = " ".join(f"{k}={_text_value(v)}" for k, v in fields.items())
            line = f"{line}  {self._paint(pairs, '2')}"
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def _text_value(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    # Quoted when it would otherwise read as several pairs or as nothing.
    if not text or any(c.isspace() or c in '="' for c in text):
        return json.dumps(text)
    return text


def wants_colour(stream: object) -> bool:
    """Colour for a person at a terminal, unless they set NO_COLOR (https://no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def configure(level: str = "INFO", log_format: str = "json") -> None:
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "stamps_request_id", False):
        logging.setLogRecordFactory(_stamp_request_id(factory))
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "text":
        handler.setFormatter(TextFormatter(colour=wants_colour(sys.stderr)))
    else:
        handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Uvicorn's access log prints client addresses: personal data we do not log.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error", "huey"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # A person at a terminal watches requests; the consumer's start-up list and every periodic
    # task's "executing"/"executed" lines would push the start banner away within a minute.
    # Its warnings and errors still show.
    logging.getLogger("huey").setLevel(logging.WARNING if log_format == "text" else logging.NOTSET)
