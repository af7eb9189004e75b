"""Shared fixtures: a lab per test module, or a fresh one per test when state matters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cognito_lab import Lab


@pytest.fixture(scope="module")
def lab():
    """A lab shared by one test module (tests must not leave it changed for the others)."""
    with Lab.start() as started:
        yield started


@pytest.fixture
def fresh_lab():
    """A lab of one's own, for tests that disable users, rotate keys, move the clock..."""
    with Lab.start() as started:
        yield started


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the whole session (Playwright's sync API allows one at a time)."""
    from playwright.sync_api import sync_playwright

    from .browser.jupyterlab import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh browser context (its own cookies) and page for one test."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
