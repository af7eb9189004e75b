"""``cognito-lab``: the instructor's command.

- ``serve``   a long-running lab for a live demo (URLs, sign-in link, demo users)
- ``check``   run every notebook fresh, the pre-flight before a workshop
- ``bench``   local JWT verification vs GetUser (``cognito_lab.bench``)
- ``doctor``  what is installed, what is missing, how to fix it
- ``reset``   put the course back in its clean state for the next group
- ``course``  copy the course's notebooks into a folder of the learner's (no checkout needed)

One module per command; this one only parses arguments and dispatches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import UsageError


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0..65535, not {port}")
    return port


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the timeout must be positive")
    return value


def parser() -> argparse.ArgumentParser:
    from cognito_lab import __version__

    main = argparse.ArgumentParser(
        prog="cognito-lab",
        description="Instructor tools for the cognito-lab course.")
    main.add_argument("--version", action="version", version=f"cognito-lab {__version__}")
    commands = main.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run a lab for a live demo until Ctrl-C",
        description="Start a lab and keep it running: prints the URLs, a sign-in link and "
                    "the demo users. Stops cleanly on Ctrl-C or SIGTERM.")
    serve.add_argument("--port", type=_port, default=0,
                       help="port on 127.0.0.1 (default: a free one)")
    serve.add_argument("--json", action="store_true",
                       help="print one JSON object (one line) instead of the text summary")

    check = commands.add_parser(
        "check", help="execute every notebook in a fresh kernel (pre-flight)",
        description="Execute every course notebook in its own fresh kernel, in order, and "
                    "print a table. The notebook files are not modified.")
    check.add_argument("--notebooks", metavar="DIR",
                       help="the notebooks folder (default: ./notebooks, else the course's)")
    check.add_argument("--timeout", type=_seconds, default=120.0,
                       help="seconds allowed per cell (default: 120)")
    check.add_argument("only", nargs="*", metavar="NOTEBOOK",
                       help="only these notebooks (a number like 04, or a file name)")

    commands.add_parser(
        "bench", add_help=False, help="measure local verification vs GetUser",
        description="Run cognito_lab.bench; every argument is passed on to it.")

    commands.add_parser(
        "doctor", help="check the installation and say how to fix what is missing",
        description="Check Python, the packages, Chromium, a lab start, port binding and "
                    "JupyterHub/Binder support. Exit code 1 if something required is missing.")

    reset = commands.add_parser(
        "reset", help="restore the notebooks to their clean state for the next group",
        description="Restore the notebooks' stored outputs from git, and remove checkpoints "
                    "and files learners created. Without --yes, only says what it would do. "
                    "Never touches anything outside the notebooks folder.")
    reset.add_argument("--notebooks", metavar="DIR",
                       help="the notebooks folder (default: ./notebooks, else the course's)")
    reset.add_argument("--yes", action="store_true", help="do it (default: a dry run)")

    course = commands.add_parser(
        "course", help="copy the course's notebooks into a folder, then open them",
        description="Copy the notebooks (and their solutions) this installation carries into "
                    "DIR, and say how to open them. Running it again updates the files you "
                    "have not changed; a file you changed is kept, and when the course has a "
                    "newer version it is written beside yours as NAME.new.ipynb. --force "
                    "replaces your changed files with the course's.")
    course.add_argument("directory", nargs="?", metavar="DIR",
                        help="where to put the course (default: ./cognito-course)")
    course.add_argument("--force", action="store_true",
                        help="replace files you changed with the course's version")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the return value is the process's exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:   # every later argument belongs to the benchmark, even --help
        try:
            return _bench(argv[1:])
        except UsageError as error:
            print(f"cognito-lab bench: error: {error}", file=sys.stderr)
            return 2
    args = parser().parse_args(argv)
    try:
        if args.command == "serve":
            from . import serve
            return serve.run(port=args.port, as_json=args.json)
        if args.command == "check":
            from . import check
            return check.run(notebooks=args.notebooks, timeout=args.timeout, only=args.only)
        if args.command == "doctor":
            from . import doctor
            return doctor.run()
        if args.command == "reset":
            from . import reset
            return reset.run(notebooks=args.notebooks, yes=args.yes)
        if args.command == "course":
            from . import course
            return course.run(args.directory, force=args.force)
    except UsageError as error:
        print(f"cognito-lab {args.command}: error: {error}", file=sys.stderr)
        return 2
    parser().print_help(sys.stderr)
    return 2


def _bench(argv: list[str]) -> int:
    """Delegate to ``cognito_lab.bench.main`` (imported only when asked for: it is heavy)."""
    try:
        from cognito_lab import bench
    except ModuleNotFoundError as error:
        if error.name not in ("cognito_lab.bench", "cognito_lab"):
            raise
        raise UsageError("cognito_lab.bench is not available in this installation "
                         "(reinstall cognito-lab: pip install -e .)") from None
    result = bench.main(argv)
    return int(result or 0)


__all__ = ["main", "parser"]
