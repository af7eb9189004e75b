"""One set of versions everywhere: pyproject.toml's ranges, the lock, environment.yml, binder/.

pyproject.toml keeps ranges (the package stays installable elsewhere); requirements/ holds
the lock `make lock` resolves from them, which make, CI and Binder install.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LAB_LOCK = ROOT / "requirements" / "lab.txt"
TEST_LOCK = ROOT / "requirements" / "test.txt"
# Packages conda needs that are not Python dependencies of the kit.
CONDA_ONLY = {"python", "pip"}
ROOT_MARK = "cognito-lab (pyproject.toml)"


def _name(requirement: str) -> str:
    return canonicalize_name(re.split(r"[\[<>=!~; ]", requirement.strip(), maxsplit=1)[0])


def _spec(requirement: str) -> str:
    without_extras = re.sub(r"\[.*?\]", "", requirement)
    return without_extras[len(re.split(r"[<>=!~; ]", without_extras, maxsplit=1)[0]):].strip()


def _declared_lines(*extras: str) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return lines


def _declared(*extras: str) -> dict[str, Requirement]:
    return {_name(line): Requirement(line) for line in _declared_lines(*extras)}


def _pyproject() -> dict[str, str]:
    """Runtime and lab requirements as written: name -> specifier."""
    return {_name(line): _spec(line) for line in _declared_lines("lab")}


def _conda(path: Path) -> dict[str, str]:
    environment = yaml.safe_load(path.read_text())
    found: dict[str, str] = {}
    for item in environment["dependencies"]:
        if isinstance(item, dict):
            found.update({_name(r): _spec(r) for r in item["pip"] if not r.startswith("-e")})
        elif _name(item) not in CONDA_ONLY:
            found[_name(item)] = _spec(item)
    return found


def _locked(path: Path) -> dict[str, dict]:
    """name -> {"versions": set, "via": set, "hashes": int} from a `uv pip compile` lock."""
    entries: dict[str, dict] = {}
    current = None
    for line in path.read_text().splitlines():
        pinned = re.match(r"^([A-Za-z0-9][\w.\-]*)==([^\s;\\]+)", line)
        if pinned:
            current = entries.setdefault(canonicalize_name(pinned[1]),
                                         {"versions": set(), "via": set(), "hashes": 0})
            current["versions"].add(pinned[2])
        elif current is not None and "--hash=sha256:" in line:
            current["hashes"] += 1
        elif current is not None and re.match(r"^\s+#\s+(via\s+)?\S", line):
            text = re.sub(r"^\s+#\s+(via\s*)?", "", line).strip()
            if text and text != "via":
                current["via"].add(text)
    return entries


def test_environment_yml_matches_pyproject():
    assert _conda(ROOT / "environment.yml") == _pyproject()


@pytest.mark.parametrize(("lock", "extras"), [(LAB_LOCK, ("lab",)),
                                              (TEST_LOCK, ("lab", "test"))],
                         ids=["lab", "test"])
def test_the_lock_pins_every_declared_dependency_within_its_range(lock, extras):
    locked = _locked(lock)
    for name, requirement in _declared(*extras).items():
        assert name in locked, f"{name} is in pyproject.toml but not in {lock.name}: make lock"
        for version in locked[name]["versions"]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock.name} pins {name}=={version}, outside {requirement.specifier}")


@pytest.mark.parametrize(("lock", "extras"), [(LAB_LOCK, ("lab",)),
                                              (TEST_LOCK, ("lab", "test"))],
                         ids=["lab", "test"])
def test_the_lock_holds_nothing_stale(lock, extras):
    """Every locked package is declared, or needed by a locked package: no leftovers."""
    locked = _locked(lock)
    direct = {name for name, entry in locked.items() if ROOT_MARK in entry["via"]}
    assert direct == set(_declared(*extras)), "pyproject.toml changed: run make lock"
    for name, entry in locked.items():
        assert entry["via"], f"{name} in {lock.name} says nothing of why it is there"
        reasons = {canonicalize_name(reason) for reason in entry["via"] - {ROOT_MARK}}
        assert ROOT_MARK in entry["via"] or reasons & set(locked), (
            f"{name} in {lock.name} is needed by nothing locked: make lock")


def test_every_locked_package_is_hashed():
    for lock in (LAB_LOCK, TEST_LOCK):
        for name, entry in _locked(lock).items():
            assert entry["hashes"] >= len(entry["versions"]), f"{name} in {lock.name} has no hash"


def test_the_lab_lock_is_the_test_lock_less_the_test_tools():
    """What a learner gets (make lab, Binder) is exactly what CI tested."""
    lab, test = _locked(LAB_LOCK), _locked(TEST_LOCK)
    assert set(lab) <= set(test)
    for name, entry in lab.items():
        assert entry["versions"] == test[name]["versions"], f"{name} differs between the locks"


def test_make_and_ci_install_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r $(LAB_LOCK)" in makefile
    assert "--require-hashes -r $(TEST_LOCK)" in makefile
    assert "--no-deps -e ." in makefile
    assert re.search(r"^LAB_LOCK\s*:=\s*requirements/lab.txt$", makefile, re.M)
    assert re.search(r"^TEST_LOCK\s*:=\s*requirements/test.txt$", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_binder_installs_the_lab_lock_with_pip():
    """repo2docker prefers environment.yml to requirements.txt: binder/ must have none."""
    binder = ROOT / "binder"
    assert not (binder / "environment.yml").exists()
    lines = [line.strip() for line in (binder / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == ["-r ../requirements/lab.txt"]
    runtime = (binder / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.(\d+)", runtime)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Requirement(f"python{requires}").specifier.contains(runtime.removeprefix("python-")
                                                                + ".0")


def test_binder_post_build_installs_the_package_and_stops_on_errors():
    script = (ROOT / "binder" / "postBuild").read_text()
    assert "set -e" in script
    assert "pip install --no-deps -e ." in script


def test_moto_is_pinned_to_a_tested_minor_range():
    assert _pyproject()["moto"] == ">=5.2.5,<5.3"
