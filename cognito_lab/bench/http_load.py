"""Load-test the sample API over real HTTP: a server process, a concurrent client, numbers.

Microbenchmarks say how long one verification takes; an API owner wants requests per
second and tail latency under concurrency. This module measures them honestly:

- :class:`ApiServerProcess` serves the sample API in a **separate process** (its own
  interpreter and GIL) with a multi-threaded WSGI server on 127.0.0.1:
  waitress (a production server with HTTP/1.1 keep-alive) if it is installed, else
  werkzeug's development server, which closes the connection after every response.
  Under one prefix per variant: ``/local/...`` verifies tokens locally,
  ``/getuser/...`` calls GetUser on the lab for each request; ``/local/public`` needs no
  token at all (the baseline: what the server costs without authorization).
- :func:`drive` is the client: ``concurrency`` threads, each with one keep-alive
  ``http.client`` connection, sending requests back to back for a bounded time and number
  of requests; it stops by itself and returns a :class:`LoadResult`.

On a small machine the client, the server and the lab compete for the same cores, so
the absolute numbers are those of *this* set-up (it is reported with them); the ratios
between routes are what carries over.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .stats import percentile

SERVER_THREADS = 8
CLIENT_DESCRIPTION = ("one Python thread per connection, http.client with keep-alive, in the "
                      "bench process (which also hosts the lab that answers GetUser)")
ROUTES = {"noauth": "/local/public", "local": "/local/me", "getuser": "/getuser/me"}


@dataclass
class LoadResult:
    """What one load run measured (latencies in milliseconds, one per request)."""

    path: str
    concurrency: int
    seconds: float
    requests: int
    errors: int
    status_counts: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 0.50)

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies_ms, 0.99)

    def merge(self, other: LoadResult) -> LoadResult:
        """Two runs of the same route and concurrency, as one."""
        counts = dict(self.status_counts)
        for status, count in other.status_counts.items():
            counts[status] = counts.get(status, 0) + count
        return LoadResult(self.path, self.concurrency, self.seconds + other.seconds,
                          self.requests + other.requests, self.errors + other.errors, counts,
                          self.latencies_ms + other.latencies_ms)


def drive(url: str, path: str, *, token: str | None = None, concurrency: int = 1,
          seconds: float = 1.0, max_requests: int = 200_000, warmup: int = 2,
          timeout: float = 10.0) -> LoadResult:
    """Send GET ``path`` from ``concurrency`` keep-alive connections for ``seconds`` (or
    until ``max_requests``); every connection first sends ``warmup`` untimed requests."""
    if concurrency < 1 or seconds <= 0 or max_requests < 1:
        raise ValueError("concurrency >= 1, seconds > 0 and max_requests >= 1 required")
    parts = urllib.parse.urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load client only talks to loopback servers")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    lock = threading.Lock()
    ready = threading.Barrier(concurrency + 1)
    shared = {"sent": 0, "stop_at": 0.0}
    results: list[tuple[list[float], dict[int, int], int, BaseException | None]] = []

    def worker() -> None:
        latencies: list[float] = []
        counts: dict[int, int] = {}
        errors = 0
        problem: BaseException | None = None
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port,
                                                timeout=timeout)
        try:
            for _ in range(warmup):
                connection.request("GET", path, headers=headers)
                connection.getresponse().read()
        except (OSError, http.client.HTTPException) as exc:
            problem = exc
        try:
            ready.wait(timeout=timeout)
        except threading.BrokenBarrierError:
            problem = problem or RuntimeError("load client threads did not start together")
        clock = time.perf_counter
        while problem is None:
            with lock:
                if shared["sent"] >= max_requests or clock() >= shared["stop_at"]:
                    break
                shared["sent"] += 1
            started = clock()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                problem = exc
                break
            latencies.append((clock() - started) * 1000.0)
            counts[response.status] = counts.get(response.status, 0) + 1
            if response.status >= 400:
                errors += 1
        connection.close()
        with lock:
            results.append((latencies, counts, errors, problem))

    threads = [threading.Thread(target=worker, name=f"load-client-{i}", daemon=True)
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    shared["stop_at"] = time.perf_counter() + seconds + 3600  # set for real below
    try:
        ready.wait(timeout=timeout)
    except threading.BrokenBarrierError:
        pass
    started = time.perf_counter()
    shared["stop_at"] = started + seconds
    for thread in threads:
        thread.join(timeout=seconds + 2 * timeout)
    elapsed = time.perf_counter() - started
    problems = [p for *_, p in results if p is not None]
    if problems:
        raise RuntimeError(f"load test of {url}{path} failed: {problems[0]!r}")
    merged = LoadResult(path, concurrency, elapsed, 0, 0)
    for latencies, counts, errors, _ in results:
        merged = merged.merge(LoadResult(path, concurrency, 0.0, len(latencies), errors,
                                         counts, latencies))
    return merged


# --- the server process ---------------------------------------------------------------


def _make_server(app: Any, threads: int) -> tuple[Callable[[], None], Callable[[], None], int]:
    """(serve_forever, stop, port) for waitress if installed, else werkzeug. ``stop()``
    returns once ``serve_forever`` has returned and the port is closed."""
    import logging

    try:
        from waitress import wasyncore
        from waitress.server import create_server
    except ImportError:
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        server.daemon_threads = True  # type: ignore[attr-defined]  # threaded=True

        def stop_werkzeug() -> None:
            server.shutdown()
            server.server_close()

        return (lambda: server.serve_forever(0.05)), stop_werkzeug, server.server_address[1]
    for name in ("waitress", "waitress.queue"):     # "Task queue depth is 3" under load
        logging.getLogger(name).setLevel(logging.ERROR)
    channels: dict[int, Any] = {}                   # waitress's socket map, ours to close
    server = create_server(app, map=channels, host="127.0.0.1", port=0, threads=threads,
                           connection_limit=256, ident="cognito-lab-sample-api")
    stopping, stopped = threading.Event(), threading.Event()

    def serve_waitress() -> None:
        try:
            while not stopping.is_set():
                wasyncore.loop(timeout=0.05, map=channels, count=1)
        finally:
            for channel in list(channels.values()):
                channel.close()
            server.task_dispatcher.shutdown()
            stopped.set()

    def stop_waitress() -> None:
        stopping.set()
        stopped.wait(timeout=5)

    return serve_waitress, stop_waitress, int(server.effective_port)


def server_description(threads: int = 8) -> str:
    """Which WSGI server the load test uses, in words (part of the reported set-up)."""
    try:
        import waitress

        version = getattr(waitress, "__version__", "")
        if not version:
            from importlib.metadata import version as dist_version

            version = dist_version("waitress")
        return (f"waitress {version} ({threads} worker threads, HTTP/1.1 keep-alive), in a "
                "separate process (python -m cognito_lab.bench.http_load), on 127.0.0.1")
    except ImportError:
        return ("werkzeug's threaded development server (a new connection and thread per "
                "request: it always closes the connection; install waitress for keep-alive), "
                "in a separate process (python -m cognito_lab.bench.http_load), on 127.0.0.1")


def _build_app(config: dict[str, Any]) -> Any:
    """Both variants of the sample API under one WSGI app (see the module docstring)."""
    import boto3
    from botocore.config import Config
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from cognito_lab.api.sample_api import make_app
    from cognito_lab.api.verifier import CognitoJwtVerifier
    from cognito_lab.clock import Clock

    # The lab's clock may run ahead (a lesson moved it): verify on the same time line.
    clock = Clock(offset=float(config.get("clock_offset", 0.0)))
    verifier = CognitoJwtVerifier(user_pool_id=config["user_pool_id"], token_use="access",
                                  client_id=config["client_id"], region=config["region"],
                                  jwks_url=config["jwks_url"], clock=clock)
    verifier.hydrate()
    session = boto3.session.Session(**config["credentials"])
    idp = session.client("cognito-idp", endpoint_url=config["endpoint_url"],
                         config=Config(retries={"total_max_attempts": 1},
                                       max_pool_connections=2 * SERVER_THREADS))
    return DispatcherMiddleware(NotFound(), {
        "/local": make_app(verifier, "local"),
        "/getuser": make_app(verifier, "getuser", idp_client=idp),
    })


def serve_from_stdin() -> int:
    """The server process: read the JSON config from stdin, answer ``{"ready": port}`` (or
    ``{"error": ...}``) on stdout, serve until stdin closes."""
    import json
    import sys

    try:
        config = json.loads(sys.stdin.readline())
        serve_forever, stop, port = _make_server(_build_app(config), SERVER_THREADS)
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return 1
    threading.Thread(target=serve_forever, name="sample-api-server", daemon=True).start()
    print(json.dumps({"ready": port}), flush=True)
    sys.stdin.read()           # until the parent closes stdin (or goes away)
    stop()
    return 0


class ApiServerProcess:
    """The sample API (both variants) served by a child Python process on 127.0.0.1.

    ``config``: ``user_pool_id``, ``region``, ``client_id``, ``jwks_url``, optionally
    ``clock_offset`` (for the verifier) and ``endpoint_url``, ``credentials`` (for the
    boto3 client that calls GetUser); it travels on the child's stdin, never on its
    command line. Use as a context manager, or call :meth:`stop`. A plain child process
    (``python -m``), not multiprocessing, so it works the same from scripts, notebooks
    and tests.
    """

    def __init__(self, config: dict[str, Any], *, start_timeout: float = 60.0) -> None:
        import json
        import subprocess
        import sys
        import tempfile

        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "cognito_lab.bench.http_load"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(config) + "\n")
        self._process.stdin.flush()
        answer: dict[str, Any] = {}
        reader = threading.Thread(target=lambda: answer.update(
            _json_line(self._process.stdout.readline())), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(start_timeout)
        if "ready" not in answer:
            problem = answer.get("error") or self._stderr_tail() or (
                f"no answer in {start_timeout} s")
            self.stop()
            raise RuntimeError(f"the sample API process failed to start: {problem}")
        self.port = int(answer["ready"])
        self.url = f"http://127.0.0.1:{self.port}"

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        lines = self._stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def running(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        """Stop the server and its process. Safe to call twice."""
        import subprocess

        if self._process.poll() is None:
            try:
                self._process.stdin.close()  # type: ignore[union-attr]
                self._process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait(timeout=5)
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None and not stream.closed:
                stream.close()
        self._stderr.close()

    def __enter__(self) -> ApiServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _json_line(line: str) -> dict[str, Any]:
    import json

    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def setup_description(concurrencies: tuple[int, ...], seconds: float, rounds: int) -> dict:
    """The set-up that produced the HTTP figures, to be reported with them."""
    return {"server": server_description(SERVER_THREADS), "client": CLIENT_DESCRIPTION,
            "routes": dict(ROUTES), "concurrency": list(concurrencies),
            "seconds_per_route_and_concurrency": round(seconds * rounds, 3),
            "rounds": rounds, "cpus": os.cpu_count(),
            "note": "client, server and lab share this machine's CPUs"}


__all__ = ["ROUTES", "ApiServerProcess", "LoadResult", "drive", "percentile",
           "setup_description"]


if __name__ == "__main__":
    import sys

    sys.exit(serve_from_stdin())
