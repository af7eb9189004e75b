"""The dependency lists of pyproject.toml, environment.yml and binder/ must not drift."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Packages conda needs that are not Python dependencies of the kit.
CONDA_ONLY = {"python", "pip"}


def _name(requirement: str) -> str:
    name = re.split(r"[\[<>=!~; ]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _spec(requirement: str) -> str:
    without_extras = re.sub(r"\[.*?\]", "", requirement)
    return without_extras[len(re.split(r"[<>=!~; ]", without_extras, maxsplit=1)[0]):].strip()


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["lab"]
    return {_name(r): _spec(r) for r in requirements}


def _conda(path: Path) -> dict[str, str]:
    environment = yaml.safe_load(path.read_text())
    found: dict[str, str] = {}
    for item in environment["dependencies"]:
        if isinstance(item, dict):
            found.update({_name(r): _spec(r) for r in item["pip"] if not r.startswith("-e")})
        elif _name(item) not in CONDA_ONLY:
            found[_name(item)] = _spec(item)
    return found


def test_environment_yml_matches_pyproject():
    assert _conda(ROOT / "environment.yml") == _pyproject()


def test_binder_environment_matches_pyproject():
    assert _conda(ROOT / "binder" / "environment.yml") == _pyproject()


def test_binder_post_build_installs_the_package_and_stops_on_errors():
    script = (ROOT / "binder" / "postBuild").read_text()
    assert "set -e" in script
    assert "pip install" in script and " -e ." in script


def test_moto_is_pinned_to_a_tested_minor_range():
    assert _pyproject()["moto"] == ">=5.2.5,<5.3"
