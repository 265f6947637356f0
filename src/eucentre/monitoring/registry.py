"""The indicator registry: one versioned TOML file per framework in `frameworks/`, read once
and checked strictly (an unknown key, unit or dimension is an error at start, not a silent gap).

Pure: no database, no web. Titles and definitions carry their own translations (en, de, fr),
as statistical code lists do, so the data file is the single place to change them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"
LANGUAGES = ("en", "de", "fr")
# The code for "all values of this dimension" and for "does not apply", as SDMX writes them.
TOTAL = "_T"
NOT_APPLICABLE = "_Z"
# Frameworks reporting rounds are opened for (the Western Balkans Roadmap maps onto firearms).
ROUND_FRAMEWORKS = ("csa", "drugs", "firearms")
AGENCY = "EUCENTRE"

# The 27 Member States (ISO 3166 codes, as organisations record them) and the Western Balkans
# partners of the firearms roadmap.
# fmt: off
MEMBER_STATES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)
# fmt: on
WESTERN_BALKANS = ("AL", "BA", "ME", "MK", "RS", "XK")


@dataclass(frozen=True)
class Unit:
    """What a value of this unit may be. `additive`: parts of a total add up to at most it."""

    code: str
    integer: bool = False
    minimum: float | None = 0
    maximum: float | None = None
    additive: bool = True


UNITS = {
    unit.code: unit
    for unit in (
        Unit("number", integer=True),
        Unit("kg"),
        Unit("hours", additive=False),
        Unit("percent", maximum=100, additive=False),
        Unit("rate_per_1000", maximum=1000, additive=False),
        Unit("boolean", integer=True, maximum=1, additive=False),
    )
}
DIRECTIONS = ("up", "down", "none")


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class Text:
    """One text in every language of the pages."""

    en: str
    de: str
    fr: str

    def in_(self, language: str) -> str:
        return str(getattr(self, language, self.en) or self.en)


@dataclass(frozen=True)
class Dimension:
    code: str
    title: Text
    values: dict[str, Text]


@dataclass(frozen=True)
class Indicator:
    code: str
    framework: str
    title: Text
    definition: Text
    priority: Text
    unit: Unit
    frequency: str
    disaggregations: tuple[str, ...] = ()
    # Per dimension, the values this indicator takes (default: all of the dimension's).
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    direction: str = "none"
    target: float | None = None
    target_year: int | None = None
    baseline_year: int | None = None
    # A value this many times above or below last period's needs the sender's confirmation.
    jump_ratio: float | None = None
    source: str = "member_state"
    autofill: str | None = None
    # Codes of other frameworks that read this very figure (the Western Balkans Roadmap's).
    also: tuple[tuple[str, str], ...] = ()

    @property
    def by_platform(self) -> bool:
        return self.source == "platform"


@dataclass(frozen=True)
class Framework:
    code: str
    version: str
    title: Text
    reference: str
    frequency: str
    dimensions: dict[str, Dimension]
    indicators: dict[str, Indicator]
    # For a mapping framework: the framework whose figures it reads, and its code -> theirs.
    maps_onto: str | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    alias_titles: dict[str, Text] = field(default_factory=dict)

    @property
    def structure_id(self) -> str:
        """The SDMX dataflow this framework's data is exchanged as."""
        return f"{AGENCY}:DF_{self.code.upper()}({self.version})"

    @property
    def ref_areas(self) -> tuple[str, ...]:
        if self.code in ("firearms", "western_balkans"):
            return MEMBER_STATES + WESTERN_BALKANS
        return MEMBER_STATES


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, dict) or set(raw) != set(LANGUAGES):
        raise RegistryError(f"{where}: needs exactly {', '.join(LANGUAGES)}")
    if not all(isinstance(raw[lang], str) and raw[lang].strip() for lang in LANGUAGES):
        raise RegistryError(f"{where}: every language needs a text")
    return Text(**{lang: raw[lang].strip() for lang in LANGUAGES})


INDICATOR_KEYS = {
    "code",
    "title",
    "definition",
    "priority",
    "unit",
    "frequency",
    "disaggregations",
    "allowed",
    "direction",
    "target",
    "target_year",
    "baseline_year",
    "jump_ratio",
    "source",
    "autofill",
}
FRAMEWORK_KEYS = {
    "framework",
    "version",
    "title",
    "reference",
    "frequency",
    "dimensions",
    "indicators",
    "maps_onto",
}


