"""Measure local JWT verification against calling GetUser on every request.

One run, on this machine, with numbers a learner can reproduce::

    python -m cognito_lab.bench            # a table, a few seconds
    python -m cognito_lab.bench --json     # one JSON object (the figures the docs quote)
    python -m cognito_lab.bench --quick    # smallest run (tests, CI)

What is timed, for the same access token:

- ``getuser``: boto3 ``GetUser`` against the lab on loopback, the way an API that asks
  Cognito per request works. Real Cognito adds a network round trip, so this is a lower
  bound; ``--simulated-rtt-ms`` adds a constant, labelled *simulated* everywhere;
- ``verify``: the kit's :class:`~cognito_lab.api.CognitoJwtVerifier`, JWKS cached;
- ``pyjwt``: PyJWT configured correctly (RS256 only, issuer, required claims, then the
  ``token_use`` and ``client_id`` checks PyJWT does not know about);
- ``raw_rsa``: the RSA-2048 PKCS#1 v1.5 SHA-256 signature check alone (``cryptography``),
  the floor under any verifier;
- ``cache_hit``: a :class:`~cognito_lab.api.token_cache.VerifiedTokenCache` hit (the
  ``exp`` check still done);
- ``getuser_moto``: GetUser against moto alone (its own server, no emulator), the same-run
  baseline for the lab's GetUser (:mod:`cognito_lab.bench.moto_alone`; on by default, off
  in ``--quick`` runs and notebooks' ``quick=True``).
- ``apigw_open`` and ``apigw_jwt``: one request to the lab's API Gateway (an HTTP API made
  for the run), a route without an authorizer and one behind a JWT authorizer for the same
  token; their difference is what the authorizer adds (:mod:`cognito_lab.bench.apigateway`;
  on by default, off in ``--quick`` runs and notebooks' ``quick=True``).

Methods run interleaved: many rounds, each a small batch of every method in a rotating
order, so drift of the machine (other load, frequency scaling) touches all of them alike.
Each sample is the time of one call, except for calls far below the timer's resolution
(the cache hit), where a sample is the mean of a short burst of calls.

With HTTP (the default; ``--no-http`` skips it) the sample API is also load-tested over
real HTTP in a separate server process: no auth, local verification and GetUser, at 1
and 16 concurrent connections (see :mod:`cognito_lab.bench.http_load`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cognito_lab import b64url

from .stats import Stats
from .stats import percentile as percentile  # importable from here, as before

PUBLISHED_USERREAD_RPS = 120
"""Default UserRead quota (GetUser is in that category), per account and Region.
Source: "Quotas in Amazon Cognito", docs.aws.amazon.com/cognito/latest/developerguide/quotas.html"""
PUBLISHED_USERREAD_PER_USER_RPS = 10
"""The same page: at most 10 UserRead requests per second for any one user."""

METHODS = ("getuser", "verify", "pyjwt", "raw_rsa", "cache_hit")
LABELS = {
    "getuser": "GetUser per request (lab on loopback)",
    "getuser_simulated": "GetUser + simulated network RTT (simulated)",
    "verify": "kit verifier, cached JWKS",
    "pyjwt": "PyJWT decode + Cognito checks",
    "raw_rsa": "raw RSA-2048 signature check",
    "cache_hit": "verified-token cache hit",
    "getuser_moto": "GetUser against moto alone (baseline)",
    "apigw_open": "API Gateway request, no authorizer (lab)",
    "apigw_jwt": "API Gateway request, JWT authorizer (lab)",
}
JSON_NAMES = {"getuser": "getuser_us", "verify": "verify_us", "pyjwt": "pyjwt_verify_us",
              "raw_rsa": "raw_rsa_verify_us", "cache_hit": "cache_hit_us",
              "getuser_moto": "getuser_moto_alone_us", "apigw_open": "apigw_open_us",
              "apigw_jwt": "apigw_jwt_us"}
BASELINES = ("getuser_moto",)      # measured only when the settings ask for them
APIGATEWAY = ("apigw_open", "apigw_jwt")     # likewise
OPTIONAL = (*BASELINES, *APIGATEWAY)
PER_REQUEST = ("getuser", "apigw")           # methods timed in batches of getuser_batch
# Calls per sample: a burst only where one call is far below the timer's resolution.
_INNER = {"getuser": 1, "verify": 1, "pyjwt": 1, "raw_rsa": 1, "cache_hit": 50,
          "getuser_moto": 1, "apigw_open": 1, "apigw_jwt": 1}


@dataclass(frozen=True)
class Settings:
    """How much to measure. ``quick()`` for tests, ``default()`` for a few seconds."""

    rounds: int = 20
    getuser_batch: int = 10         # GetUser calls per round
    local_batch: int = 100          # samples of every local method per round
    http: bool = True
    http_seconds: float = 0.4       # per route and concurrency, split over http_rounds
    http_rounds: int = 2
    concurrency: tuple[int, ...] = (1, 16)
    simulated_rtt_ms: float | None = None
    moto_alone: bool = True         # time GetUser against moto alone too (same run)
    apigateway: bool = True         # time requests to the lab's API Gateway too

    @classmethod
    def quick(cls, **changes: Any) -> Settings:
        base = {"rounds": 4, "getuser_batch": 3, "local_batch": 20, "http_seconds": 0.15,
                "http_rounds": 1, "moto_alone": False, "apigateway": False}
        return cls(**{**base, **changes})

    def validate(self) -> None:
        if min(self.rounds, self.getuser_batch, self.local_batch, self.http_rounds) < 1:
            raise ValueError("rounds, batches and http_rounds must be at least 1")
        if self.http_seconds <= 0 or not self.concurrency or min(self.concurrency) < 1:
            raise ValueError("http_seconds must be > 0 and concurrency levels >= 1")
        if self.simulated_rtt_ms is not None and self.simulated_rtt_ms < 0:
            raise ValueError("simulated_rtt_ms must be >= 0")


@dataclass
class BenchResult:
    """Everything one run measured. ``to_dict()`` is the JSON the CLI prints."""

    settings: Settings
    lab_start_s: float
    samples: dict[str, list[float]]                       # per-call microseconds
    stats: dict[str, Stats]
    http: dict[tuple[str, int], Any] = field(default_factory=dict)   # LoadResult
    http_setup: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0

    def median(self, method: str) -> float:
        return self.stats[method].median

    @property
    def ratios(self) -> dict[str, float]:
        m = self.median
        ratios = {"verify_vs_raw": m("verify") / m("raw_rsa"),
                  "getuser_vs_verify": m("getuser") / m("verify"),
                  "pyjwt_vs_verify": m("pyjwt") / m("verify"),
                  "verify_vs_cache_hit": m("verify") / m("cache_hit"),
                  "getuser_vs_cache_hit": m("getuser") / m("cache_hit")}
        if "getuser_simulated" in self.stats:
            ratios["getuser_simulated_vs_verify"] = m("getuser_simulated") / m("verify")
        if "getuser_moto" in self.stats:
            ratios["getuser_vs_moto_alone"] = m("getuser") / m("getuser_moto")
        if "apigw_jwt" in self.stats:
            ratios["apigw_jwt_vs_open"] = m("apigw_jwt") / m("apigw_open")
        return ratios

    @property
    def apigw_jwt_added_us(self) -> float:
        """What the lab's JWT authorizer adds to a request: the difference of the medians."""
        return self.median("apigw_jwt") - self.median("apigw_open")

    def http_figure(self, route: str, concurrency: int, what: str) -> float:
        result = self.http[route, concurrency]
        return float(getattr(result, what))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"lab_start_s": round(self.lab_start_s, 3)}
        for method in (*METHODS, *(b for b in OPTIONAL if b in self.stats)):
            stats = self.stats[method]
            name = JSON_NAMES[method]
            out[name] = round(stats.median, 3)
            out[name.replace("_us", "_p95_us")] = round(stats.p95, 3)
            out[name.replace("_us", "_p99_us")] = round(stats.p99, 3)
        out.update({k: round(v, 2) for k, v in self.ratios.items()})
        if "apigw_jwt" in self.stats:
            out["apigw_jwt_added_us"] = round(self.apigw_jwt_added_us, 3)
        if "getuser_simulated" in self.stats:
            out["simulated_rtt_ms"] = self.settings.simulated_rtt_ms
            out["getuser_simulated_us"] = round(self.median("getuser_simulated"), 3)
            out["getuser_simulated_note"] = ("SIMULATED: measured GetUser plus a constant "
                                             "round trip; the round trip is not measured")
        out["samples"] = {method: self.stats[method].n for method in METHODS}
        out["published_userread_rps"] = PUBLISHED_USERREAD_RPS
        out["published_userread_per_user_rps"] = PUBLISHED_USERREAD_PER_USER_RPS
        if self.http:
            for (route, c), result in sorted(self.http.items()):
                out[f"http_{route}_rps_c{c}"] = round(result.rps, 1)
                out[f"http_{route}_p50_ms_c{c}"] = round(result.p50_ms, 3)
                out[f"http_{route}_p99_ms_c{c}"] = round(result.p99_ms, 3)
                out[f"http_{route}_requests_c{c}"] = result.requests
                out[f"http_{route}_errors_c{c}"] = result.errors
            for c in self.settings.concurrency:
                local = self.http_figure("local", c, "rps")
                out[f"http_local_vs_getuser_c{c}"] = round(
                    local / max(self.http_figure("getuser", c, "rps"), 1e-9), 2)
                out[f"http_local_vs_noauth_c{c}"] = round(
                    local / max(self.http_figure("noauth", c, "rps"), 1e-9), 3)
            out["http_setup"] = self.http_setup
        out["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform(terse=True)}
        out["duration_s"] = round(self.duration_s, 2)
        return out

    def report(self) -> str:
        """A plain-text table of the figures."""
        lines = [f"{'method':<46}{'median':>12}{'p95':>12}{'p99':>12}{'n':>7}"]
        for method in (*METHODS, *OPTIONAL, "getuser_simulated"):
            if method in self.stats:
                s = self.stats[method]
                lines.append(f"{LABELS[method]:<46}{fmt_us(s.median):>12}{fmt_us(s.p95):>12}"
                             f"{fmt_us(s.p99):>12}{s.n:>7}")
        r = self.ratios
        lines.append(f"GetUser / local verify: × {r['getuser_vs_verify']:.0f}   "
                     f"local verify / raw RSA: × {r['verify_vs_raw']:.2f}   "
                     f"local verify / cache hit: × {r['verify_vs_cache_hit']:.0f}")
        if "getuser_vs_moto_alone" in r:
            lines.append(f"GetUser, lab / moto alone: × {r['getuser_vs_moto_alone']:.2f}")
        if "apigw_jwt" in self.stats:
            lines.append(f"the lab's JWT authorizer adds {fmt_us(self.apigw_jwt_added_us)} "
                         "to a request (difference of the medians)")
        if self.http:
            lines.append("")
            lines.append(f"{'HTTP route':<22}{'conns':>6}{'req/s':>10}{'p50':>12}{'p99':>12}"
                         f"{'errors':>8}")
            for (route, c), res in sorted(self.http.items(), key=lambda kv: (kv[0][1],
                                                                             kv[0][0])):
                lines.append(f"{route:<22}{c:>6}{res.rps:>10.0f}{fmt_ms(res.p50_ms):>12}"
                             f"{fmt_ms(res.p99_ms):>12}{res.errors:>8}")
            lines.append(f"published UserRead quota: {PUBLISHED_USERREAD_RPS} req/s per "
                         f"account and Region, {PUBLISHED_USERREAD_PER_USER_RPS} per user")
        lines.append(f"lab start {self.lab_start_s:.2f} s; whole run {self.duration_s:.1f} s")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<BenchResult GetUser {fmt_us(self.median('getuser'))}, verify "
                f"{fmt_us(self.median('verify'))}, × {self.ratios['getuser_vs_verify']:.0f}>")


