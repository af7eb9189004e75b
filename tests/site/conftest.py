"""The course website, built once per session (``built_site``) as `make site` builds it.

The build runs on a copy of what the site is made of (myst.yml, site/, notebooks/, docs/) in
a temporary folder, so a test never writes into the checkout. Where the machine allows it
(Linux, ``unshare``), the build runs in a network namespace of its own with nothing but
loopback: proof that it downloads nothing (the MyST engine's usual themes are fetched from
the internet; site/theme/ is not). No Node.js is a failure, not a skip.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE_SOURCES = ("site", "notebooks", "docs", "deploy")  # what myst.yml and the pages use
NODE_HINT = "install Node.js 20+ and npm, e.g. `apt-get install nodejs npm`"


@dataclass(frozen=True)
class BuiltSite:
    html: Path          # the static site: index.html and one NAME.html per page
    log: str            # what the build printed
    seconds: float
    offline: bool       # built in a network namespace with no network at all


def _node_modules() -> Path:
    """site/node_modules, installed with `npm ci` from the lock when missing or stale."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail(f"the course website needs Node.js and npm: {NODE_HINT}", pytrace=False)
    modules = ROOT / "site" / "node_modules"
    stamp = modules / ".package-lock.json"
    lock = ROOT / "site" / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                       cwd=ROOT / "site", check=True, capture_output=True, timeout=600)
    return modules


def _no_network_prefix() -> list[str]:
    """``unshare`` into a fresh network namespace (loopback only), if this machine can."""
    unshare = shutil.which("unshare")
    if not sys.platform.startswith("linux") or not unshare:
        return []
    probe = subprocess.run([unshare, "-rn", "sh", "-c", "ip link set lo up"],
                           capture_output=True, check=False)
    return [unshare, "-rn"] if probe.returncode == 0 else []


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    modules = _node_modules()
    work = tmp_path_factory.mktemp("course-site")
    shutil.copy2(ROOT / "myst.yml", work / "myst.yml")
    for name in SITE_SOURCES:
        shutil.copytree(ROOT / name, work / name,
                        ignore=shutil.ignore_patterns("node_modules", ".ipynb_checkpoints"))
    (work / "site" / "node_modules").symlink_to(modules, target_is_directory=True)
    prefix = _no_network_prefix()
    build = [sys.executable, "-m", "jupyter_book", "build", "--html", "--ci"]
    command = [*prefix, "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *build] \
        if prefix else build
    started = time.monotonic()
    result = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=600,
                            check=False)
    seconds = time.monotonic() - started
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"the site did not build ({result.returncode}):\n{log[-6000:]}",
                    pytrace=False)
    return BuiltSite(html=work / "_build" / "html", log=log, seconds=seconds,
                     offline=bool(prefix))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site) -> Iterator[str]:
    """The built site over loopback: a tiny http.server on 127.0.0.1, a free port."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
