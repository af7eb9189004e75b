"""`cognito-lab doctor`: every line a verdict; a fix for what is missing; exit 1 on ❌."""

from __future__ import annotations

from pathlib import Path

import pytest

from cognito_lab.chromium import HOW_TO_INSTALL, ChromiumNotFound
from cognito_lab.cli import doctor, main


@pytest.fixture(scope="module")
def report() -> tuple[int, str]:
    import io

    out = io.StringIO()
    env = {"PATH": "/usr/bin:/bin"}          # not under JupyterHub
    return doctor.run(env=env, out=out), out.getvalue()


def test_every_check_line_carries_a_verdict(report):
    _, text = report
    lines = [line for line in text.splitlines() if line.startswith("  ") and
             not line.strip().startswith("fix:")]
    assert len(lines) > 10
    assert all(line.strip()[0] in "✅⚠❌" for line in lines), lines


def test_it_names_python_the_pinned_moto_and_the_course_packages(report):
    _, text = report
    assert "✅ Python 3." in text
    from importlib.metadata import version

    [moto] = [r for r in doctor.requirements() if r.name == "moto"]
    assert f"moto {version('moto')} (tested range {moto.specifier})" in text
    for name in ("boto3", "PyJWT", "cryptography", "jupyterlab", "ipywidgets", "nbval",
                 "playwright"):
        assert f" {name} " in text, name


def test_it_starts_a_lab_binds_loopback_and_finds_the_kernel(report):
    _, text = report
    assert "✅ a lab starts and answers in" in text
    assert "✅ listening on 127.0.0.1 works" in text
    assert "python3 kernel" in text and "imports cognito_lab" in text
    assert "not under JupyterHub/Binder" in text


def test_a_complete_installation_exits_0(report):
    code, text = report
    assert code == 0, text
    assert "Ready" in text


def test_moto_outside_the_tested_range_is_a_failure_with_a_fix():
    [moto] = [r for r in doctor.requirements() if r.name == "moto"]
    finding = doctor.check_package(moto, under_hub=False, version_of=lambda _: "5.3.1")
    assert finding.status == doctor.FAIL
    assert "outside the range >=5.2.5,<5.3" in finding.message
    assert "pip install 'moto[" in finding.fix and "<5.3" in finding.fix


def test_a_missing_runtime_package_fails_but_a_missing_test_tool_only_warns():
    by_name = {r.name: r for r in doctor.requirements()}
    missing = {"version_of": lambda _: None, "under_hub": False}
    assert doctor.check_package(by_name["boto3"], **missing).status == doctor.FAIL
    assert doctor.check_package(by_name["jupyterlab"], **missing).status == doctor.FAIL
    nbval = doctor.check_package(by_name["nbval"], **missing)
    assert nbval.status == doctor.WARN and "make test" in nbval.message


def test_jupyter_server_proxy_is_required_only_under_a_hub():
    [proxy] = [r for r in doctor.requirements() if r.name == "jupyter-server-proxy"]
    local = doctor.check_package(proxy, under_hub=False, version_of=lambda _: None)
    hub = doctor.check_package(proxy, under_hub=True, version_of=lambda _: None)
    assert (local.status, hub.status) == (doctor.WARN, doctor.FAIL)


def test_under_jupyterhub_it_says_where_the_proxy_serves_the_lab():
    env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/ada/"}
    found = doctor.check_hub(env, "4.6.0")
    assert found.status == doctor.OK and "/user/ada/proxy/<lab port>/" in found.message
    missing = doctor.check_hub({**env, "BINDER_LAUNCH_HOST": "https://mybinder.org/"}, None)
    assert missing.status == doctor.FAIL and "Binder" in missing.message
    assert "jupyter-server-proxy" in missing.fix


def test_a_missing_chromium_is_a_warning_that_says_what_to_install():
    def nothing_found():
        raise ChromiumNotFound(HOW_TO_INSTALL)

    finding = doctor.check_chromium(nothing_found)
    assert finding.status == doctor.WARN
    assert "apt-get install chromium" in finding.fix
    assert "playwright install chromium" in finding.fix


def test_a_failure_makes_the_exit_code_1(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "check_loopback",
                        lambda: doctor.Finding(doctor.FAIL, "no loopback", "fix it"))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "❌ no loopback" in out and "fix: fix it" in out and "1 problem(s)" in out


def test_requirements_come_from_the_package_metadata_as_in_pyproject():
    import tomllib

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    names = {r.name.lower() for r in doctor.requirements()}
    declared = project["project"]["dependencies"] + [
        r for extra in project["project"]["optional-dependencies"].values() for r in extra]
    assert {doctor._parse(r).name.lower() for r in declared} <= names
