"""Load-test the sample API over real HTTP: a server process, a concurrent client, numbers.

Microbenchmarks say how long one verification takes; an API owner wants requests per
second and tail latency under concurrency. This module measures them honestly:

- :class:`ApiServerProcess` serves the sample API in a **separate process** (spawned, so it
  has its own interpreter and GIL) with werkzeug's multi-threaded WSGI server on
  127.0.0.1. Under one prefix per variant: ``/local/...`` verifies tokens locally,
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
import multiprocessing
import os
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

SERVER_DESCRIPTION = ("werkzeug threaded WSGI server (one thread per connection), in a "
                      "separate process started with multiprocessing 'spawn', on 127.0.0.1")
CLIENT_DESCRIPTION = ("one Python thread per connection, http.client with keep-alive, in the "
                      "bench process (which also hosts the lab that answers GetUser)")
ROUTES = {"noauth": "/local/public", "local": "/local/me", "getuser": "/getuser/me"}


def percentile(values: list[float], fraction: float) -> float:
    """Linear-interpolated percentile of unsorted ``values`` (``fraction`` in [0, 1])."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


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
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
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


def _serve(pipe: Any, config: dict[str, Any]) -> None:
    """Child process: build both variants of the sample API and serve them until told."""
    import logging

    import boto3
    from botocore.config import Config
    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.serving import make_server

    from werkzeug.exceptions import NotFound

    from cognito_lab.api.sample_api import make_app
    from cognito_lab.api.verifier import CognitoJwtVerifier

    try:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        verifier = CognitoJwtVerifier(user_pool_id=config["user_pool_id"], token_use="access",
                                      client_id=config["client_id"], region=config["region"],
                                      jwks_url=config["jwks_url"])
        verifier.hydrate()
        session = boto3.session.Session(**config["credentials"])
        idp = session.client("cognito-idp", endpoint_url=config["endpoint_url"],
                             config=Config(retries={"max_attempts": 1},
                                           max_pool_connections=64))
        app = DispatcherMiddleware(NotFound(), {
            "/local": make_app(verifier, "local"),
            "/getuser": make_app(verifier, "getuser", idp_client=idp),
        })
        server = make_server("127.0.0.1", 0, app, threaded=True)
        server.daemon_threads = True
    except BaseException as exc:
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    pipe.send(("ready", server.server_address[1]))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        pipe.recv()            # any message (or the parent going away) means stop
    except EOFError:
        pass
    server.shutdown()
    server.server_close()


class ApiServerProcess:
    """The sample API (both variants) served from a spawned process on 127.0.0.1.

    ``config``: ``user_pool_id``, ``region``, ``client_id``, ``jwks_url`` (for the
    verifier) and ``endpoint_url``, ``credentials`` (for the boto3 client that calls
    GetUser). Use as a context manager, or call :meth:`stop`.
    """

    def __init__(self, config: dict[str, Any], *, start_timeout: float = 60.0) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child_pipe = context.Pipe()
        self._process = context.Process(target=_serve, args=(child_pipe, config),
                                        name="cognito-lab-sample-api", daemon=True)
        self._process.start()
        child_pipe.close()
        if not self._pipe.poll(start_timeout):
            self.stop()
            raise RuntimeError(f"the sample API process did not start in {start_timeout} s")
        try:
            kind, value = self._pipe.recv()
        except EOFError:
            kind, value = "error", f"the process exited (code {self._process.exitcode})"
        if kind != "ready":
            self.stop()
            raise RuntimeError(f"the sample API process failed to start: {value}")
        self.port = int(value)
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def stop(self) -> None:
        """Stop the server and the process. Safe to call twice."""
        if self._process.is_alive():
            try:
                self._pipe.send("stop")
            except (OSError, ValueError):
                pass
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(timeout=5)
        self._pipe.close()

    def __enter__(self) -> ApiServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def setup_description(concurrencies: tuple[int, ...], seconds: float, rounds: int) -> dict:
    """The set-up that produced the HTTP figures, to be reported with them."""
    return {"server": SERVER_DESCRIPTION, "client": CLIENT_DESCRIPTION,
            "routes": dict(ROUTES), "concurrency": list(concurrencies),
            "seconds_per_route_and_concurrency": round(seconds * rounds, 3),
            "rounds": rounds, "cpus": os.cpu_count(),
            "note": "client, server and lab share this machine's CPUs"}


__all__ = ["ROUTES", "ApiServerProcess", "LoadResult", "drive", "percentile",
           "setup_description"]
