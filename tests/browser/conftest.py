"""Fixtures of the browser tests: Debian's Chromium through Playwright, and a JupyterLab.

- ``browser`` (session): the Chromium ``cognito_lab.chromium`` finds (a system one, else
  Playwright's), launched by ``jupyterlab.launch_chromium``. If there is none the tests FAIL
  with what to install (CI installs Debian's with apt-get); they never skip.
- ``jupyterlab`` (session): a JupyterLab over a stripped copy of the notebooks (see
  jupyterlab.py).
- ``page``: a fresh browser context (its own cookies) and page for one test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .jupyterlab import jupyterlab, launch_chromium  # noqa: F401  (jupyterlab is a fixture)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
