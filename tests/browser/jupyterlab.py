"""Run course notebooks in a real JupyterLab, driven by Chromium (a helper, not a test).

``JupyterLab`` starts ``jupyter lab`` on a free 127.0.0.1 port over a *copy* of the
notebooks with their stored outputs stripped — so everything the browser then shows was
produced by this run, and the repository's files are never touched. ``run_notebook()``
opens one notebook, waits until its kernel is really idle, runs all cells from the Run
menu, waits until every cell has run, and saves a screenshot.

Widgets need the notebook's lab still running when the test clicks them, and every course
notebook ends with ``lab.stop()``. ``run_notebook(..., keep_last=True)`` therefore runs all
cells *but the last* (Run → Run All Above Selected Cell); the test interacts, then
``run_last_cell(page)`` stops the lab. ``kernel_eval(jupyterlab, notebook, expression)``
reads a value out of the notebook's running kernel through a second client (as
``jupyter console --existing`` would), so a test can get, say, a fresh token to paste
without adding cells to the notebook.

Fixture: ``jupyterlab`` (session). The ``browser`` fixture (conftest.py) launches the
Chromium ``cognito_lab.chromium.find()`` picks (on CI, Debian's /usr/bin/chromium) with
``launch_chromium()``. Measured: the
server starts in ~5 s; a notebook then takes ~10 s (page load ~4 s, kernel start ~2.5 s,
running the cells).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import pytest
import requests

from cognito_lab.chromium import ChromiumNotFound
from cognito_lab.chromium import find as find_chromium

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
# JupyterLab settings: no news pop-up over the page, no autosave of the copy, and every
# cell kept in the page (no windowing), so what a test reads is all there.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
# The kernel's status in the status bar ("Python 3 (ipykernel) | Idle"); the toolbar's
# execution indicator reports idle too early (FIELD-NOTES).
KERNEL_STATUS = "[title^='Change kernel for']"
TRACEBACK = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def strip_outputs(folder: Path) -> None:
    """Clear every stored output and execution count in the notebooks of ``folder``."""
    for path in folder.glob("*.ipynb"):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(notebook, path)


class JupyterLab:
    """``jupyter lab`` on 127.0.0.1 over a stripped copy of the notebooks; ``stop()`` ends it."""

    def __init__(self, workdir: Path, notebooks: Path = NOTEBOOKS, timeout: float = 120) -> None:
        self.root = workdir / "notebooks"
        self.runtime = workdir / "runtime"   # kernels' connection files land here
        shutil.copytree(notebooks, self.root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        strip_outputs(self.root)
        settings = workdir / "settings"
        for name, value in SETTINGS.items():
            (settings / name).parent.mkdir(parents=True, exist_ok=True)
            (settings / name).write_text(json.dumps(value))
        env = {**os.environ,
               "JUPYTER_CONFIG_DIR": str(workdir / "config"),
               "JUPYTER_RUNTIME_DIR": str(self.runtime),
               "JUPYTERLAB_SETTINGS_DIR": str(settings),
               "JUPYTERLAB_WORKSPACES_DIR": str(workdir / "workspaces")}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                   f"--port={self.port}", "--ServerApp.port_retries=0",
                   "--IdentityProvider.token=", "--ServerApp.password=",
                   f"--ServerApp.root_dir={self.root}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self.log = (workdir / "jupyterlab.log").open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_up(timeout)

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: see {self.log.name}")
            try:
                if requests.get(f"{self.url}/api/status", timeout=2).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer within {timeout:g} s")

    def notebook_url(self, name: str) -> str:
        """``name`` alone in a fresh workspace (``?reset``): without it, the server's saved
        workspace reopens the notebooks earlier pages had open, and starts their kernels."""
        return f"{self.url}/lab/tree/{name}?reset"

    def sessions(self, name: str) -> list[dict]:
        """The server's sessions (each with its kernel) of notebook ``name``."""
        answer = requests.get(f"{self.url}/api/sessions", timeout=10)
        answer.raise_for_status()
        return [session for session in answer.json() if session["path"] == name]

    def shut_down_kernel(self, name: str) -> None:
        """End notebook ``name``'s session and kernel: a closed page leaves them running."""
        with requests.Session() as http:   # a DELETE needs the server's _xsrf cookie back
            http.get(f"{self.url}/lab", timeout=30).raise_for_status()
            xsrf = {"X-XSRFToken": http.cookies.get("_xsrf", "")}
            for session in self.sessions(name):
                http.delete(f"{self.url}/api/sessions/{session['id']}", headers=xsrf,
                            timeout=30).raise_for_status()

    def stop(self) -> None:
        """Stop the server and every kernel it started (its whole process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def wait_for_kernel_idle(page, timeout: float = 60) -> None:
    """Wait until the status bar says the notebook's kernel is ``Idle``."""
    page.wait_for_function(
        """selector => {
            const item = document.querySelector(selector);
            return item !== null && /\\|\\s*Idle\\s*$/.test(item.textContent.trim());
        }""", arg=KERNEL_STATUS, timeout=timeout * 1000)


def run_from_menu(page, item: str) -> None:
    """Run → ``item`` (the menu item's exact label), from the menu as a learner would."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def run_all_cells(page) -> None:
    """Run → Run All Cells."""
    run_from_menu(page, "Run All Cells")


def select_last_cell(page) -> None:
    """Make the notebook's last cell, a code cell, the active one (a click on its prompt)."""
    last = page.locator(f"{NOTEBOOK} .jp-Cell").last
    if "jp-CodeCell" not in (last.get_attribute("class") or "").split():
        raise ValueError("the notebook's last cell is not a code cell (its lab.stop())")
    last.locator(".jp-InputPrompt").click()
    page.wait_for_function(
        """notebook => {
            const cells = document.querySelectorAll(notebook + ' .jp-Cell');
            return cells.length > 0 && cells[cells.length - 1].classList.contains('jp-mod-active');
        }""", arg=NOTEBOOK)


