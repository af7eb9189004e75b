"""cognito_lab/chromium.py: any Chromium a newcomer has, else Playwright's, else what to install."""

from __future__ import annotations

import pytest

from cognito_lab import chromium


@pytest.fixture
def bare_machine(monkeypatch):
    """A machine with no Chromium anywhere, and Playwright's not installed."""
    monkeypatch.delenv(chromium.ENV_VAR, raising=False)
    monkeypatch.setattr(chromium, "SYSTEM_PATHS", ())
    monkeypatch.setattr(chromium.shutil, "which", lambda name: None)
    monkeypatch.setattr(chromium, "_playwright_chromium", lambda: None)
    return monkeypatch


def test_none_found_says_what_to_install(bare_machine):
    with pytest.raises(chromium.ChromiumNotFound) as error:
        chromium.find()
    message = str(error.value)
    assert "apt-get install chromium" in message and "playwright install chromium" in message


def test_a_chromium_on_the_path_is_used(bare_machine, tmp_path):
    browser = tmp_path / "chromium-browser"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    bare_machine.setattr(chromium.shutil, "which",
                         lambda name: str(browser) if name == "chromium-browser" else None)
    found = chromium.find()
    assert found.path == browser and found.launch_options() == {"executable_path": str(browser)}


def test_playwrights_own_build_is_the_fallback(bare_machine, tmp_path):
    bare_machine.setattr(chromium, "_playwright_chromium", lambda: tmp_path / "chrome")
    found = chromium.find()
    assert found.path is None and found.source == "playwright" and found.launch_options() == {}


def test_the_environment_variable_must_name_an_executable(bare_machine, tmp_path):
    bare_machine.setenv(chromium.ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(chromium.ChromiumNotFound, match=chromium.ENV_VAR):
        chromium.find()


def test_on_ci_nothing_is_downloaded(bare_machine):
    installs = []
    bare_machine.setattr(chromium.subprocess, "run", lambda *a, **k: installs.append(a))
    with pytest.raises(chromium.ChromiumNotFound):
        chromium.ensure(on_ci=True)
    assert installs == []


def test_off_ci_playwrights_documented_install_runs(bare_machine, tmp_path):
    commands = []

    class Done:
        returncode = 0

    def run(command, check):
        commands.append(command)
        bare_machine.setattr(chromium, "_playwright_chromium", lambda: tmp_path / "chrome")
        return Done()

    bare_machine.setattr(chromium.subprocess, "run", run)
    assert chromium.ensure(on_ci=False).source == "playwright"
    assert commands and commands[0][1:] == ["-m", "playwright", "install", "chromium"]
