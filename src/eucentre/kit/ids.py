"""Typed path and query ids: bounded so no value can overflow a database integer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ID = 2**31 - 1  # the largest value of an INTEGER primary key on every engine we run on

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's numeric id.")]
