"""Playwright driving Debian's Chromium (never a downloaded browser)."""

from collections.abc import Iterator

import pytest

from tests.browser.chromium import CHROMIUM, available, shared_browser


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not available():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (done by .ci/run)")
    # Shared with the other browser tests of this process (see tests/browser/chromium.py).
    yield shared_browser()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()
