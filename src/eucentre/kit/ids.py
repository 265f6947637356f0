"""Typed path and query ids: bounded so no value can overflow a database integer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ID = 2**53  # beyond any id we will issue, inside every engine's BIGINT and JSON's safe range

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's numeric id.")]
