"""The editors' record form: its fields to RecordData and back, and its problems in words."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from eucentre.prevention.schemas import RecordData

FORM_LANGUAGES = ("en", "de", "fr")
LIST_FIELDS = ("countries", "languages", "target_groups", "levels", "settings", "concepts")
MAX_FORM_BYTES = 256 * 1024


def _ids(value: str) -> list[Any]:
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return [int(part) if part.isdigit() and len(part) < 11 else part for part in parts[:50]]


def to_values(form: FormData) -> dict[str, Any]:
    """What was typed, kept to show the form again."""
    values: dict[str, Any] = {
        key: str(form.get(key, ""))
        for key in ("type", "evidence", "evidence_note", "evaluates", "doi", "url", "authors")
    }
    values.update({key: str(form.get(key, "")) for key in ("year", "publisher", "contact")})
    for lang in (*FORM_LANGUAGES, "other"):
        values[f"title_{lang}"] = str(form.get(f"title_{lang}", ""))
        values[f"summary_{lang}"] = str(form.get(f"summary_{lang}", ""))
    values["other_language"] = str(form.get("other_language", ""))
    for key in LIST_FIELDS:
        values[key] = [str(v) for v in form.getlist(key)][:60]
    return values


def to_data(values: dict[str, Any]) -> RecordData:
    texts = []
    for lang in (*FORM_LANGUAGES, "other"):
        title, summary = values[f"title_{lang}"].strip(), values[f"summary_{lang}"].strip()
        if title or summary:
            language = values["other_language"] if lang == "other" else lang
            texts.append({"language": language, "title": title, "summary": summary})
    year = values["year"].strip()
    return RecordData.model_validate(
        {
            "type": values["type"],
            "texts": texts,
            "evidence": values["evidence"] or "not_rated",
            "evidence_note": values["evidence_note"],
            "evaluates": _ids(values["evaluates"]),
            "doi": values["doi"],
            "url": values["url"],
            "authors": [a.strip() for a in values["authors"].splitlines() if a.strip()][:100],
            "year": int(year) if year.isdigit() and len(year) <= 4 else (year or None),
            "publisher": values["publisher"],
            "contact": values["contact"],
            **{key: values[key] for key in LIST_FIELDS},
        }
    )


def from_data(data: RecordData) -> dict[str, Any]:
    values: dict[str, Any] = {
        "type": data.type.value,
        "evidence": data.evidence.value,
        "evidence_note": data.evidence_note,
        "evaluates": ", ".join(str(i) for i in data.evaluates),
        "doi": data.doi,
        "url": data.url,
        "authors": "\n".join(data.authors),
        "year": str(data.year or ""),
        "publisher": data.publisher,
        "contact": data.contact,
        "other_language": "",
    }
    for lang in (*FORM_LANGUAGES, "other"):
        values[f"title_{lang}"] = values[f"summary_{lang}"] = ""
    for text in data.texts:
        slot = text.language if text.language in FORM_LANGUAGES else "other"
        if slot == "other":
            values["other_language"] = text.language
        values[f"title_{slot}"], values[f"summary_{slot}"] = text.title, text.summary
    for key in LIST_FIELDS:
        values[key] = [getattr(v, "value", v) for v in getattr(data, key)]
    return values


def problems(error: ValidationError) -> list[dict[str, str]]:
    out = []
    for item in error.errors()[:30]:
        location = [str(part) for part in item["loc"]]
        field = location[0] if location else ""
        if field == "texts" and len(location) > 2:
            field = f"texts {int(location[1]) + 1}, {location[2]}"
        message = item["msg"].removeprefix("Value error, ")
        out.append({"field": field, "message": f"{field or 'the record'}: {message}"})
    return out