def _number(raw: Any, where: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise RegistryError(f"{where}: not a number")
    return float(raw)


def _indicator(raw: dict[str, Any], framework: str, frequency: str, dims: dict[str, Dimension]):
    code = raw.get("code", "")
    where = f"{framework}.{code}"
    unknown = set(raw) - INDICATOR_KEYS
    if unknown:
        raise RegistryError(f"{where}: unknown keys {sorted(unknown)}")
    if not code or not code.replace("_", "").isalnum() or not code.isupper():
        raise RegistryError(f"{framework}: indicator code {code!r} must be upper-case A-Z0-9_")
    unit = UNITS.get(raw.get("unit", ""))
    if unit is None:
        raise RegistryError(f"{where}: unit must be one of {sorted(UNITS)}")
    disaggregations = tuple(raw.get("disaggregations", ()))
    for dim in disaggregations:
        if dim not in dims:
            raise RegistryError(f"{where}: unknown dimension {dim}")
    allowed = {}
    for dim, values in raw.get("allowed", {}).items():
        if dim not in disaggregations or not set(values) <= set(dims[dim].values):
            raise RegistryError(f"{where}: allowed values of {dim} are not the dimension's")
        allowed[dim] = tuple(values)
    direction = raw.get("direction", "none")
    if direction not in DIRECTIONS:
        raise RegistryError(f"{where}: direction must be one of {DIRECTIONS}")
    source = raw.get("source", "member_state")
    if source not in ("member_state", "platform") or (source == "platform") != bool(
        raw.get("autofill")
    ):
        raise RegistryError(f"{where}: a platform indicator names its autofill, no other does")
    return Indicator(
        code=code,
        framework=framework,
        title=_text(raw.get("title"), f"{where}.title"),
        definition=_text(raw.get("definition"), f"{where}.definition"),
        priority=_text(raw.get("priority"), f"{where}.priority"),
        unit=unit,
        frequency=raw.get("frequency", frequency),
        disaggregations=disaggregations,
        allowed=allowed,
        direction=direction,
        target=_number(raw.get("target"), f"{where}.target"),
        target_year=raw.get("target_year"),
        baseline_year=raw.get("baseline_year"),
        jump_ratio=_number(raw.get("jump_ratio"), f"{where}.jump_ratio"),
        source=source,
        autofill=raw.get("autofill"),
    )


def parse_framework(raw: dict[str, Any]) -> dict[str, Any]:
    """The parts of one framework file, checked; mapping frameworks are resolved later."""
    code = raw.get("framework", "")
    unknown = set(raw) - FRAMEWORK_KEYS
    if unknown:
        raise RegistryError(f"{code}: unknown keys {sorted(unknown)}")
    if not code or not str(raw.get("version", "")):
        raise RegistryError("a framework file needs `framework` and `version`")
    dims = {
        name: Dimension(
            code=name,
            title=_text(spec.get("title"), f"{code}.{name}.title"),
            values={
                value: _text(text, f"{code}.{name}.{value}")
                for value, text in spec.get("values", {}).items()
            },
        )
        for name, spec in raw.get("dimensions", {}).items()
    }
    return {
        "code": code,
        "version": str(raw["version"]),
        "title": _text(raw.get("title"), f"{code}.title"),
        "reference": raw.get("reference", ""),
        "frequency": raw.get("frequency", "annual"),
        "dimensions": dims,
        "maps_onto": raw.get("maps_onto"),
        "raw_indicators": raw.get("indicators", []),
    }


@dataclass(frozen=True)
class Registry:
    frameworks: dict[str, Framework]

    def framework(self, code: str) -> Framework | None:
        return self.frameworks.get(code)

    def indicator(self, framework: str, code: str) -> Indicator | None:
        """An indicator by its code, or by a mapping framework's code for it."""
        found = self.frameworks.get(framework)
        if found is None:
            return None
        if found.maps_onto:
            target = found.aliases.get(code)
            return self.frameworks[found.maps_onto].indicators.get(target or "")
        if code in found.indicators:
            return found.indicators[code]
        # A mapping framework's code for one of ours (a Western Balkans KPI for a firearms one).
        for other in self.frameworks.values():
            if other.maps_onto == framework and code in other.aliases:
                return found.indicators[other.aliases[code]]
        return None

    def stored_framework(self, framework: str) -> str:
        """The framework whose rounds hold this one's figures."""
        found = self.frameworks[framework]
        return found.maps_onto or found.code


def build(parsed: list[dict[str, Any]]) -> Registry:
    frameworks: dict[str, Framework] = {}
    mappings = [p for p in parsed if p["maps_onto"]]
    for part in (p for p in parsed if not p["maps_onto"]):
        indicators = {}
        for raw in part["raw_indicators"]:
            found = _indicator(raw, part["code"], part["frequency"], part["dimensions"])
            if found.code in indicators:
                raise RegistryError(f"{part['code']}: indicator {found.code} twice")
            indicators[found.code] = found
        frameworks[part["code"]] = _framework(part, indicators)
    for part in mappings:
        base = frameworks.get(part["maps_onto"])
        if base is None:
            raise RegistryError(f"{part['code']} maps onto unknown {part['maps_onto']}")
        aliases, titles = {}, {}
        for raw in part["raw_indicators"]:
            if set(raw) - {"code", "maps_to", "title"} or raw.get("maps_to") not in (
                base.indicators
            ):
                raise RegistryError(f"{part['code']}.{raw.get('code')}: needs a known maps_to")
            aliases[raw["code"]] = raw["maps_to"]
            titles[raw["code"]] = _text(raw.get("title"), f"{part['code']}.{raw['code']}")
        part["dimensions"] = base.dimensions
        frameworks[part["code"]] = _framework(
            part, {}, maps_onto=base.code, aliases=aliases, alias_titles=titles
        )
        for alias, target in aliases.items():
            old = base.indicators[target]
            base.indicators[target] = replace(old, also=(*old.also, (part["code"], alias)))
    return Registry(frameworks)


def _framework(part: dict[str, Any], indicators: dict[str, Indicator], **extra: Any) -> Framework:
    return Framework(
        code=part["code"],
        version=part["version"],
        title=part["title"],
        reference=part["reference"],
        frequency=part["frequency"],
        dimensions=part["dimensions"],
        indicators=indicators,
        **extra,
    )


def load(folder: Path = FRAMEWORKS_DIR) -> Registry:
    parsed = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        if raw.get("framework") != path.stem:
            raise RegistryError(f"{path.name} must declare framework = {path.stem!r}")
        parsed.append(parse_framework(raw))
    return build(parsed)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The shipped registry, read once per process."""
    return load()
