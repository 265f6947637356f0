"""JSON logs, one object a line, carrying the request id. Messages name ids, never people."""

from __future__ import annotations

import json
import logging
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


def configure(level: str = "INFO") -> None:
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "stamps_request_id", False):
        logging.setLogRecordFactory(_stamp_request_id(factory))
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Uvicorn's access log prints client addresses: personal data we do not log.
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error", "huey"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
