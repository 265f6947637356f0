"""Turning a provider's HTTP request into a validated report and its files, with limits checked
before anything is parsed or stored."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from fastapi import Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from eucentre import errors
from eucentre.kit.inputs import JsonRefused, load_json
from eucentre.kit.time import utcnow
from eucentre.reports.intake import Upload
from eucentre.reports.ncmec_xml import MAX_XML_BYTES, XmlReportError, parse_ncmec_xml
from eucentre.reports.schemas import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_REPORT_JSON_BYTES,
    ReportIn,
    validation_context,
)

MAX_REQUEST_BYTES = MAX_FILES * MAX_FILE_BYTES + 2 * MAX_REPORT_JSON_BYTES


@dataclass(frozen=True)
class ParsedReport:
    report: ReportIn
    uploads: list[Upload]
    source_format: str
    fingerprint: str


def check_length(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise errors.BadRequest("Content-Length is not a number", code="bad_content_length")
        if int(declared) > limit:
            raise errors.PayloadTooLarge(
                f"the request is larger than {limit} bytes", code="request_too_large"
            )


def _validation_problems(error: ValidationError, prefix: str) -> list[dict]:
    return [
        {
            "field": ".".join([prefix, *map(str, item["loc"])]),
            "message": item["msg"],
            "type": item["type"],
        }
        for item in error.errors()
    ]


def report_from_json(raw: bytes | str) -> ReportIn:
    if len(raw) > MAX_REPORT_JSON_BYTES:
        raise errors.PayloadTooLarge(
            f"the report JSON is larger than {MAX_REPORT_JSON_BYTES} bytes", code="report_too_large"
        )
    try:
        data = load_json(raw, prefix="report")
    except JsonRefused as refused:
        raise errors.UnprocessableEntity(
            [
                {
                    "field": refused.field or "report",
                    "message": refused.message,
                    "type": refused.code,
                }
            ],
            code=refused.code,
        ) from refused
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as bad:
        raise errors.UnprocessableEntity(
            f"the report is not valid JSON: {bad}", code="malformed_json"
        ) from bad
    try:
        return ReportIn.model_validate(data, context=validation_context(utcnow()))
    except ValidationError as bad:
        raise errors.UnprocessableEntity(
            _validation_problems(bad, "report"), code="validation_error"
        ) from bad


def report_from_xml(raw: bytes | str) -> ReportIn:
    try:
        return parse_ncmec_xml(raw)
    except XmlReportError as bad:
        raise errors.UnprocessableEntity(
            [{"field": bad.element_path, "message": bad.message, "type": "xml"}],
            code="malformed_xml",
        ) from bad


async def uploads_from(files: list[UploadFile | str]) -> list[Upload]:
    uploads = []
    for position, part in enumerate(files, start=1):
        if isinstance(part, str):
            raise errors.UnprocessableEntity(
                f"files part {position} is not a file", code="not_a_file"
            )
        data = await part.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise errors.PayloadTooLarge(
                f"file {position} is larger than {MAX_FILE_BYTES} bytes", code="file_too_large"
            )
        uploads.append(Upload(filename=(part.filename or "")[:255], data=data))
    return uploads


def fingerprint(report: ReportIn | None, uploads: list[Upload]) -> str:
    digest = hashlib.sha256(report.model_dump_json().encode() if report else b"")
    for upload in uploads:
        digest.update(hashlib.sha256(upload.data).digest())
    return digest.hexdigest()


async def parse_report_request(request: Request) -> ParsedReport:
    """multipart/form-data (`report` JSON or `report_xml`, and `files`), application/json, or
    NCMEC-style application/xml."""
    check_length(request, MAX_REQUEST_BYTES)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        try:
            form = await request.form(
                max_files=MAX_FILES + 1, max_fields=8, max_part_size=MAX_XML_BYTES
            )
        except Exception as bad:  # noqa: BLE001 - multipart errors of every kind are the client's
            raise errors.BadRequest(
                f"the multipart body could not be read: {bad}", code="malformed_multipart"
            ) from bad
        unknown = sorted(set(form.keys()) - {"report", "report_xml", "files"})
        if unknown:
            raise errors.UnprocessableEntity(
                f"unknown form field(s): {', '.join(unknown)}", code="unknown_field"
            )
        files = form.getlist("files")
        if len(files) > MAX_FILES:
            raise errors.UnprocessableEntity(
                f"at most {MAX_FILES} files per report", code="too_many_files"
            )
        json_part, xml_part = form.get("report"), form.get("report_xml")
        if (json_part is None) == (xml_part is None):
            raise errors.UnprocessableEntity(
                "send exactly one of the form fields report or report_xml", code="missing_report"
            )
        if isinstance(json_part, UploadFile) or isinstance(xml_part, UploadFile):
            raise errors.UnprocessableEntity(
                "report and report_xml are text fields", code="not_text"
            )
        report = (
            report_from_json(json_part)
            if json_part is not None
            else report_from_xml(xml_part or "")
        )
        uploads = await uploads_from(files)
        source = "json" if json_part is not None else "xml"
    elif content_type == "application/json":
        report, uploads, source = (
            report_from_json(await _body(request, MAX_REPORT_JSON_BYTES)),
            [],
            "json",
        )
    elif content_type in ("application/xml", "text/xml"):
        report, uploads, source = report_from_xml(await _body(request, MAX_XML_BYTES)), [], "xml"
    else:
        raise errors.UnsupportedMediaType(
            "send multipart/form-data, application/json or application/xml",
            code="unsupported_content_type",
        )
    return ParsedReport(
        report=report,
        uploads=uploads,
        source_format=source,
        fingerprint=fingerprint(report, uploads),
    )


async def _body(request: Request, limit: int) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise errors.PayloadTooLarge(
                f"the body is larger than {limit} bytes", code="request_too_large"
            )
    return body
