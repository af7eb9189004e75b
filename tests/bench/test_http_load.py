"""The HTTP load harness: a bounded client, and the sample API in its own process."""

from __future__ import annotations

import os

import pytest
import requests

from cognito_lab.api.sample_api import make_app, serve_in_thread
from cognito_lab.bench.http_load import (
    ROUTES,
    ApiServerProcess,
    LoadResult,
    drive,
    percentile,
    setup_description,
)
from tests.api.lab_tokens import access_token, verifier_for


@pytest.fixture(scope="module")
def token(lab):
    return access_token(lab)


@pytest.fixture(scope="module")
def served(lab):
    with serve_in_thread(make_app(verifier_for(lab), "local")) as server:
        yield server


def test_drive_measures_every_request_and_stops_by_itself(served, token):
    result = drive(served.url, "/me", token=token, concurrency=3, seconds=0.2)
    assert isinstance(result, LoadResult)
    assert result.requests == len(result.latencies_ms) >= 3
    assert result.status_counts == {200: result.requests}
    assert result.errors == 0
    assert 0.2 <= result.seconds < 5
    assert result.rps > 0 and 0 < result.p50_ms <= result.p99_ms


def test_drive_counts_refusals_as_errors(served):
    result = drive(served.url, "/me", concurrency=1, seconds=0.1)     # no token
    assert result.errors == result.requests > 0
    assert set(result.status_counts) == {401}


def test_drive_honours_max_requests(served):
    result = drive(served.url, "/public", concurrency=4, seconds=30, max_requests=25)
    assert result.requests == 25
    assert result.seconds < 10


def test_drive_refuses_bad_arguments(served):
    with pytest.raises(ValueError, match="loopback"):
        drive("http://example.com:80", "/public")
    for bad in ({"concurrency": 0}, {"seconds": 0}, {"max_requests": 0}):
        with pytest.raises(ValueError):
            drive(served.url, "/public", **bad)


def test_drive_reports_a_dead_server_clearly():
    with pytest.raises(RuntimeError, match="load test of"):
        drive("http://127.0.0.1:9", "/public", seconds=0.1, timeout=1)


def test_merge_adds_two_runs():
    a = LoadResult("/x", 2, 1.0, 3, 1, {200: 2, 401: 1}, [1.0, 2.0, 3.0])
    b = LoadResult("/x", 2, 0.5, 1, 0, {200: 1}, [4.0])
    merged = a.merge(b)
    assert (merged.requests, merged.errors, merged.seconds) == (4, 1, 1.5)
    assert merged.status_counts == {200: 3, 401: 1}
    assert merged.rps == pytest.approx(4 / 1.5)


def test_percentile_interpolates():
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([1.0, 2.0], 0.99) == pytest.approx(1.99)
    assert math_isnan(percentile([], 0.5))


def math_isnan(value: float) -> bool:
    return value != value


def test_server_process_serves_both_variants_and_stops(lab, token):
    config = {"user_pool_id": lab.user_pool_id, "region": lab.region,
              "client_id": lab.app_clients["server"].client_id, "jwks_url": lab.jwks_url,
              "endpoint_url": lab.endpoint_url, "credentials": lab.credentials}
    with ApiServerProcess(config) as server:
        assert server.pid != os.getpid() and server.running
        headers = {"Authorization": f"Bearer {token}"}
        for route, path in ROUTES.items():
            response = requests.get(server.url + path, headers=headers, timeout=10)
            assert response.status_code == 200, route
        assert requests.get(server.url + "/getuser/me", headers=headers,
                            timeout=10).json()["verified_by"] == "getuser"
        assert requests.get(server.url + "/local/me", timeout=10).status_code == 401
        assert requests.get(server.url + "/me", timeout=10).status_code == 404
    assert not server.running
    server.stop()


def test_server_process_reports_a_bad_config():
    with pytest.raises(RuntimeError, match="failed to start: KeyError"):
        ApiServerProcess({"region": "us-east-1"})


def test_setup_description_names_the_set_up():
    setup = setup_description((1, 16), 0.5, 2)
    assert setup["concurrency"] == [1, 16]
    assert setup["seconds_per_route_and_concurrency"] == 1.0
    assert setup["routes"] == ROUTES


@pytest.mark.parametrize("waitress_installed", [True, False])
def test_either_server_serves_and_stops(monkeypatch, waitress_installed):
    """waitress when installed (keep-alive); werkzeug's server otherwise."""
    import sys
    import threading

    from cognito_lab.api.sample_api import SampleApi
    from cognito_lab.bench import http_load

    if not waitress_installed:
        monkeypatch.setitem(sys.modules, "waitress", None)
        monkeypatch.setitem(sys.modules, "waitress.server", None)
    serve_forever, stop, port = http_load._make_server(SampleApi(), threads=2)
    thread = threading.Thread(target=serve_forever, daemon=True)
    thread.start()
    try:
        response = requests.get(f"http://127.0.0.1:{port}/public", timeout=5)
        assert response.status_code == 200
        closes = response.headers.get("Connection") == "close"
        assert closes is not waitress_installed      # werkzeug closes every connection
    finally:
        stop()
        thread.join(timeout=5)
    assert not thread.is_alive()
    described = http_load.server_description(2)
    assert described.startswith("waitress") is waitress_installed