def wait_until_all_cells_ran(page, timeout: float = 120, *, but_last: bool = False) -> None:
    """Wait until every code cell (``but_last``: every one but the last cell) shows an
    execution count ``[n]``, or a run stopped on an error (then no cell is queued ``[*]``
    any more and an error output is shown); then until the kernel is idle."""
    page.wait_for_function(
        """([notebook, traceback, butLast]) => {
            let cells = [...document.querySelectorAll(notebook + ' .jp-Cell')];
            if (butLast) cells = cells.slice(0, -1);
            const prompts = cells.filter(c => c.classList.contains('jp-CodeCell'))
                .map(c => c.querySelector('.jp-InputPrompt').textContent.trim());
            if (prompts.length === 0) return false;
            if (prompts.every(p => /^\\[\\d+\\]:$/.test(p))) return true;
            const queued = prompts.some(p => p.includes('*'));
            return !queued && document.querySelector(notebook + ' ' + traceback) !== null;
        }""", arg=[NOTEBOOK, TRACEBACK, but_last], timeout=timeout * 1000)
    wait_for_kernel_idle(page, timeout)


def run_last_cell(page, timeout: float = 120) -> None:
    """Run the notebook's last cell (its ``lab.stop()``) and wait until it has run."""
    select_last_cell(page)
    run_from_menu(page, "Run Selected Cell and Do not Advance")
    page.wait_for_function(
        """notebook => {
            const cells = document.querySelectorAll(notebook + ' .jp-Cell');
            const prompt = cells[cells.length - 1].querySelector('.jp-InputPrompt');
            return /^\\[\\d+\\]:$/.test(prompt.textContent.trim());
        }""", arg=NOTEBOOK, timeout=timeout * 1000)
    wait_for_kernel_idle(page, timeout)


def error_outputs(page) -> list[str]:
    """The text of every traceback shown in the notebook."""
    errors = page.locator(f"{NOTEBOOK} {TRACEBACK}")
    return [errors.nth(i).inner_text() for i in range(errors.count())]


def open_notebook(browser, lab: JupyterLab, name: str, *, timeout: float = 120):
    """Open ``name`` in a new page and wait until its kernel is idle; return the page."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(timeout * 1000)
    page.goto(lab.notebook_url(name))
    page.wait_for_selector(f"{NOTEBOOK} .jp-Cell")
    page.wait_for_function(   # the current tab is this notebook (not a restored one)
        """name => [...document.querySelectorAll(
                '.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel')]
            .some(label => label.textContent.trim() === name)""", arg=name)
    wait_for_kernel_idle(page, timeout)
    return page


def run_notebook(browser, lab: JupyterLab, name: str, *, timeout: float = 120,
                 keep_last: bool = False, prepare: Callable | None = None):
    """Open ``name`` in a new page, run all its cells, screenshot it; return the page.

    ``keep_last``: run every cell but the last one (Run → Run All Above Selected Cell),
    so the lab the notebook started is still up for its widgets; ``run_last_cell`` later.
    ``prepare(page)`` is called before any cell runs (to start watching the page, say).
    """
    page = open_notebook(browser, lab, name, timeout=timeout)
    if prepare is not None:
        prepare(page)
    if keep_last:
        select_last_cell(page)
        run_from_menu(page, "Run All Above Selected Cell")
    else:
        run_all_cells(page)
    wait_until_all_cells_ran(page, timeout, but_last=keep_last)
    screenshot(page, name)
    return page


def kernel_eval(lab: JupyterLab, name: str, expression: str, *, code: str = "",
                timeout: float = 60):
    """Run ``code`` and evaluate ``expression`` in the kernel of notebook ``name``, through
    a second client on the kernel's connection file; return the value (a Python literal).

    Nothing shows in the notebook: its outputs only take replies to its own requests.
    """
    from jupyter_client import BlockingKernelClient

    kernels = [session["kernel"]["id"] for session in lab.sessions(name)]
    if len(kernels) != 1:
        raise RuntimeError(f"expected one kernel for {name}, found {len(kernels)}")
    client = BlockingKernelClient(connection_file=str(lab.runtime / f"kernel-{kernels[0]}.json"))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=timeout)
        reply = client.execute_interactive(code, store_history=False, timeout=timeout,
                                           user_expressions={"value": expression},
                                           output_hook=lambda _message: None)
    finally:
        client.stop_channels()
    content = reply["content"]
    if content["status"] != "ok":
        raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
    value = content["user_expressions"]["value"]
    if value["status"] != "ok":
        raise RuntimeError(f"{expression}: {value.get('ename')}: {value.get('evalue')}")
    return ast.literal_eval(value["data"]["text/plain"])


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{Path(name).stem}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# -- fixtures (conftest.py imports them) ---------------------------------------------------
def launch_chromium(playwright):
    """A Chromium through Playwright. None found fails the test, saying what to install."""
    try:
        chromium = find_chromium()
    except ChromiumNotFound as error:
        pytest.fail(str(error), pytrace=False)
    return playwright.chromium.launch(headless=True, args=CHROMIUM_ARGS,
                                      **chromium.launch_options())


@pytest.fixture(scope="session")
def jupyterlab(tmp_path_factory) -> Iterator[JupyterLab]:
    """One JupyterLab for the session, over a stripped copy of the course's notebooks."""
    lab = JupyterLab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        yield lab
    finally:
        lab.stop()
