"""What the monitoring API takes and gives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from eucentre.kit.inputs import LineText

MAX_DIMENSIONS = 10


class ObservationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator: LineText = Field(max_length=60)
    ref_area: LineText = Field(max_length=8)
    time_period: LineText = Field(max_length=12)
    value: Any = Field(description="A JSON number.")
    status: LineText | None = Field(default=None, max_length=2, description="A, B, E or P.")
    dimensions: dict[LineText, LineText] | None = Field(
        default=None,
        max_length=MAX_DIMENSIONS,
        description='Breakdowns, e.g. {"SEX": "F"}; a dimension left out is the total.',
    )
    vintage: int | None = Field(
        default=None, description="As the export writes it; ignored when submitting."
    )


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    round: int | LineText = Field(description='The round: its id, or e.g. "drugs-2024".')
    observations: list[ObservationIn] = Field(max_length=200_000)


class ObservationOut(BaseModel):
    indicator: str
    ref_area: str
    time_period: str
    value: float
    status: str
    dimensions: dict[str, str]
    vintage: int | None = None


class SubmissionOut(BaseModel):
    id: int
    round: str
    round_id: int
    ref_area: str
    vintage: int
    status: str
    channel: str
    submitted_at: datetime
    observations: int
    warnings: list[dict[str, Any]]


class SubmissionDetail(SubmissionOut):
    values: list[ObservationOut]
    decided_at: datetime | None
    decision_note: str


class SubmissionsOut(BaseModel):
    submissions: list[SubmissionOut]


class RoundOut(BaseModel):
    id: int
    round: str
    framework: str
    period: str
    deadline: date | None
    status: str


class RoundsOut(BaseModel):
    rounds: list[RoundOut]


class IndicatorOut(BaseModel):
    code: str
    framework: str
    title: str
    definition: str
    priority: str
    unit: str
    frequency: str
    disaggregations: list[str]
    direction: str
    target: float | None
    target_year: int | None
    baseline_year: int | None
    jump_ratio: float | None
    source: str
    also: list[str]


class FrameworkOut(BaseModel):
    code: str
    version: str
    title: str
    structure_id: str
    reference: str
    maps_onto: str | None
    indicators: list[IndicatorOut]
    aliases: dict[str, str]


class RegistryOut(BaseModel):
    frameworks: list[FrameworkOut]


class DataOut(BaseModel):
    framework: str
    structure_id: str
    vintage: int | None
    observations: list[ObservationOut]