def fmt_us(value: float) -> str:
    """``12.3 µs`` or ``1.52 ms``: microseconds for people."""
    if value >= 1000:
        return f"{value / 1000:.2f} ms"
    return f"{value:.2f} µs" if value < 10 else f"{value:.1f} µs"


def fmt_ms(value: float) -> str:
    return fmt_us(value * 1000)


# --- what is measured ----------------------------------------------------------------


def sign_in(lab: Any, user: str = "alice", client: str = "server") -> dict[str, Any]:
    """USER_PASSWORD_AUTH as a demo user; the AuthenticationResult (tokens)."""
    from cognito_lab.client import password

    app_client = lab.app_clients[client]
    demo = lab.users[user]
    return password.sign_in(lab.client("cognito-idp"), client_id=app_client.client_id,
                            client_secret=app_client.client_secret, username=demo.username,
                            password=demo.password)


def build_methods(lab: Any, token: str, client_id: str) -> dict[str, Callable[[], Any]]:
    """The five ways to check ``token``, each a no-argument callable, all checked once."""
    import urllib.request

    import jwt
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from cognito_lab.api.token_cache import VerifiedTokenCache
    from cognito_lab.api.verifier import CognitoJwtVerifier

    verifier = CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use="access",
                                  client_id=client_id, region=lab.region,
                                  jwks_url=lab.jwks_url, clock=lab.clock)
    verifier.hydrate()
    cache = VerifiedTokenCache(verifier)

    # PyJWT with its own cached JWKS (fetched once), configured as a careful user would.
    with urllib.request.urlopen(lab.jwks_url, timeout=5) as response:  # noqa: S310 (loopback)
        jwk_set = jwt.PyJWKSet.from_json(response.read().decode())
    pyjwt_keys = {k.key_id: k.key for k in jwk_set.keys}
    issuer = lab.issuer
    required = ["exp", "iat", "iss", "sub", "token_use", "client_id"]

    def pyjwt_verify() -> dict[str, Any]:
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(token, pyjwt_keys[kid], algorithms=["RS256"], issuer=issuer,
                            options={"require": required})
        if claims["token_use"] != "access" or claims["client_id"] != client_id:
            raise jwt.InvalidTokenError("not an access token of this app client")
        return claims

    _, _, signing_input, signature = b64url.decode_jws(token)
    kid = jwt.get_unverified_header(token)["kid"]
    raw_key = pyjwt_keys[kid]
    pkcs1v15, sha256 = padding.PKCS1v15(), hashes.SHA256()

    def raw_rsa_verify() -> None:
        raw_key.verify(signature, signing_input, pkcs1v15, sha256)

    idp = lab.client("cognito-idp")
    methods: dict[str, Callable[[], Any]] = {
        "getuser": lambda: idp.get_user(AccessToken=token),
        "verify": lambda: verifier.verify(token),
        "pyjwt": pyjwt_verify,
        "raw_rsa": raw_rsa_verify,
        "cache_hit": lambda: cache.verify(token),
    }
    for method in METHODS:          # every method must accept the token before we time it
        methods[method]()
    return methods


