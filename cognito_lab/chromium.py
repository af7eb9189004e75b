"""Find a Chromium for the browser tests, on any developer's machine.

Order: ``$COGNITO_LAB_CHROMIUM``; a system Chromium or Chrome (Debian's ``/usr/bin/chromium``
first, the browser CI installs); the browser Playwright installed itself
(``python -m playwright install chromium``). ``python -m cognito_lab.chromium --ensure``
(run by ``make test``) installs Playwright's when none is found, except on CI, where
``.ci/run`` installs Debian's package and nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "COGNITO_LAB_CHROMIUM"
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                "chrome")
SYSTEM_PATHS = (
    Path("/usr/bin/chromium"),
    Path("/Applications/Chromium.app/Contents/MacOS/Chromium"),
    Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    Path(r"C:\Program Files\Google\Chrome\Application\chrome.exe"),
)
HOW_TO_INSTALL = (
    "No Chromium found for the browser tests. Install one of:\n"
    "  Debian/Ubuntu:  sudo apt-get install chromium\n"
    "  Fedora:         sudo dnf install chromium\n"
    "  macOS:          brew install --cask chromium\n"
    "  any platform:   .venv/bin/python -m playwright install chromium\n"
    f"or point {ENV_VAR} at a Chromium or Chrome executable."
)


class ChromiumNotFound(RuntimeError):
    """No usable Chromium: the message says what to install."""


@dataclass(frozen=True)
class Chromium:
    """A browser Playwright can launch: ``path`` None means Playwright's own build."""

    path: Path | None
    source: str

    def launch_options(self) -> dict[str, str]:
        return {"executable_path": str(self.path)} if self.path else {}


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _system_chromium() -> Path | None:
    for path in SYSTEM_PATHS:
        if _executable(path):
            return path
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _playwright_chromium() -> Path | None:
    """The Chromium that ``playwright install chromium`` put in its cache, if it did."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as playwright:
            path = Path(playwright.chromium.executable_path)
    except Exception:  # any failure means "not usable here"
        return None
    return path if _executable(path) else None


def find() -> Chromium:
    """The Chromium to use, or ChromiumNotFound with what to install."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        if not _executable(Path(chosen)):
            raise ChromiumNotFound(f"{ENV_VAR}={chosen} is not an executable file.")
        return Chromium(Path(chosen), ENV_VAR)
    system = _system_chromium()
    if system:
        return Chromium(system, "system")
    if _playwright_chromium():
        return Chromium(None, "playwright")
    raise ChromiumNotFound(HOW_TO_INSTALL)


def ensure(*, on_ci: bool) -> Chromium:
    """Find a Chromium; off CI, install Playwright's documented build when there is none."""
    try:
        return find()
    except ChromiumNotFound:
        if on_ci or os.environ.get(ENV_VAR):
            raise
    print("No system Chromium: installing Playwright's (python -m playwright install chromium)")
    result = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"],
                            check=False)
    if result.returncode != 0:
        raise ChromiumNotFound(HOW_TO_INSTALL)
    return find()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cognito_lab.chromium",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--ensure", action="store_true",
                        help="install Playwright's Chromium if none is found (not on CI)")
    args = parser.parse_args(argv)
    try:
        chromium = ensure(on_ci=bool(os.environ.get("CI"))) if args.ensure else find()
    except ChromiumNotFound as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Chromium for the browser tests: {chromium.path or 'Playwright build'} "
          f"({chromium.source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
