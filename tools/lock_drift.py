"""Say which installed packages differ from the lock (used by `make test-latest`).

Usage: python tools/lock_drift.py requirements/test.txt
Prints one line per difference and exits 0: drift is news for a maintainer, not an error.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

PIN = re.compile(r"^([A-Za-z0-9][\w.\-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked_versions(lock: Path) -> dict[str, str]:
    """name -> version the lock pins for this interpreter and platform."""
    pins = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match and (not match[3] or Marker(match[3]).evaluate()):
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def installed_versions() -> dict[str, str]:
    return {canonicalize_name(dist.metadata["Name"]): dist.version
            for dist in metadata.distributions() if dist.metadata["Name"]}


def drift(locked: dict[str, str], installed: dict[str, str],
          ignore: frozenset[str] = frozenset({"cognito-lab", "pip", "setuptools"})) -> list[str]:
    lines = []
    for name in sorted((set(locked) | set(installed)) - ignore):
        have, pinned = installed.get(name), locked.get(name)
        if have == pinned:
            continue
        if pinned is None:
            lines.append(f"  {name} {have}: installed, not in the lock")
        elif have is None:
            lines.append(f"  {name}: locked at {pinned}, not installed")
        else:
            lines.append(f"  {name}: lock {pinned} -> installed {have}")
    return lines


def main(argv: list[str]) -> int:
    lock = Path(argv[1] if len(argv) > 1 else "requirements/test.txt")
    lines = drift(locked_versions(lock), installed_versions())
    if lines:
        print(f"{len(lines)} package(s) differ from {lock}:", *lines, sep="\n")
    else:
        print(f"Installed packages match {lock}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
