"""Binder builds what binder/ declares: a fresh environment from it runs notebook 00.

repo2docker's pip path (binder/requirements.txt, runtime.txt, postBuild) is reproduced here
as repo2docker runs it: install the requirements, then `postBuild` from the repository root
under `set -e`. The conda path cannot run on this machine; pip's is what Binder uses.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"


def _run(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _locked_version(name: str) -> str:
    found = re.search(rf"^{re.escape(name)}==(\S+)", (ROOT / "requirements" / "lab.txt")
                      .read_text(), re.M)
    assert found, f"{name} is not in requirements/lab.txt"
    return found[1]


@pytest.mark.slow
def test_a_binder_environment_runs_notebook_00(tmp_path):
    venv = tmp_path / "binder-venv"
    _run([sys.executable, "-m", "venv", str(venv)], dict(os.environ))
    bin_dir = venv / "bin"
    # Only the new environment on PATH, and Jupyter looks nowhere but in it and tmp_path.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(venv), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "PYTHONNOUSERSITE": "1"}
    env.pop("PYTHONPATH", None)
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-r",
          "binder/requirements.txt"], env)
    _run(["bash", "binder/postBuild"], env)

    versions = json.loads(_run([str(bin_dir / "python"), "-c",
                                "import json, cognito_lab, moto, boto3; print(json.dumps("
                                "[cognito_lab.__file__, moto.__version__, boto3.__version__]))"],
                               env, cwd=tmp_path))
    assert Path(versions[0]).is_relative_to(ROOT), "postBuild did not install the checkout"
    assert versions[1:] == [_locked_version("moto"), _locked_version("boto3")]
    extensions = subprocess.run([str(bin_dir / "jupyter"), "server", "extension", "list"],
                                env=env, capture_output=True, text=True, check=False)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", extensions.stdout + extensions.stderr)  # colours
    assert re.search(r"jupyter_server_proxy\s+enabled", listing)

    executed = tmp_path / "00_executed.ipynb"
    _run([str(bin_dir / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
          str(NOTEBOOK), "--output", str(executed), "--ExecutePreprocessor.timeout=180",
          "--ExecutePreprocessor.store_widget_state=False"], env, cwd=NOTEBOOK.parent)
    cells = json.loads(executed.read_text())["cells"]
    errors = [output for cell in cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"
              and "raises-exception" not in cell.get("metadata", {}).get("tags", [])]
    assert not errors, f"notebook 00 failed in the Binder environment: {errors[0]}"
