"""The one build step pyproject.toml cannot declare: the course notebooks ride in the wheel.

The notebooks live in notebooks/ (outside the package, where JupyterLab, nbval, Binder and
the website read them). Building the wheel copies the lessons (``NN_*.ipynb``) and their
solutions into ``cognito_lab/course_notebooks/``, where ``cognito-lab course`` finds them in
an installation without a checkout. An editable install (``make lab``) copies nothing: there
``cognito-lab course`` reads notebooks/ directly. MANIFEST.in puts notebooks/ in the sdist,
so a wheel built from the sdist has them too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED = Path("cognito_lab") / "course_notebooks"


def course_files(notebooks: Path) -> list[Path]:
    files = sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))
    files += sorted(p for p in (notebooks / "solutions").glob("*.py") if p.is_file())
    return files


class BuildPyWithCourse(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        notebooks = HERE / "notebooks"
        files = course_files(notebooks)
        if not any(p.suffix == ".ipynb" for p in files):
            raise SystemExit(f"no course notebooks in {notebooks}: the wheel would lack them")
        target = Path(self.build_lib) / SHIPPED
        shutil.rmtree(target, ignore_errors=True)
        for source in files:
            destination = target / source.relative_to(notebooks)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)


setup(cmdclass={"build_py": BuildPyWithCourse})
