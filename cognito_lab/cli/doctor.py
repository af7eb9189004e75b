"""``cognito-lab doctor``: what is installed, what is missing, and how to fix it.

Each line is ✅ (fine), ⚠️ (works, with a caveat or for an optional part) or ❌ (the course
will not work). The exit code is 1 when anything is ❌.
"""

from __future__ import annotations

import os
import platform
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..chromium import Chromium, ChromiumNotFound
from ..chromium import find as find_chromium

OK, WARN, FAIL = "✅", "⚠️", "❌"
MIN_PYTHON = (3, 11)
#: What each extra of the package is for, in the words a fix hint uses.
EXTRA_PURPOSE = {None: "the lab itself", "lab": "the course in JupyterLab",
                 "test": "`make test` only"}


@dataclass(frozen=True)
class Finding:
    status: str          # OK, WARN or FAIL
    message: str
    fix: str | None = None

    def render(self) -> str:
        line = f"  {self.status} {self.message}"
        return line + (f"\n       fix: {self.fix}" if self.fix else "")


@dataclass(frozen=True)
class Requirement:
    name: str            # as on PyPI
    specifier: str       # e.g. ">=5.2.5,<5.3"
    extra: str | None    # None (runtime), "lab" or "test"
    line: str            # the requirement as written, for the fix hint