def _progress_bar(total: int, enabled: bool | None) -> Any:
    """A progress bar while the benchmark runs, or nothing.

    In a notebook: :class:`_NotebookBar` (a live tqdm widget, then one static line). In a
    terminal: tqdm's text bar on stderr, removed when the run is over.
    """
    notebook = _in_notebook()
    if enabled is None:
        enabled = notebook or sys.stderr.isatty()
    if enabled:
        try:
            if notebook:
                return _NotebookBar(total)
            from tqdm import tqdm

            return tqdm(total=total, desc="bench", unit="step", file=sys.stderr,
                        leave=False)
        except ImportError:
            pass
    return _NoBar()


class _NotebookBar:
    """tqdm's notebook widget while the run lasts; then a static line of what was done.

    A saved notebook keeps no widget state, so what a reader sees there (GitHub, nbviewer,
    static HTML) is each output's static fallback. tqdm's would be the bar as first drawn,
    frozen at "0%". So the widget is displayed with an empty fallback and closed at the end
    (it disappears), and ``bench: 11/11 steps done in 2.3 s`` is printed after it.
    """

    def __init__(self, total: int, display: Callable[..., Any] | None = None) -> None:
        from tqdm.notebook import tqdm  # ImportError without ipywidgets

        if display is None:
            from IPython.display import display as ipython_display

            display = ipython_display
        self.total = total
        self.started = time.perf_counter()
        self.bar = tqdm(total=total, desc="bench", unit="step", leave=False, display=False)
        bundle = dict(self.bar.container._repr_mimebundle_() or {})
        bundle["text/plain"] = ""            # not the bar frozen as first drawn
        display(bundle, raw=True)

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def set_postfix_str(self, text: str) -> None:
        self.bar.set_postfix_str(text)

    def close(self) -> None:
        if self.bar.disable:                 # closed already
            return
        self.bar.close()
        seconds = time.perf_counter() - self.started
        done = f"{self.bar.n}/{self.total} steps"
        print(f"bench: {done} done in {seconds:.1f} s" if self.bar.n >= self.total
              else f"bench: stopped after {done} ({seconds:.1f} s)")


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    get_ipython = getattr(shell, "get_ipython", None)
    ip = get_ipython() if get_ipython else None
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


