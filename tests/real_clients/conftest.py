"""Real client libraries, run as they are published: a small node project in this folder.

Two ways to run its scripts: ``run_json`` (one JSON document in, one out: the
aws-jwt-verify judge) and ``steps`` (a drive_*.mjs script that keeps a library's state
while the test sends it one step at a time and reads mailed codes, TOTP codes or the
browser's callback in between; protocol in steps.mjs).

``package.json`` pins each npm package to one exact version and ``package-lock.json`` is
committed, so every machine runs the same code. The session fixture installs it with
``npm ci`` when ``node_modules`` is missing or older than the lock file; that install is
the only network access these tests make. No Node.js is a failure, not a skip: a
differential that silently does not run would prove nothing.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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

    @contextmanager
    def steps(self, script: str, timeout: float = 60, **scenario: Any) -> Iterator[NodeSteps]:
        """Run ``script`` (a drive_*.mjs) and start its scenario; stop it afterwards."""
        driver = NodeSteps(self.node, self.root, script, timeout)
        try:
            driver.started = driver.ok("start", **scenario)
            yield driver
        finally:
            driver.close()


class NodeSteps:
    """One running drive_*.mjs script, spoken to in steps (protocol: steps.mjs).

    ``step(op, **args)`` sends one JSON line and waits (at most ``timeout`` seconds) for the
    script's one-line answer: ``{"ok": true, "result": ...}`` or ``{"ok": false, "error":
    {"name", "code", ...}}``. ``ok()`` returns the result and fails the test on a refusal;
    ``refused()`` returns the error and fails the test when the library succeeded.
    """

    def __init__(self, node: str, root: Path, script: str, timeout: float) -> None:
        self.script = script
        self.timeout = timeout
        self.started: dict[str, Any] = {}
        self._process = subprocess.Popen([node, str(root / script)], cwd=root, text=True,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, bufsize=1)
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        threading.Thread(target=self._read_answers, daemon=True).start()
        threading.Thread(target=lambda: self._stderr.extend(self._process.stderr),
                         daemon=True).start()

    def _read_answers(self) -> None:
        for line in self._process.stdout:
            self._answers.put(line)
        self._answers.put(None)         # the script ended

    def _fail(self, why: str) -> None:
        pytest.fail(f"node {self.script}: {why}\n{''.join(self._stderr)[-4000:]}", pytrace=False)

    def step(self, op: str, **args: Any) -> dict[str, Any]:
        try:
            self._process.stdin.write(json.dumps({"op": op, **args}) + "\n")
            self._process.stdin.flush()
        except (BrokenPipeError, ValueError):
            self._fail(f"exited before step {op!r} (code {self._process.poll()})")
        try:
            line = self._answers.get(timeout=self.timeout)
        except queue.Empty:
            self._fail(f"step {op!r} gave no answer within {self.timeout} s")
        if line is None:
            self._fail(f"exited during step {op!r} (code {self._process.wait(10)})")
        return json.loads(line)

    def ok(self, op: str, **args: Any) -> Any:
        answer = self.step(op, **args)
        if not answer["ok"]:
            pytest.fail(f"{self.script} step {op!r} was refused: {answer['error']}",
                        pytrace=False)
        return answer["result"]

    def refused(self, op: str, **args: Any) -> dict[str, Any]:
        answer = self.step(op, **args)
        if answer["ok"]:
            pytest.fail(f"{self.script} step {op!r} succeeded: {answer['result']}",
                        pytrace=False)
        return answer["error"]

    def close(self) -> None:
        if self._process.stdin and not self._process.stdin.closed:
            try:
                self._process.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)


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
