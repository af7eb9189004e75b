"""`cognito-lab serve`: a real process, its URLs fetched, then SIGTERM and a clean exit."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from cognito_lab.cli import main


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cognito_lab.cli", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _read_until(process: subprocess.Popen, done, timeout: float = 60) -> str:
    """Read stdout until ``done(text)`` is true (the lab prints once it is up)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                     daemon=True).start()
    text = ""
    deadline = time.monotonic() + timeout
    while not done(text):
        if time.monotonic() > deadline:
            raise AssertionError(f"serve printed only {text!r}")
        try:
            text += lines.get(timeout=0.5)
        except queue.Empty:
            if process.poll() is not None:
                raise AssertionError(f"serve exited: {text!r} {process.stderr.read()}") from None
    return text


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> tuple[int, str]:
    process.send_signal(sig)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise AssertionError("serve did not stop on its signal") from None
    return process.returncode, process.stderr.read()


def _refused(url: str) -> bool:
    host, port = urlsplit(url).netloc.split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) != 0


@pytest.fixture(scope="module")
def served():
    """One `serve --json` process for the module, and what it printed."""
    process = _start("--json")
    try:
        info = json.loads(_read_until(process, lambda text: text.endswith("\n")))
        yield process, info
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_json_names_every_url_a_presenter_needs(served):
    _, info = served
    for key in ("endpoint_url", "user_pool_id", "issuer", "jwks_url", "domain_url",
                "openid_configuration_url", "sign_in", "users", "app_clients",
                "aws_credentials"):
        assert info[key], key
    assert info["endpoint_url"].startswith("http://127.0.0.1:")
    assert info["issuer"] == ("https://cognito-idp.us-east-1.amazonaws.com/"
                              + info["user_pool_id"])
    assert set(info["users"]) == {"alice", "bob", "carol"}
    assert all(len(user["password"]) >= 12 for user in info["users"].values())


def test_jwks_and_discovery_are_served(served):
    _, info = served
    keys = requests.get(info["jwks_url"], timeout=5).json()["keys"]
    assert keys and all(key["kty"] == "RSA" for key in keys)
    discovery = requests.get(info["openid_configuration_url"], timeout=5).json()
    assert discovery["issuer"] == info["issuer"]


def test_printed_credentials_and_endpoint_reach_the_lab_with_boto3(served):
    _, info = served
    idp = boto3.client("cognito-idp", endpoint_url=info["endpoint_url"],
                       **info["aws_credentials"])
    users = idp.list_users(UserPoolId=info["user_pool_id"])["Users"]
    emails = {a["Value"] for u in users for a in u["Attributes"] if a["Name"] == "email"}
    assert emails == {u["username"] for u in info["users"].values()}


def test_sign_in_link_is_a_code_flow_with_a_matching_s256_challenge(served):
    _, info = served
    sign_in = info["sign_in"]
    url = urlsplit(sign_in["url"])
    assert f"{url.scheme}://{url.netloc}" == info["domain_url"]
    assert url.path == "/oauth2/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    web = info["app_clients"]["web"]
    assert query["response_type"] == "code"
    assert query["client_id"] == web["client_id"] and web["public"]
    assert query["redirect_uri"] in web["callback_urls"]
    assert query["scope"] == "openid email"
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(sign_in["code_verifier"].encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_sign_in_link_opens_the_hosted_sign_in_page(served):
    _, info = served
    page = requests.get(info["sign_in"]["url"], timeout=5)
    assert page.status_code == 200
    assert 'type="password"' in page.text


def test_sigterm_stops_the_lab_and_exits_cleanly(served):
    process, info = served
    code, stderr = _stop(process, signal.SIGTERM)
    assert code == 0, stderr
    assert "stopped" in stderr
    assert _refused(info["endpoint_url"])


def test_text_mode_pins_the_port_says_it_is_a_local_demo_and_stops_on_ctrl_c():
    port = _free_port()
    process = _start("--port", str(port))
    try:
        text = _read_until(process, lambda t: "aws cognito-idp list-users" in t)
    finally:
        code, stderr = _stop(process, signal.SIGINT)
    assert f"http://127.0.0.1:{port}" in text
    assert "/oauth2/authorize?response_type=code" in text
    assert "local demo" in text
    for name in ("alice", "bob", "carol"):
        assert f"{name}@example.com" in text
    assert code == 0, stderr
    assert _refused(f"http://127.0.0.1:{port}")


def test_a_busy_port_is_a_clear_error_not_a_crash(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err and "--port" in err
    assert "Traceback" not in err


def test_a_port_out_of_range_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--port", "70000"])
    assert stopped.value.code == 2
    assert "0..65535" in capsys.readouterr().err


def test_under_a_hub_the_browser_link_goes_through_jupyter_server_proxy(lab, monkeypatch):
    from cognito_lab.cli.serve import describe, render

    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    info = describe(lab)
    assert info["public_url"] == f"/user/ada/proxy/{lab.port}"
    assert info["sign_in"]["browser_url"].startswith(
        f"/user/ada/proxy/{lab.port}/oauth2/authorize?response_type=code")
    assert info["sign_in"]["url"].startswith(lab.domain_url)   # the server side is unchanged
    assert f"/user/ada/proxy/{lab.port}/" in render(info)