class _NoBar:
    def update(self, n: int = 1) -> None: ...

    def set_postfix_str(self, text: str) -> None: ...

    def close(self) -> None: ...


def measure(methods: dict[str, Callable[[], Any]], settings: Settings,
            bar: Any = None) -> dict[str, list[float]]:
    """Interleaved timing: ``rounds`` × (a batch of each method, order rotating)."""
    bar = bar or _NoBar()
    order = tuple(m for m in (*METHODS, *OPTIONAL) if m in methods)
    samples: dict[str, list[float]] = {m: [] for m in order}
    batch = {m: settings.getuser_batch if m.startswith(PER_REQUEST) else settings.local_batch
             for m in order}
    clock = time.perf_counter_ns
    for method in order:                 # warm up caches, branch predictors, connections
        for _ in range(3 * _INNER[method]):
            methods[method]()
    gc_was_enabled = gc.isenabled()
    gc.disable()                          # as timeit does: no collection inside a sample
    try:
        for round_number in range(settings.rounds):
            shift = round_number % len(order)
            for method in order[shift:] + order[:shift]:
                call, inner, out = methods[method], _INNER[method], samples[method]
                for _ in range(batch[method]):
                    started = clock()
                    for _ in range(inner):
                        call()
                    out.append((clock() - started) / inner / 1000.0)
            bar.update(1)
            gc.collect()                  # between rounds, outside any sample
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def measure_http(lab: Any, token: str, client_id: str, settings: Settings,
                 bar: Any = None) -> tuple[dict[tuple[str, int], Any], dict[str, Any]]:
    """Load-test the sample API (separate process) per route and concurrency."""
    from .http_load import ROUTES, ApiServerProcess, drive, setup_description

    bar = bar or _NoBar()
    config = {"user_pool_id": lab.user_pool_id, "region": lab.region, "client_id": client_id,
              "jwks_url": lab.jwks_url, "endpoint_url": lab.endpoint_url,
              "credentials": lab.credentials, "clock_offset": lab.clock.offset}
    slice_seconds = settings.http_seconds / settings.http_rounds
    results: dict[tuple[str, int], Any] = {}
    with ApiServerProcess(config) as server:
        bar.update(1)
        for _ in range(settings.http_rounds):
            for concurrency in settings.concurrency:
                for route, path in ROUTES.items():
                    result = drive(server.url, path, token=token, concurrency=concurrency,
                                   seconds=slice_seconds)
                    key = (route, concurrency)
                    results[key] = results[key].merge(result) if key in results else result
                    bar.update(1)
    return results, setup_description(settings.concurrency, slice_seconds,
                                      settings.http_rounds)


