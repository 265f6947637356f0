from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucentre.indicators.values import MAX_VPDQ_FRAMES, InvalidValue, normalise
from eucentre.matching.codec import DIHEDRAL_VARIANTS

MAX_LOOKUP = 1000
# The largest lookup body: 1 000 PDQ hashes with all seven variants take about 0.7 MiB; this
# leaves room for long videos' vPDQ (an hour is 234 KiB) without decoding unbounded JSON.
MAX_LOOKUP_BODY_BYTES = 32 * 1024 * 1024
# `eucentre hash` names the dihedral hashes after the transform (rotate90, flip_left_right...);
# the matching engine uses short labels. Both are accepted.
VARIANT_ALIASES = {
    "rotate90": "rot90",
    "rotate180": "rot180",
    "rotate270": "rot270",
    "flip_left_right": "flip_h",
    "flip_top_bottom": "flip_v",
}
LookupSignal = Literal["pdq", "md5", "sha256", "url", "vpdq"]


class HashIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signal: LookupSignal
    value: str = Field(
        max_length=65 * MAX_VPDQ_FRAMES,
        description="Hex hash; a URL; for vpdq, the frames' PDQ hashes joined by commas.",
    )
    variants: dict[str, str] = Field(
        default_factory=dict,
        description="PDQ only: the hashes of rotated or mirrored versions of the same image, "
        "keyed rot90, rot180, rot270, flip_h, flip_v, transpose, transverse.",
    )

    @field_validator("value")
    @classmethod
    def _canonical(cls, value: str, info):  # type: ignore[no-untyped-def]
        try:
            return normalise(info.data.get("signal", ""), value)
        except InvalidValue as bad:
            raise ValueError(str(bad)) from bad

    @field_validator("variants")
    @classmethod
    def _variants(cls, variants: dict[str, str], info):  # type: ignore[no-untyped-def]
        if variants and info.data.get("signal") != "pdq":
            raise ValueError("variants are for PDQ hashes only")
        allowed = set(DIHEDRAL_VARIANTS) - {"original"}
        clean = {}
        for label, value in variants.items():
            label = VARIANT_ALIASES.get(label, label)
            if label not in allowed:
                known = ", ".join(sorted(allowed | set(VARIANT_ALIASES)))
                raise ValueError(f"unknown variant {label!r}; one of {known}")
            try:
                clean[label] = normalise("pdq", value)
            except InvalidValue as bad:
                raise ValueError(f"{label}: {bad}") from bad
        return clean


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hashes: list[HashIn] = Field(min_length=1, max_length=MAX_LOOKUP)
    max_distance: int = Field(31, ge=0, le=64, description="PDQ Hamming distance, inclusive.")


class MatchOut(BaseModel):
    indicator_id: int
    distance: int
    variant: str
    lists: list[str]
    labels: list[str]


class LookupResult(BaseModel):
    signal: str
    value: str
    matches: list[MatchOut]


class LookupOut(BaseModel):
    results: list[LookupResult]


class ChangeOut(BaseModel):
    op: Literal["add", "remove"]
    signal: str
    value: str
    id: int
    seq: int
    at: str


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    cursor: int