def installed_version(name: str) -> str | None:
    """The installed version of distribution ``name``, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _parse(line: str) -> Requirement:
    requirement, _, marker = line.partition(";")
    extra = re.search(r"""extra\s*==\s*["']([\w-]+)["']""", marker)
    name = re.split(r"[\[<>=!~ ]", requirement.strip(), maxsplit=1)[0]
    specifier = re.sub(r"\[.*?\]", "", requirement.strip())[len(name):].strip()
    # lower bound first, as people write it: ">=5.2.5,<5.3"
    specifier = ",".join(sorted((s.strip() for s in specifier.split(",") if s.strip()),
                                key=lambda s: not s.startswith(">")))
    return Requirement(name, specifier, extra.group(1) if extra else None, requirement.strip())


def requirements() -> list[Requirement]:
    """The package's declared requirements: installed metadata, else the checkout's file."""
    try:
        lines = metadata.requires("cognito-lab") or []
    except metadata.PackageNotFoundError:
        import tomllib

        from .course import package_checkout_notebooks

        pyproject = package_checkout_notebooks().parent / "pyproject.toml"
        project = tomllib.loads(pyproject.read_text())["project"]
        lines = list(project["dependencies"])
        for extra, items in project.get("optional-dependencies", {}).items():
            lines += [f'{item}; extra == "{extra}"' for item in items]
    return [_parse(line) for line in lines]


def _satisfies(version: str, specifier: str) -> bool | None:
    """Whether ``version`` is in ``specifier`` (None if ``packaging`` is not there to say)."""
    if not specifier:
        return True
    try:
        from packaging.specifiers import SpecifierSet
    except ImportError:
        return None
    return SpecifierSet(specifier).contains(version, prereleases=True)


def check_python() -> Finding:
    version = platform.python_version()
    if sys.version_info[:2] >= MIN_PYTHON:
        return Finding(OK, f"Python {version} ({sys.executable})")
    return Finding(FAIL, f"Python {version} is too old: the course needs 3.11 or newer",
                   "install Python 3.11+ and re-create the environment (make lab)")


def check_package(req: Requirement, *, under_hub: bool,
                  version_of: Callable[[str], str | None] = installed_version) -> Finding:
    version = version_of(req.name)
    purpose = EXTRA_PURPOSE.get(req.extra, req.extra)
    optional = req.extra == "test" or (req.name == "jupyter-server-proxy" and not under_hub)
    if req.name == "jupyter-server-proxy" and not under_hub:
        purpose = "JupyterHub and Binder only"
    install = f"pip install '{req.line}'"
    if version is None:
        return Finding(WARN if optional else FAIL,
                       f"{req.name} is not installed (needed for {purpose})", install)
    fits = _satisfies(version, req.specifier)
    if fits is False:
        return Finding(WARN if optional else FAIL,
                       f"{req.name} {version} is outside the range {req.specifier} "
                       f"the course is tested with", install)
    note = f" (tested range {req.specifier})" if req.name == "moto" else ""
    return Finding(OK, f"{req.name} {version}{note}")


def check_cognito_lab() -> Finding:
    from cognito_lab import __file__ as package_file
    from cognito_lab import __version__

    return Finding(OK, f"cognito-lab {__version__} ({Path(package_file).parent})")


def check_chromium(find: Callable[[], Chromium] = find_chromium) -> Finding:
    try:
        chromium = find()
    except ChromiumNotFound as error:
        return Finding(WARN, "no Chromium for the browser tests", str(error))
    if chromium.path is None:
        return Finding(OK, "Playwright's Chromium (for the browser tests)")
    try:
        answer = subprocess.run([str(chromium.path), "--version"], capture_output=True,  # noqa: S603
                                text=True, timeout=20, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        return Finding(WARN, f"{chromium.path} is there but does not run: {error}",
                       "reinstall it, or point COGNITO_LAB_CHROMIUM at another Chromium")
    return Finding(OK, f"{answer or 'Chromium'} at {chromium.path} (for the browser tests)")


def check_loopback() -> Finding:
    try:
        with socket.socket() as server, socket.socket() as client:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            client.settimeout(5)
            client.connect(server.getsockname())
            port = server.getsockname()[1]
    except OSError as error:
        return Finding(FAIL, f"cannot listen and connect on 127.0.0.1: {error}",
                       "the lab serves on the loopback interface; enable it (`ip link set lo "
                       "up`) or run somewhere that has one")
    return Finding(OK, f"listening on 127.0.0.1 works (tried port {port})")


def check_lab_start() -> Finding:
    started = time.perf_counter()
    try:
        from cognito_lab import Lab

        with Lab.start() as lab:
            users = lab.client("cognito-idp").list_users(UserPoolId=lab.user_pool_id)["Users"]
            seconds = time.perf_counter() - started
    except Exception as error:
        last = (str(error).strip().splitlines() or [""])[-1]
        return Finding(FAIL, f"a lab does not start: {type(error).__name__}: {last}",
                       "run `python -c 'from cognito_lab import Lab; Lab.start()'` to see "
                       "the whole error; reinstall with pip install -e '.[lab]'")
    return Finding(OK, f"a lab starts and answers in {seconds:.2f} s "
                       f"({len(users)} demo users), then stops cleanly")


def _kernel_python() -> tuple[str | None, str]:
    """The interpreter the ``python3`` kernel runs, as jupyter_client would resolve it."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return None, "jupyter_client is not installed"
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return None, "there is no `python3` kernel"
    command = spec.argv[0]
    major_minor = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    if command in ("python", f"python{sys.version_info[0]}", major_minor):
        command = sys.executable
    return command, ""


def check_kernel() -> Finding:
    python, problem = _kernel_python()
    fix = f"{sys.executable} -m ipykernel install --sys-prefix  (registers this environment)"
    if python is None:
        return Finding(FAIL, f"notebooks cannot run: {problem}", fix)
    try:
        result = subprocess.run([python, "-c", "import cognito_lab, ipykernel"],  # noqa: S603
                                capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Finding(FAIL, f"the python3 kernel ({python}) does not run: {error}", fix)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        return Finding(FAIL, f"the python3 kernel ({python}) cannot import the course: {last}",
                       fix)
    return Finding(OK, f"the python3 kernel ({python}) imports cognito_lab")


def hub_prefix(env: dict[str, str]) -> str | None:
    return env.get("JUPYTERHUB_SERVICE_PREFIX") or None


def check_hub(env: dict[str, str], proxy_version: str | None) -> Finding:
    prefix = hub_prefix(env)
    where = "Binder" if any(k.startswith("BINDER_") for k in env) else "JupyterHub"
    if prefix is None:
        return Finding(OK, "not under JupyterHub/Binder: your browser reaches the lab on "
                           "127.0.0.1 directly")
    if proxy_version is None:
        return Finding(FAIL, f"under {where} ({prefix}) without jupyter-server-proxy: learners' "
                             "browsers cannot reach the hosted UI on the server's 127.0.0.1",
                       "pip install 'jupyter-server-proxy>=4.1' in the image (binder/"
                       "requirements.txt has it) and restart the server")
    return Finding(OK, f"under {where} ({prefix}): jupyter-server-proxy {proxy_version} serves "
                       f"the hosted UI at {prefix.rstrip('/')}/proxy/<lab port>/")


def findings(env: dict[str, str] | None = None) -> Iterator[tuple[str, Finding]]:
    """Every check, in the order they are shown, with its section title."""
    env = dict(os.environ if env is None else env)
    under_hub = hub_prefix(env) is not None
    yield "Python and packages", check_python()
    yield "Python and packages", check_cognito_lab()
    for req in requirements():
        yield "Python and packages", check_package(req, under_hub=under_hub)
    yield "This machine", check_loopback()
    yield "This machine", check_lab_start()
    yield "This machine", check_kernel()
    yield "This machine", check_chromium()
    yield "Where the course runs", check_hub(env, installed_version("jupyter-server-proxy"))


def run(*, env: dict[str, str] | None = None, out=None) -> int:
    out = out or sys.stdout
    print("cognito-lab doctor", file=out)
    section = None
    failed = warned = 0
    for title, finding in findings(env):
        if title != section:
            print(f"\n{title}", file=out)
            section = title
        print(finding.render(), file=out, flush=True)
        failed += finding.status == FAIL
        warned += finding.status == WARN
    if failed:
        print(f"\n{failed} problem(s) to fix before the workshop ({warned} warning(s)).",
              file=out)
        return 1
    print(f"\nReady: everything the course needs is here ({warned} warning(s)).", file=out)
    return 0