def run(settings: Settings | None = None, *, lab: Any = None, quick: bool = False,
        progress: bool | None = None, **changes: Any) -> BenchResult:
    """Measure everything (see the module docstring) and return a :class:`BenchResult`.

    ``lab``: an already started lab (a notebook's), else one is started and stopped here.
    ``settings`` or keyword changes to them (``rounds=``, ``http=``, ...); ``quick=True``
    starts from :meth:`Settings.quick`. ``progress``: a progress bar (default: when a
    terminal or notebook shows it).
    """
    if settings is None:
        settings = Settings.quick(**changes) if quick else Settings(**changes)
    elif changes:
        raise TypeError("pass either settings or keyword changes, not both")
    settings.validate()
    started = time.perf_counter()
    own_lab = lab is None
    lab_start_s = 0.0
    if own_lab:
        from cognito_lab import Lab

        lab = Lab.start()
        lab_start_s = time.perf_counter() - started
    http_steps = (1 + settings.http_rounds * len(settings.concurrency) * 3) if settings.http \
        else 0
    bar = _progress_bar(settings.rounds + http_steps, progress)
    with contextlib.ExitStack() as stack:
        if settings.moto_alone:
            from .moto_alone import MotoAlone

            baseline = stack.enter_context(MotoAlone())
        try:
            client_id = lab.app_clients["server"].client_id
            token = sign_in(lab, "alice", "server")["AccessToken"]
            methods = build_methods(lab, token, client_id)
            if settings.moto_alone:
                methods["getuser_moto"] = baseline.get_user
            if settings.apigateway:
                from .apigateway import LabApiGateway

                api = stack.enter_context(LabApiGateway(lab, token, client_id))
                methods.update(apigw_open=api.open, apigw_jwt=api.jwt)
            samples = measure(methods, settings, bar)
            stats = {method: Stats.of(values) for method, values in samples.items()}
            if settings.simulated_rtt_ms is not None:
                added = settings.simulated_rtt_ms * 1000.0
                samples["getuser_simulated"] = [v + added for v in samples["getuser"]]
                stats["getuser_simulated"] = Stats.of(samples["getuser_simulated"])
            http_results: dict[tuple[str, int], Any] = {}
            http_setup: dict[str, Any] = {}
            if settings.http:
                http_results, http_setup = measure_http(lab, token, client_id, settings, bar)
        finally:
            bar.close()
            stack.close()                 # the API Gateway API goes while the lab still runs
            if own_lab:
                lab.stop()
    return BenchResult(settings=settings, lab_start_s=lab_start_s, samples=samples,
                       stats=stats, http=http_results, http_setup=http_setup,
                       duration_s=time.perf_counter() - started)


