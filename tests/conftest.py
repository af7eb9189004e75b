"""Shared fixtures: a lab per test module, or a fresh one per test when state matters."""

from __future__ import annotations

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
