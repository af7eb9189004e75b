"""The `cognito-lab` entry point: subcommands, help, and `bench` delegation."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from cognito_lab.cli import main


def test_the_console_script_is_declared_and_runs():
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "cognito-lab"]
    assert script.value == "cognito_lab.cli:main"
    answer = subprocess.run([sys.executable, "-m", "cognito_lab.cli", "--help"],
                            capture_output=True, text=True, check=False)
    assert answer.returncode == 0
    for command in ("serve", "check", "bench", "doctor", "reset"):
        assert command in answer.stdout


def test_no_command_prints_usage_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: cognito-lab" in capsys.readouterr().err


def test_bench_passes_every_argument_on_and_returns_its_exit_code(monkeypatch):
    seen = []
    fake = types.ModuleType("cognito_lab.bench")
    fake.main = lambda argv: seen.append(argv) or 3
    monkeypatch.setitem(sys.modules, "cognito_lab.bench", fake)
    monkeypatch.setattr("cognito_lab.bench", fake, raising=False)
    assert main(["bench", "--json", "--quick"]) == 3
    assert seen == [["--json", "--quick"]]


def test_bench_missing_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "cognito_lab.bench", None)
    monkeypatch.delattr("cognito_lab.bench", raising=False)
    assert main(["bench"]) == 2
    err = capsys.readouterr().err
    assert "cognito_lab.bench is not available" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["serve", "check", "doctor", "reset"])
def test_each_command_has_its_own_help(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    assert f"cognito-lab {command}" in capsys.readouterr().out


def test_the_instructor_guide_documents_exactly_these_commands():
    import re
    from pathlib import Path

    from cognito_lab.cli import parser

    guide = (Path(__file__).parents[2] / "docs" / "instructor-guide.md").read_text()
    documented = set(re.findall(r"^\| `cognito-lab (\w+)", guide, re.M))
    [commands] = [a for a in parser()._actions if a.dest == "command"]
    assert documented == set(commands.choices)
