"""Lab.start / stop: one server on 127.0.0.1, a free port, no threads or sockets left behind."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests
from botocore.exceptions import ClientError

from cognito_lab import Lab


def _port_is_free(port: int) -> bool:
    """Nothing listens there (TIME_WAIT leftovers of closed connections don't count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_for_threads(baseline: set[threading.Thread], seconds: float = 3.0) -> set:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        extra = set(threading.enumerate()) - baseline
        if not extra:
            return extra
        time.sleep(0.05)
    return set(threading.enumerate()) - baseline


def test_start_serves_on_loopback_and_stop_frees_port_and_threads():
    baseline = set(threading.enumerate())
    lab = Lab.start()
    assert lab.endpoint_url.startswith("http://127.0.0.1:")
    assert lab.running
    port = lab.port
    assert not _port_is_free(port)
    assert requests.get(lab.jwks_url, timeout=5).status_code == 200
    lab.client("cognito-idp").list_user_pools(MaxResults=10)

    lab.stop()

    assert not lab.running
    assert _port_is_free(port)
    assert _wait_for_threads(baseline) == set()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)
    lab.stop()  # twice is fine


def test_context_manager_stops_the_lab_even_on_error():
    with pytest.raises(RuntimeError, match="boom"), Lab.start() as lab:
        port = lab.port
        raise RuntimeError("boom")
    assert not lab.running
    assert _port_is_free(port)
    with pytest.raises(RuntimeError, match="stopped"):
        _ = lab.endpoint_url


def test_server_binds_loopback_only():
    with Lab.start() as lab:
        assert lab._server._server.server_address[0] == "127.0.0.1"


def test_two_labs_do_not_see_each_others_pools():
    with Lab.start() as one, Lab.start() as two:
        assert one.account_id != two.account_id
        assert one.port != two.port
        one.client("cognito-idp").create_user_pool(PoolName="only-in-lab-one")
        names_one = {p["Name"] for p in
                     one.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]}
        names_two = {p["Name"] for p in
                     two.client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]}
        assert "only-in-lab-one" in names_one
        assert "only-in-lab-one" not in names_two
        # A user added in one lab does not exist in the other.
        one.add_user("dave", "dave@example.com")
        with pytest.raises(ClientError) as error:
            two.client("cognito-idp").admin_get_user(
                UserPoolId=two.user_pool_id, Username="dave@example.com")
        assert error.value.response["Error"]["Code"] in (
            "UserNotFoundException", "ResourceNotFoundException")


def test_two_labs_sign_with_different_keys():
    with Lab.start() as one, Lab.start() as two:
        kids_one = {k["kid"] for k in requests.get(one.jwks_url, timeout=5).json()["keys"]}
        kids_two = {k["kid"] for k in requests.get(two.jwks_url, timeout=5).json()["keys"]}
        assert kids_one and kids_two and not kids_one & kids_two


def test_each_lab_has_its_own_fake_credentials():
    with Lab.start() as one, Lab.start() as two:
        assert one.credentials["aws_access_key_id"] != two.credentials["aws_access_key_id"]
        assert one.credentials["aws_access_key_id"].startswith("AKIA")
        assert "password" not in repr(one.users["alice"])


def test_repr_html_maps_the_lab(lab):
    page = lab._repr_html_()
    for expected in (lab.user_pool_id, lab.jwks_url, lab.app_clients["web"].client_id,
                     "alice@example.com", "public", "confidential"):
        assert expected in page
    assert lab.app_clients["web"].client_secret is None
    assert lab.app_clients["server"].client_secret not in page


def test_a_busy_port_is_a_clear_error_not_a_dead_kernel():
    with Lab.start() as lab, pytest.raises(OSError, match="port is in use"):
        Lab.start(port=lab.port)


def test_servers_refuse_to_listen_beyond_loopback():
    from cognito_lab.serving import ThreadedServer

    with pytest.raises(ValueError, match="loopback only"):
        ThreadedServer(lambda environ, start_response: [], host="0.0.0.0")
    with ThreadedServer(lambda environ, start_response: [], name="probe") as server:
        assert server.url.startswith("http://127.0.0.1:") and server.running
    assert not server.running
