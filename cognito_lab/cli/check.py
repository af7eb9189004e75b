"""``cognito-lab check``: execute every notebook fresh, the instructor's pre-flight.

Each notebook runs in a new kernel, in course order, from its own folder (so
``%run -i solutions/...`` works), exactly as a learner's *Restart & Run All* would. The
files are read, never written: stored outputs stay as they are.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .course import course_notebooks, notebooks_dir
from .errors import UsageError


@dataclass(frozen=True)
class Outcome:
    """How one notebook ran: ``cell`` is 1-based, counted over all cells as they appear."""

    notebook: str
    seconds: float
    ok: bool
    cell: int | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        if self.ok:
            return "ok"
        where = f" at cell {self.cell}" if self.cell is not None else ""
        return f"FAILED{where}: {self.error}"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def execute(path: Path, *, timeout: float = 120.0) -> Outcome:
    """Run one notebook in a fresh kernel and say how it went (never raises for the notebook)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    started = time.perf_counter()
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as unreadable:  # a broken file is a failure to report, not a crash
        return Outcome(path.name, 0.0, False, None,
                       f"cannot read the notebook: {unreadable}")
    current = {"index": None}

    def on_cell_start(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        notebook, timeout=timeout, kernel_name=notebook.metadata.get("kernelspec", {}).get(
            "name", "python3"), resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False, on_cell_start=on_cell_start)
    error: str | None = None
    # The kernel process's own stderr (start-up chatter) is kept out of the table; it is
    # quoted only when the kernel dies.
    with tempfile.TemporaryFile("w+") as kernel_stderr:
        try:
            client.execute(stderr=kernel_stderr)
        except CellExecutionError as failure:
            error = f"{failure.ename}: {_last_line(failure.evalue)}".rstrip(": ")
        except CellTimeoutError:
            error = f"timed out (a cell ran longer than {timeout:g} s)"
        except DeadKernelError:
            kernel_stderr.seek(0)
            error = f"the kernel died ({_last_line(kernel_stderr.read()) or 'no message'})"
        except Exception as failure:  # the kernel could not start, and the like
            error = f"{type(failure).__name__}: {_last_line(str(failure))}"
    seconds = time.perf_counter() - started
    if error is None:
        return Outcome(path.name, seconds, True)
    index = current["index"]
    return Outcome(path.name, seconds, False, None if index is None else index + 1, error)


def select(notebooks: list[Path], only: Sequence[str]) -> list[Path]:
    """Keep the notebooks named by number (``04``) or by file name; all when none given."""
    if not only:
        return notebooks
    chosen = [p for p in notebooks
              if any(p.name == want or p.stem == want or p.name[:2] == want for want in only)]
    unknown = [w for w in only if not any(w in (p.name, p.stem, p.name[:2]) for p in notebooks)]
    if unknown:
        raise UsageError(f"no notebook matches {', '.join(unknown)}")
    return chosen


def run(*, notebooks: str | None = None, timeout: float = 120.0,
        only: Sequence[str] = (), out=None) -> int:
    out = out or sys.stdout
    folder = notebooks_dir(notebooks)
    paths = select(course_notebooks(folder), only)
    if not paths:
        raise UsageError(f"no course notebooks (NN_name.ipynb) in {folder}")
    width = max(len("notebook"), *(len(p.name) for p in paths))
    print(f"Running {len(paths)} notebook(s) from {folder}, each in a fresh kernel.", file=out)
    print(f"{'notebook':<{width}}  {'seconds':>7}  status", file=out)
    print(f"{'-' * width}  {'-' * 7}  {'-' * 6}", file=out, flush=True)
    outcomes = []
    for path in paths:
        outcome = execute(path, timeout=timeout)
        outcomes.append(outcome)
        print(f"{outcome.notebook:<{width}}  {outcome.seconds:7.1f}  {outcome.status}",
              file=out, flush=True)
    failed = [o for o in outcomes if not o.ok]
    total = sum(o.seconds for o in outcomes)
    print(f"{len(outcomes) - len(failed)} ok, {len(failed)} failed, {total:.1f} s in all.",
          file=out, flush=True)
    return 1 if failed else 0
