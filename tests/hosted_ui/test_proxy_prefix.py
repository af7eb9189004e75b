"""The hosted UI behind a path prefix, as jupyter-server-proxy serves it on Binder.

On Binder / JupyterHub the learner's browser reaches the lab only through
``https://<hub>/user/<name>/proxy/<port>/...``; the proxy strips the prefix and forwards to
127.0.0.1:<port>. Every link, form and redirect of the hosted UI is relative, so a sign-in
started under the prefix stays under it. A tiny reverse proxy plays jupyter-server-proxy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.serving import make_server

from cognito_lab.client.oauth import Browser

from .helpers import authorize_url, query_of, redeem, sign_in_for_code

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-encoding",
              "content-length", "server", "date"}


class PrefixProxy:
    """Forward ``<prefix>/<path>`` to ``<upstream>/<path>``, headers untouched (the way
    jupyter-server-proxy forwards ``/user/<name>/proxy/<port>/``)."""

    def __init__(self, upstream: str, prefix: str) -> None:
        self.upstream = upstream
        self.prefix = prefix
        self.forwarded: list[str] = []

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix + "/"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not under the proxy prefix"]
        url = self.upstream + path[len(self.prefix):]
        if environ.get("QUERY_STRING"):
            url += "?" + environ["QUERY_STRING"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else None
        headers = {key[5:].replace("_", "-").title(): value
                   for key, value in environ.items() if key.startswith("HTTP_")}
        headers.pop("Host", None)
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        self.forwarded.append(f"{environ['REQUEST_METHOD']} {path}")
        answer = requests.request(environ["REQUEST_METHOD"], url, headers=headers, data=body,
                                  allow_redirects=False, timeout=10)
        passed = [(k, v) for k, v in answer.raw.headers.items() if k.lower() not in HOP_BY_HOP]
        content = answer.content
        start_response(f"{answer.status_code} {answer.reason}",
                       [*passed, ("Content-Length", str(len(content)))])
        return [content]


@pytest.fixture
def proxied(lab) -> Iterator[tuple[str, PrefixProxy]]:
    """(public base URL under the prefix, the proxy)."""
    prefix = f"/user/learner/proxy/{lab.port}"
    proxy = PrefixProxy(lab.endpoint_url, prefix)
    server = make_server("127.0.0.1", 0, proxy, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}", proxy
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def test_sign_in_under_a_path_prefix_stays_under_it(lab, proxied):
    public_url, proxy = proxied
    url = authorize_url(lab).replace(lab.domain_url, public_url)
    alice = lab.users["alice"]
    browser = Browser()
    result = browser.sign_in(url, alice.username, alice.password)
    assert query_of(result.callback_url)["state"] == "state-123"
    for step in result.steps:                     # every request went through the proxy
        assert step.url.startswith(public_url), step.url
    assert [line.split("?")[0] for line in proxy.forwarded] == [
        f"GET {urlsplit(public_url).path}/oauth2/authorize",
        f"GET {urlsplit(public_url).path}/login",
        f"POST {urlsplit(public_url).path}/login",
    ]
    # the session cookie works under the prefix: a second sign-in is silent
    again = browser.http.get(url, allow_redirects=False, timeout=10)
    assert again.headers["Location"].startswith("http://localhost:3000/callback?code=")


def test_code_from_a_proxied_sign_in_redeems_directly(lab, proxied):
    """The app's back channel (the token endpoint) need not go through the proxy."""
    public_url, _ = proxied
    issued = sign_in_for_code(lab)            # signs in directly...
    assert redeem(lab, issued).status_code == 200
    url = authorize_url(lab, state="p").replace(lab.domain_url, public_url)
    alice = lab.users["alice"]
    result = Browser().sign_in(url, alice.username, alice.password)   # ...and via the proxy
    assert query_of(result.callback_url)["state"] == "p"


def test_logout_under_the_prefix_returns_to_login_under_it(lab, proxied):
    public_url, _ = proxied
    browser = Browser()
    alice = lab.users["alice"]
    browser.sign_in(authorize_url(lab).replace(lab.domain_url, public_url), alice.username,
                    alice.password)
    query = authorize_url(lab).split("?", 1)[1]
    answer = browser.open(f"{public_url}/logout?{query}")
    assert answer.url.startswith(f"{public_url}/login?") and answer.status == 200
    assert "Continue as" not in answer.response_body        # the session is gone


def test_public_url_follows_jupyterhub(lab, monkeypatch):
    monkeypatch.delenv("COGNITO_LAB_PUBLIC_URL", raising=False)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    assert lab.public_url == lab.domain_url
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/learner/")
    assert lab.public_url == f"/user/learner/proxy/{lab.port}"
    monkeypatch.setenv("COGNITO_LAB_PUBLIC_URL", "https://lab.example/proxy/{port}/")
    assert lab.public_url == f"https://lab.example/proxy/{lab.port}"
