"""``cognito-lab serve``: one lab, kept running for a live demo until Ctrl-C or SIGTERM."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import sys
import threading
from typing import Any
from urllib.parse import urlencode

from cognito_lab import b64url

from .errors import UsageError


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge (RFC 7636 §4.1-4.2)."""
    try:
        from cognito_lab.client import pkce
    except ImportError:
        verifier = secrets.token_urlsafe(48)           # 64 characters of [A-Za-z0-9_-]
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return verifier, b64url.encode(digest)
    verifier = pkce.new_verifier()
    return verifier, pkce.s256_challenge(verifier)


def sign_in_link(lab: Any, client_name: str = "web") -> dict[str, str]:
    """Everything a presenter needs to run the code + PKCE flow by hand with ``client``."""
    client = lab.app_clients[client_name]
    verifier, challenge = pkce_pair()
    redirect_uri = client.callback_urls[0]
    query = urlencode({
        "response_type": "code", "client_id": client.client_id, "redirect_uri": redirect_uri,
        "scope": "openid email", "state": secrets.token_urlsafe(16),
        "code_challenge": challenge, "code_challenge_method": "S256"})
    link = {"url": f"{lab.domain_url}/oauth2/authorize?{query}", "client_id": client.client_id,
            "redirect_uri": redirect_uri, "code_verifier": verifier,
            "code_challenge": challenge, "token_url": f"{lab.domain_url}/oauth2/token"}
    public = _public_url(lab)
    if public != lab.domain_url:        # Binder / JupyterHub: through jupyter-server-proxy
        link["browser_url"] = f"{public}/oauth2/authorize?{query}"
    return link


def _public_url(lab: Any) -> str:
    """Where the learner's browser reaches the hosted UI (a proxy path on a hub)."""
    return getattr(lab, "public_url", lab.domain_url)


def describe(lab: Any) -> dict[str, Any]:
    """The lab's URLs, clients, users and fake credentials, as one JSON-ready object."""
    info: dict[str, Any] = {
        "endpoint_url": lab.endpoint_url,
        "region": lab.region,
        "user_pool_id": lab.user_pool_id,
        "issuer": lab.issuer,
        "jwks_url": lab.jwks_url,
        "openid_configuration_url":
            f"{lab.endpoint_url}/{lab.user_pool_id}/.well-known/openid-configuration",
        "domain_url": lab.domain_url,
        "aws_domain_url": lab.aws_domain_url,
        "identity_pool_id": lab.identity_pool_id,
        "sign_in": sign_in_link(lab) if "web" in lab.app_clients else None,
        "app_clients": {
            name: {"client_id": c.client_id, "client_secret": c.client_secret,
                   "public": c.is_public, "oauth_flows": list(c.oauth_flows),
                   "oauth_scopes": list(c.oauth_scopes), "callback_urls": list(c.callback_urls)}
            for name, c in lab.app_clients.items()},
        "users": {
            name: {"username": u.username, "password": u.password, "groups": list(u.groups),
                   "tenant_id": u.tenant_id}
            for name, u in lab.users.items()},
        "aws_credentials": lab.credentials,
        "pid": os.getpid(),
    }
    info["public_url"] = _public_url(lab)
    return info


def render(info: dict[str, Any]) -> str:
    """The text a presenter reads on the terminal."""
    lines = ["cognito-lab: a local Amazon Cognito for a live demo. Ctrl-C stops it.", ""]
    rows = [("endpoint_url", info["endpoint_url"], "boto3 endpoint_url / aws --endpoint-url"),
            ("user pool", info["user_pool_id"], info["region"]),
            ("issuer", info["issuer"], "the real AWS form"),
            ("JWKS", info["jwks_url"], "the pool's public keys"),
            ("discovery", info["openid_configuration_url"], ""),
            ("hosted UI", info["domain_url"], f"on AWS: {info['aws_domain_url']}"),
            ("identity pool", info["identity_pool_id"] or "—", "")]
    lines += [f"  {name:<14} {value}" + (f"   ({note})" if note else "")
              for name, value, note in rows]
    sign_in = info["sign_in"]
    if sign_in:
        lines += ["", "Sign in through the hosted UI (web client: code flow with PKCE), open:",
                  f"  {sign_in['url']}",
                  f"The browser then goes to {sign_in['redirect_uri']}?code=…; nothing listens "
                  "there in this demo,",
                  "so copy the code from the address bar and exchange it:",
                  f"  curl -s {sign_in['token_url']} -d grant_type=authorization_code "
                  f"-d client_id={sign_in['client_id']} \\",
                  f"       -d redirect_uri={sign_in['redirect_uri']} "
                  f"-d code_verifier={sign_in['code_verifier']} -d code=CODE"]
    if info["public_url"] != info["domain_url"]:
        lines += ["", "Your browser reaches the hosted UI at", f"  {info['public_url']}/",
                  "(on JupyterHub/Binder through jupyter-server-proxy); the sign-in link "
                  "from a browser:", f"  {sign_in['browser_url'] if sign_in else ''}"]
    lines += ["", "Demo users (a local demo: the passwords are random, new for this run, and "
              "open only this lab):"]
    for name, user in info["users"].items():
        groups = ", ".join(user["groups"]) or "—"
        lines.append(f"  {name:<6} {user['username']:<20} {user['password']}   "
                     f"groups: {groups}   tenant: {user['tenant_id'] or '—'}")
    lines += ["", "App clients:"]
    for name, client in info["app_clients"].items():
        kind = "public" if client["public"] else f"confidential, secret {client['client_secret']}"
        flows = ", ".join(client["oauth_flows"]) or "no OAuth flows"
        lines.append(f"  {name:<6} {client['client_id']}   ({kind}; {flows})")
    creds = info["aws_credentials"]
    lines += ["", "The AWS CLI against this lab (fake keys, valid only here):",
              f"  export AWS_ACCESS_KEY_ID={creds['aws_access_key_id']} "
              f"AWS_SECRET_ACCESS_KEY={creds['aws_secret_access_key']} "
              f"AWS_DEFAULT_REGION={creds['region_name']}",
              f"  aws cognito-idp list-users --user-pool-id {info['user_pool_id']} "
              f"--endpoint-url {info['endpoint_url']}"]
    return "\n".join(lines)


def _check_port_free(port: int) -> None:
    """werkzeug exits the process on a busy port; say it as a usage error instead."""
    if port == 0:
        return
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise UsageError(f"cannot listen on 127.0.0.1:{port} ({error.strerror}); choose "
                             "another --port, or leave it out for a free one") from None


def run(*, port: int = 0, as_json: bool = False) -> int:
    from cognito_lab import Lab

    _check_port_free(port)
    try:
        lab = Lab.start(port=port)
    except SystemExit:   # the port was taken between the check and the start
        raise UsageError(f"cannot listen on 127.0.0.1:{port}; choose another --port") from None
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        info = describe(lab)
        print(json.dumps(info) if as_json else render(info), flush=True)
        while lab.running and not stop.wait(0.2):
            pass
    finally:
        lab.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("cognito-lab: the lab is stopped.", file=sys.stderr, flush=True)
    return 0
