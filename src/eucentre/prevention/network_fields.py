"""The directory entry's fields, who may see each (its owner chooses, field by field), and
what the directory shows a viewer: nothing above the viewer's level, ever."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from eucentre.platform.manifest import N_
from eucentre.prevention.vocabulary import COUNTRIES, LANGUAGES, TARGET_LABELS


class Visibility(StrEnum):
    public = "public"  # anyone, on the pages and the API
    network = "network"  # signed-in network members (and the editors)
    hidden = "hidden"  # its owner only (and the editors who approve the application)


RANK = {Visibility.public: 0, Visibility.network: 1, Visibility.hidden: 2}
VISIBILITY_LABELS = {
    Visibility.public: N_("Public: anyone"),
    Visibility.network: N_("Network members only"),
    Visibility.hidden: N_("Hidden: only me and the Centre's editors"),
}
EXPERTISE = {
    "research": N_("Research and evaluation"),
    "therapy": N_("Therapy and treatment"),
    "helpline": N_("Helplines and counselling"),
    "education": N_("Education and training"),
    "child_protection": N_("Child protection"),
    "victim_support": N_("Support for victims and survivors"),
    "online_safety": N_("Online safety"),
    "justice": N_("Justice, probation and policing"),
    "campaigns": N_("Campaigns and awareness"),
    "policy": N_("Policy"),
}
FIELDS = {
    "name": N_("Name"),
    "organisation": N_("Organisation"),
    "position": N_("Position"),
    "country": N_("Country"),
    "languages": N_("Languages you work in"),
    "expertise": N_("Expertise"),
    "target_groups": N_("Who you work with"),
    "bio": N_("About your work"),
    "website": N_("Website"),
    "email": N_("E-mail address"),
    "phone": N_("Telephone"),
}
TEXT_FIELDS = ("name", "organisation", "position", "bio", "website", "email", "phone")
LIST_FIELDS = ("languages", "expertise", "target_groups")
# What each field is, unless its owner chooses otherwise: addresses are never public unchosen.
DEFAULT_VISIBILITY = {
    "name": Visibility.public,
    "organisation": Visibility.public,
    "position": Visibility.public,
    "country": Visibility.public,
    "languages": Visibility.public,
    "expertise": Visibility.public,
    "target_groups": Visibility.public,
    "bio": Visibility.public,
    "website": Visibility.public,
    "email": Visibility.hidden,
    "phone": Visibility.hidden,
}
LIMITS = {"name": 200, "organisation": 300, "position": 200, "bio": 3000, "website": 500}
LIMITS |= {"email": 320, "phone": 40}
EMAIL = re.compile(r"[^@\s<>\"]{1,200}@[^@\s<>\"]{1,200}\.[^@\s<>\"]{2,60}")
PHONE = re.compile(r"\+?[0-9 ()./-]{5,40}")


class Problems(ValueError):
    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__("; ".join(p["message"] for p in problems))
        self.problems = problems


def clean(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the entry's fields, their visibility) from a form, or Problems naming each field."""
    problems: list[dict[str, str]] = []
    fields: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = str(values.get(name, "")).strip()
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in value) or (
            name != "bio" and "\n" in value
        ):
            problems.append({"field": name, "message": N_("must not contain control characters")})
        if len(value) > LIMITS[name]:
            problems.append({"field": name, "message": N_("is too long")})
        fields[name] = value
    if not fields["name"]:
        problems.append({"field": "name", "message": N_("please fill this in")})
    if not EMAIL.fullmatch(fields["email"]):
        problems.append({"field": "email", "message": N_("is not an e-mail address")})
    if fields["phone"] and not PHONE.fullmatch(fields["phone"]):
        problems.append({"field": "phone", "message": N_("is not a telephone number")})
    if fields["website"] and not re.fullmatch(r"https?://\S{3,490}", fields["website"]):
        problems.append({"field": "website", "message": N_("must start with https://")})
    country = str(values.get("country", "")).upper()
    if country not in COUNTRIES:
        problems.append({"field": "country", "message": N_("choose a country from the list")})
    fields["country"] = country
    known: dict[str, Mapping[Any, str]] = {
        "languages": LANGUAGES,
        "expertise": EXPERTISE,
        "target_groups": TARGET_LABELS,
    }
    for name in LIST_FIELDS:
        given = values.get(name, [])
        chosen = [str(v) for v in ([given] if isinstance(given, str) else given)][:40]
        if any(v not in known[name] for v in chosen):
            problems.append({"field": name, "message": N_("choose from the list")})
        fields[name] = sorted(set(chosen) & set(known[name]))
    visibility: dict[str, str] = {}
    for name in FIELDS:
        level = str(values.get(f"visibility_{name}", DEFAULT_VISIBILITY[name]))
        if level not in {v.value for v in Visibility}:
            problems.append({"field": f"visibility_{name}", "message": N_("choose who may see it")})
            level = Visibility.hidden.value
        visibility[name] = level
    if problems:
        raise Problems(problems)
    return fields, visibility


def shown(
    fields: Mapping[str, Any], visibility: Mapping[str, str], level: Visibility
) -> dict[str, Any]:
    """The fields a viewer at `level` may see (others are absent, not blank)."""
    return {
        name: fields[name]
        for name in FIELDS
        if name in fields
        and RANK[Visibility(visibility.get(name, Visibility.hidden))] <= RANK[level]
        and fields[name] not in ("", [], None)
    }
