"""``cognito-lab reset``: put the course back in its clean state for the next group.

In a git checkout: notebooks (and solutions) a learner changed are restored as committed,
with their stored outputs, and every file git does not know in the notebooks folder is
removed — except new course files (``NN_*.ipynb``, ``solutions/NN_*.py``), which may be an
instructor's work in progress, and files git ignores that are not Jupyter's litter: those
are only listed. Outside git, only what Jupyter itself
leaves behind goes (checkpoints, caches, ``Untitled*``). Nothing outside the notebooks
folder is ever touched, and nothing at all without ``--yes``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .course import course_notebooks, notebooks_dir
from .errors import UsageError

#: What Jupyter and Python leave behind, safe to remove even without git to ask.
LITTER_DIRS = {".ipynb_checkpoints", "__pycache__"}
LITTER_NAME = re.compile(r"^(Untitled|untitled)\d*( Folder \d*| Folder)?(\.\w+)?$")
#: Tracked files a learner may have changed, restored as committed.
LEARNER_EDITABLE = re.compile(r"^([^/]+/)*[^/]+\.ipynb$|^solutions/[^/]+\.py$")
#: Course files: an untracked one is probably new work, never deleted.
COURSE_FILE = re.compile(r"^(\d\d_[\w.-]+\.ipynb|solutions/\d\d_[\w.-]+\.py)$")


@dataclass
class Plan:
    folder: Path
    in_git: bool
    restore: list[str] = field(default_factory=list)   # relative to folder
    remove: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.restore or self.remove)


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    # git from PATH, with fixed arguments: the folder is the only variable.
    return subprocess.run(["git", "-C", str(folder), *args],  # noqa: S603, S607
                          capture_output=True, text=True, check=False)


def _in_git(folder: Path) -> bool:
    try:
        answer = _git(folder, "rev-parse", "--is-inside-work-tree")
    except OSError:          # git is not installed
        return False
    return answer.returncode == 0 and answer.stdout.strip() == "true"


def _zsplit(text: str) -> list[str]:
    return sorted({item for item in text.split("\0") if item})


def _litter(folder: Path) -> list[str]:
    """Checkpoints, caches and ``Untitled*`` files and folders, anywhere under ``folder``."""
    found = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        for name in list(dirs):
            if name in LITTER_DIRS or LITTER_NAME.match(name):
                found.append((here / name).relative_to(folder).as_posix() + "/")
                dirs.remove(name)   # removed as a whole: no need to look inside
        found += [(here / n).relative_to(folder).as_posix() for n in files
                  if LITTER_NAME.match(n)]
    return sorted(found)


def _is_litter(relative: str) -> bool:
    parts = relative.rstrip("/").split("/")
    return any(part in LITTER_DIRS for part in parts) or bool(LITTER_NAME.match(parts[-1]))


def _check_folder(folder: Path) -> None:
    """Only a notebooks folder is reset: never a repository root, never a random folder."""
    top = _git(folder, "rev-parse", "--show-toplevel") if _in_git(folder) else None
    if top is not None and top.returncode == 0 and Path(top.stdout.strip()).resolve() == folder:
        raise UsageError(f"{folder} is the root of the repository, not its notebooks folder")
    if not course_notebooks(folder):
        raise UsageError(f"{folder} holds no course notebooks (NN_name.ipynb): not resetting it")


def plan(folder: Path) -> Plan:
    """What a reset of ``folder`` would do (changes nothing)."""
    _check_folder(folder)
    if not _in_git(folder):
        return Plan(folder, False, remove=_litter(folder))
    changed = _git(folder, "diff", "--name-only", "--relative", "-z", "--diff-filter=MDT",
                   "HEAD", "--", ".")
    untracked = _git(folder, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    ignored = _git(folder, "ls-files", "--others", "--ignored", "--exclude-standard", "-z",
                   "--", ".")
    for answer in (changed, untracked, ignored):
        if answer.returncode != 0:
            raise UsageError(f"git failed in {folder}: {answer.stderr.strip()}")
    result = Plan(folder, True)
    # Learners change notebooks and solutions; other tracked files (sanitize.cfg, ...) are
    # the instructor's, so a change to them is listed, not undone.
    for path in _zsplit(changed.stdout):
        (result.restore if LEARNER_EDITABLE.match(path) else result.keep).append(path)
    for path in _zsplit(untracked.stdout):
        (result.keep if COURSE_FILE.match(path) else result.remove).append(path)
    # Ignored files go only if they are Jupyter's or Python's litter: an ignored file may
    # be something the instructor keeps there on purpose.
    for path in _zsplit(ignored.stdout):
        (result.remove if _is_litter(path) else result.keep).append(path)
    result.remove.sort()
    result.keep.sort()
    return result


def _inside(folder: Path, relative: str) -> Path:
    """The path to delete, refusing anything that would land outside ``folder``."""
    path = folder / relative.rstrip("/")
    parent = Path(os.path.realpath(path.parent))
    if path == folder or not parent.is_relative_to(folder):
        raise UsageError(f"refusing to touch {path}: it is not inside {folder}")
    return parent / path.name


def apply(p: Plan) -> None:
    """Carry out a plan: restore from git, then remove (links themselves, never targets)."""
    if p.restore:
        answer = _git(p.folder, "checkout", "HEAD", "--", *p.restore)
        if answer.returncode != 0:
            raise UsageError(f"git could not restore the notebooks: {answer.stderr.strip()}")
    emptied = set()
    for relative in p.remove:
        path = _inside(p.folder, relative)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        emptied.add(path.parent)
    # Folders left empty by the removal go too (never the notebooks folder itself).
    for directory in sorted(emptied, key=lambda d: len(d.parts), reverse=True):
        while directory != p.folder and directory.is_relative_to(p.folder):
            if not directory.is_dir() or any(directory.iterdir()):
                break
            directory.rmdir()
            directory = directory.parent


def _show(title: str, items: list[str], out) -> None:
    if items:
        print(title, file=out)
        for item in items:
            print(f"  {item}", file=out)


def run(*, notebooks: str | None = None, yes: bool = False, out=None) -> int:
    out = out or sys.stdout
    folder = notebooks_dir(notebooks)
    p = plan(folder)
    kind = "a git checkout" if p.in_git else "not a git checkout"
    print(f"cognito-lab reset: {folder} ({kind})", file=out)
    if not p.in_git:
        print("Without git the stored outputs cannot be restored: changed notebooks stay as "
              "they are (re-copy the course, or run reset in a git checkout).", file=out)
    if yes:
        apply(p)
    verb = ("restored", "removed") if yes else ("would restore", "would remove")
    _show(f"{verb[0]} as committed in git (stored outputs, solutions):", p.restore, out)
    _show(f"{verb[1]} (files learners created, checkpoints, caches):", p.remove, out)
    _show("left alone (new course files not in git yet, files git ignores on purpose, "
          "other changed files):", p.keep, out)
    if p.empty:
        print("Already clean: nothing to do.", file=out)
    elif yes:
        print("Done: the course is ready for the next group.", file=out)
    else:
        print("Nothing changed. Run `cognito-lab reset --yes` to do it.", file=out)
    return 0
