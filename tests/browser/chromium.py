"""One Playwright and one Debian Chromium per test process, for every browser test.

Playwright's sync API allows a single running instance per thread, so two session fixtures
each starting their own (``tests/browser``'s ``browser`` and the victims' ``chromium``, which
xdist puts in the same worker through the "browser" group) would fail. Both ask this module
instead: the first caller starts Playwright and launches Chromium, later callers get the same
browser, and it is closed when the process ends.
"""

from __future__ import annotations

import atexit
import os
import shutil
from typing import Any

CHROMIUM = os.environ.get("EUCENTRE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",  # WebGL still runs, on the software renderer
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

_state: dict[str, Any] = {}


def available() -> bool:
    return shutil.which(CHROMIUM) is not None


def shared_browser() -> Any:
    """The process's Chromium (a Playwright ``Browser``), launched on first use."""
    browser = _state.get("browser")
    if browser is not None and browser.is_connected():
        return browser
    from playwright.sync_api import sync_playwright

    if "playwright" not in _state:
        _state["playwright"] = sync_playwright().start()
        atexit.register(_stop)
    browser = _state["playwright"].chromium.launch(executable_path=CHROMIUM, args=ARGS)
    _state["browser"] = browser
    return browser


def _stop() -> None:
    browser = _state.pop("browser", None)
    playwright = _state.pop("playwright", None)
    try:
        if browser is not None:
            browser.close()
    finally:
        if playwright is not None:
            playwright.stop()
