"""Where the course's notebooks are, for the commands that work on them."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UsageError

#: A course notebook: ``NN_short_name.ipynb``.
NOTEBOOK = re.compile(r"^\d\d_[\w.-]+\.ipynb$")


def course_notebooks(folder: Path) -> list[Path]:
    """The course notebooks in ``folder``, in course order."""
    return sorted(p for p in folder.glob("*.ipynb") if NOTEBOOK.match(p.name) and p.is_file())


def package_checkout_notebooks() -> Path:
    """``notebooks/`` beside the package: where they are in a repository checkout."""
    import cognito_lab

    return Path(cognito_lab.__file__).resolve().parents[1] / "notebooks"


def notebooks_dir(explicit: str | Path | None = None, *, cwd: Path | None = None) -> Path:
    """The notebooks folder: ``explicit``, else ./notebooks, else ., else the checkout's."""
    if explicit is not None:
        folder = Path(explicit).expanduser()
        if not folder.is_dir():
            raise UsageError(f"{folder} is not a folder")
        return folder.resolve()
    cwd = Path.cwd() if cwd is None else cwd
    for folder in (cwd / "notebooks", cwd, package_checkout_notebooks()):
        if folder.is_dir() and course_notebooks(folder):
            return folder.resolve()
    raise UsageError("no course notebooks found in ./notebooks, here, or beside the package; "
                     "run from the repository checkout or pass --notebooks DIR")


# -- `cognito-lab course [DIR]`: the course without a checkout --------------------------------
#: Where the wheel carries the notebooks (setup.py's build step copies notebooks/ there).
SHIPPED = "course_notebooks"
#: What the course folder remembers of each copy: the file's hash as the command wrote it.
MANIFEST = ".cognito-lab-course.json"
DEFAULT_DIR = "cognito-course"


def shipped_notebooks() -> Path:
    """The course as this installation has it: the checkout's notebooks/, else the wheel's."""
    checkout = package_checkout_notebooks()
    if checkout.is_dir() and course_notebooks(checkout):
        return checkout
    from importlib.resources import files

    shipped = Path(str(files("cognito_lab").joinpath(SHIPPED)))
    if shipped.is_dir() and course_notebooks(shipped):
        return shipped
    raise UsageError("this installation carries no course notebooks; reinstall cognito-lab "
                     "(pip install 'cognito-lab[lab]') or use a checkout of the repository")


def course_files(source: Path) -> list[Path]:
    """The files a learner needs, relative to ``source``: the notebooks and their solutions."""
    files = [p.relative_to(source) for p in course_notebooks(source)]
    solutions = source / "solutions"
    if solutions.is_dir():
        files += sorted(p.relative_to(source) for p in solutions.iterdir()
                        if p.is_file() and not p.name.startswith(".")
                        and p.suffix not in (".pyc",))
    return files


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def beside(path: Path) -> Path:
    """Where the course's new version of a learner's changed file goes: NAME.new.SUFFIX."""
    return path.with_name(f"{path.stem}.new{path.suffix}")


def copy_course(dest: Path, *, source: Path | None = None, force: bool = False,
                ) -> dict[str, list[str]]:
    """Copy the course into ``dest``; never lose a learner's change unless ``force``.

    Per file: missing → copied; identical → left; still as this command last wrote it (the
    learner has not touched it) → updated to the course's version; changed by the learner →
    kept, and when the course's version differs from the one last copied, that version is
    written beside it as NAME.new.ipynb (once: not again while that file is the same).
    ``force`` replaces changed files instead.
    Returns the relative paths under "copied", "updated", "unchanged", "kept", "beside",
    "replaced".
    """
    import json
    import shutil

    source = shipped_notebooks() if source is None else source
    dest.mkdir(parents=True, exist_ok=True)
    manifest_path = dest / MANIFEST
    try:
        manifest: dict[str, str] = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        manifest = {}
    report: dict[str, list[str]] = {key: [] for key in
                                    ("copied", "updated", "unchanged", "kept", "beside",
                                     "replaced")}
    for relative in course_files(source):
        name = relative.as_posix()
        origin, target = source / relative, dest / relative
        new = _digest(origin)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copyfile(origin, target)
            report["copied"].append(name)
        else:
            current = _digest(target)
            if current == new:
                report["unchanged"].append(name)
            elif manifest.get(name) == current:       # untouched since we wrote it
                shutil.copyfile(origin, target)
                report["updated"].append(name)
            elif force:
                shutil.copyfile(origin, target)
                report["replaced"].append(name)
            else:
                report["kept"].append(name)
                offered = beside(target)
                if manifest.get(name) != new and not (       # the course moved on: offer it
                        offered.is_file() and _digest(offered) == new):
                    shutil.copyfile(origin, offered)
                    report["beside"].append(beside(relative).as_posix())
                continue                               # the manifest keeps what we wrote
        manifest[name] = new
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return report


def run(directory: str | None = None, *, force: bool = False, out=None) -> int:
    """``cognito-lab course [DIR] [--force]``: copy the notebooks, say what happened."""
    import shlex
    import sys

    out = sys.stdout if out is None else out
    dest = Path(directory or DEFAULT_DIR).expanduser()
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} exists and is not a folder")
    source = shipped_notebooks()
    report = copy_course(dest, source=source, force=force)
    shown = dest.resolve()
    print(f"The cognito-lab course ({len(course_notebooks(source))} notebooks) is in {shown}",
          file=out)
    for key, label in (("copied", "copied"), ("updated", "updated to the course's version"),
                       ("replaced", "replaced (--force)")):
        if report[key]:
            print(f"  {label}: {len(report[key])} file(s)", file=out)
    if report["unchanged"]:
        print(f"  already up to date: {len(report['unchanged'])} file(s)", file=out)
    if report["kept"]:
        print("  kept your changes in:", file=out)
        for name in report["kept"]:
            new = beside(Path(name)).as_posix()
            note = f" (the course's new version is beside it: {new})" \
                if new in report["beside"] else ""
            print(f"    {name}{note}", file=out)
        print("  To take the course's version instead, run again with --force "
              "(your changes to those files are then lost).", file=out)
    print(f"\nOpen the course:\n  jupyter lab {shlex.quote(str(dest))}", file=out)
    return 0
