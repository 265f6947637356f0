from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from eucentre.indicators.values import MAX_VPDQ_FRAMES, InvalidValue, normalise
from eucentre.matching.codec import DIHEDRAL_VARIANTS
from eucentre.media.signals import VARIANT_ALIASES
from eucentre.signals import registry

MAX_LOOKUP = 1000
# The signal types registered when the API is built (the OpenAPI document lists them).
if TYPE_CHECKING:  # the names are known only once the registry is built
    LookupSignal = str
else:
    LookupSignal = Literal[registry.names()]
# The largest lookup body: 1 000 PDQ hashes with all seven variants take about 0.7 MiB; this
# leaves room for long videos' vPDQ (an hour is 234 KiB) without decoding unbounded JSON.
MAX_LOOKUP_BODY_BYTES = 32 * 1024 * 1024


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
        signal = info.data.get("signal", "")
        with_variants = [s for s in registry if s.variants]
        if variants and signal not in {s.name for s in with_variants}:
            labels = " and ".join(s.label for s in with_variants)
            raise ValueError(f"variants are for {labels} hashes only")
        allowed = set(DIHEDRAL_VARIANTS) - {"original"}
        clean = {}
        for label, value in variants.items():
            label = VARIANT_ALIASES.get(label, label)
            if label not in allowed:
                known = ", ".join(sorted(allowed | set(VARIANT_ALIASES)))
                raise ValueError(f"unknown variant {label!r}; one of {known}")
            try:
                clean[label] = normalise(signal, value)
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
