"""Resources a domain builds once per app or task queue (an index, a table) and shares across
threads, without the entry points knowing what they are."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class Resources:
    def __init__(self) -> None:
        self._built: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: str, build: Callable[[], T]) -> T:
        """The resource under `key`, built by `build` on first use (once, whatever the threads)."""
        try:
            return self._built[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with self._lock:
            if key not in self._built:
                self._built[key] = build()
            return self._built[key]  # type: ignore[no-any-return]