# --- command line ----------------------------------------------------------------------


def _concurrency(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers like 1,16, got {text!r}") from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError("concurrency levels must be >= 1")
    return levels


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cognito-lab bench",
        description="Measure local JWT verification against GetUser per request.")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quick", action="store_true", help="smallest run (tests, CI)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (default 20)")
    p.add_argument("--getuser-batch", type=int, help="GetUser calls per round (default 10)")
    p.add_argument("--batch", type=int, dest="local_batch",
                   help="samples of each local method per round (default 100)")
    p.add_argument("--http", dest="http", action="store_true", default=None,
                   help="load-test the sample API over HTTP (the default)")
    p.add_argument("--no-http", dest="http", action="store_false",
                   help="skip the HTTP load test")
    p.add_argument("--http-seconds", type=float,
                   help="seconds per route and concurrency (default 0.4)")
    p.add_argument("--concurrency", type=_concurrency,
                   help="concurrent connections, comma-separated (default 1,16)")
    p.add_argument("--simulated-rtt-ms", type=float,
                   help="add a SIMULATED network round trip to GetUser (reported apart)")
    p.add_argument("--no-moto-alone", dest="moto_alone", action="store_false", default=None,
                   help="skip the same-run baseline of GetUser against moto alone")
    p.add_argument("--no-apigateway", dest="apigateway", action="store_false", default=None,
                   help="skip the requests to the lab's API Gateway")
    p.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="no progress bar")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    changes = {name: value for name, value in {
        "rounds": args.rounds, "getuser_batch": args.getuser_batch,
        "local_batch": args.local_batch, "http": args.http, "http_seconds": args.http_seconds,
        "concurrency": args.concurrency, "simulated_rtt_ms": args.simulated_rtt_ms,
        "moto_alone": args.moto_alone, "apigateway": args.apigateway,
    }.items() if value is not None}
    try:
        result = run(quick=args.quick, progress=args.progress, **changes)
    except (ValueError, RuntimeError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(result.report())
    return 0
