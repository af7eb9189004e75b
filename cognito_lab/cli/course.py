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
