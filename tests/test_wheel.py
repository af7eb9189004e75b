"""The package from its wheel: built, installed into a fresh venv with no checkout in sight,
it starts a lab, runs the hosted UI's code + PKCE flow, verifies the token, and hands a
learner the course with `cognito-lab course`.

The fresh venv gets the lab lock (hashed, as `make lab` installs it), then the wheel with
``--no-deps``: what `pip install "cognito-lab[lab]"` gives a learner, at the tested versions.
Everything runs from a temporary folder, so nothing of the checkout can be imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow    # builds the sdist and the wheel, and a fresh venv

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted(p.name for p in (ROOT / "notebooks" / "solutions").glob("*.py"))
# What the code loads at run time besides Python modules: every other file in the package
# (the CloudFormation template, the hosted UI's pages) must ride in the wheel.
DATA = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "cognito_lab").rglob("*")
              if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)

FLOW = textwrap.dedent("""
    import json
    import cognito_lab
    from cognito_lab import Lab
    from cognito_lab.api import CognitoJwtVerifier
    from cognito_lab.client.oauth import Browser, CognitoOAuth

    with Lab.start() as lab:
        web, alice = lab.app_clients["web"], lab.users["alice"]
        oauth = CognitoOAuth(lab.domain_url, web.client_id, redirect_uri=web.callback_urls[0])
        request = oauth.begin("openid email")                      # state, PKCE, the URL
        signed_in = Browser().sign_in(request.url, alice.username, alice.password)
        code = request.check_callback(signed_in.callback_url)
        tokens = oauth.exchange_code(code, code_verifier=request.code_verifier)
        verifier = CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use="access",
                                      client_id=web.client_id, jwks_url=lab.jwks_url)
        claims = verifier.verify(tokens.access_token)
        print(json.dumps({"package": cognito_lab.__file__, "claims": claims,
                          "issuer": lab.issuer}))
""")


def _run(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n" \
                                 f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=ROOT)
    return out


def test_the_wheel_carries_what_the_lab_loads_and_the_course(dist):
    [wheel] = dist.glob("cognito_lab-*.whl")
    [sdist] = dist.glob("cognito_lab-*.tar.gz")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cognito_lab/template/default.yaml" in DATA
    assert set(DATA) <= names, f"not in the wheel (pyproject's package-data): {set(DATA) - names}"
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "cognito_lab").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules <= names, f"modules not in the wheel: {sorted(modules - names)}"
    shipped = "cognito_lab/course_notebooks/"
    assert {n.removeprefix(shipped) for n in names if n.startswith(shipped)} == {
        *NOTEBOOKS, *(f"solutions/{name}" for name in SOLUTIONS)}
    assert not any("sanitize.cfg" in n or "__pycache__" in n for n in names)
    print(f"wheel {wheel.name}: {wheel.stat().st_size / 1024:.0f} KiB, {len(names)} files; "
          f"sdist {sdist.stat().st_size / 1024:.0f} KiB")


def test_the_installed_wheel_runs_the_pkce_flow_and_hands_out_the_course(dist, tmp_path):
    [wheel] = dist.glob("cognito_lab-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    bin_dir = venv / "bin"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(venv), "PYTHONNOUSERSITE": "1", "PYTHONSAFEPATH": "1"}
    env.pop("PYTHONPATH", None)
    python = str(bin_dir / "python")
    _run([python, "-m", "pip", "install", "--quiet", "--require-hashes", "-r",
          str(ROOT / "requirements" / "lab.txt")], cwd=tmp_path, env=env)
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
         cwd=tmp_path, env=env)

    result = json.loads(_run([python, "-c", FLOW], cwd=tmp_path, env=env).splitlines()[-1])
    assert Path(result["package"]).is_relative_to(venv), "imported the checkout, not the wheel"
    assert result["claims"]["token_use"] == "access"
    assert result["claims"]["iss"] == result["issuer"]
    assert "openid" in result["claims"]["scope"].split()

    course = tmp_path / "my-course"
    out = _run([str(bin_dir / "cognito-lab"), "course", str(course)], cwd=tmp_path, env=env)
    assert sorted(p.name for p in course.glob("*.ipynb")) == NOTEBOOKS
    assert sorted(p.name for p in (course / "solutions").glob("*.py")) == SOLUTIONS
    assert f"jupyter lab {course}" in out
    again = _run([str(bin_dir / "cognito-lab"), "course", str(course)], cwd=tmp_path, env=env)
    assert "already up to date" in again
