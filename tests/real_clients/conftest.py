"""Real client libraries, run as they are published: a small node project in this folder.

``package.json`` pins each npm package to one exact version and ``package-lock.json`` is
committed, so every machine runs the same code. The session fixture installs it with
``npm ci`` when ``node_modules`` is missing or older than the lock file; that install is
the only network access these tests make. No Node.js is a failure, not a skip: a
differential that silently does not run would prove nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
INSTALL_HINT = "install Node.js 20+ and npm, e.g. `apt-get install nodejs npm`"
MIN_NODE_MAJOR = 20


@dataclass(frozen=True)
class NodeProject:
    """The installed node project: run one of its scripts with JSON in and JSON out."""

    node: str
    root: Path

    def run_json(self, script: str, payload: Any, timeout: float = 120) -> Any:
        result = subprocess.run([self.node, str(self.root / script)], cwd=self.root,
                                input=json.dumps(payload), capture_output=True, text=True,
                                timeout=timeout, check=False)
        if result.returncode != 0:
            pytest.fail(f"node {script} failed ({result.returncode}):\n{result.stderr[-4000:]}",
                        pytrace=False)
        return json.loads(result.stdout)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` not found: the real-client tests need it; {INSTALL_HINT}",
                    pytrace=False)
    return path


def _needs_install(root: Path) -> bool:
    modules, lock = root / "node_modules", root / "package-lock.json"
    return not modules.is_dir() or modules.stat().st_mtime < lock.stat().st_mtime


@pytest.fixture(scope="session")
def node_project() -> NodeProject:
    node, npm = _tool("node"), _tool("npm")
    version = subprocess.run([node, "--version"], capture_output=True, text=True,
                             timeout=30, check=False).stdout.strip()
    try:
        major = int(version.lstrip("v").split(".")[0])
    except ValueError:
        major = 0
    if major < MIN_NODE_MAJOR:
        pytest.fail(f"node {version or '(unknown version)'} is too old: {INSTALL_HINT}",
                    pytrace=False)
    if _needs_install(HERE):
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE,
                                capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            pytest.fail(f"`npm ci` in {HERE} failed ({result.returncode}):\n"
                        f"{(result.stdout + result.stderr)[-4000:]}", pytrace=False)
    return NodeProject(node=node, root=HERE)
