"""Helpers for hosted-UI tests: raw HTTP (to see statuses and headers) and a browser run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests

from cognito_lab.client import pkce
from cognito_lab.client.oauth import Browser, CognitoOAuth

REASON = "x-cognito-lab-reason"


def get(url: str, session: requests.Session | None = None, **params) -> requests.Response:
    """One GET, redirects not followed (a test must see every Location)."""
    http = session or requests
    return http.get(url, params=params or None, allow_redirects=False, timeout=10)


def authorize_url(lab, client: str = "web", **overrides) -> str:
    app = lab.app_clients[client]
    params = {"response_type": "code", "client_id": app.client_id,
              "redirect_uri": app.callback_urls[0], "state": "state-123",
              "scope": "openid email"}
    params.update(overrides)
    params = {k: v for k, v in params.items() if v is not None}
    return f"{lab.domain_url}/oauth2/authorize?{urlencode(params, doseq=True)}"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def token(lab, data: dict, auth: tuple[str, str] | None = None,
          headers: dict | None = None) -> requests.Response:
    return requests.post(f"{lab.domain_url}/oauth2/token", data=data, auth=auth,
                         headers=headers, allow_redirects=False, timeout=10)


@dataclass
class Issued:
    """A code the hosted UI issued after a real sign-in, and what redeems it."""

    code: str
    verifier: str | None
    redirect_uri: str
    client_id: str
    callback_url: str


def sign_in_for_code(lab, *, client: str = "web", user: str = "alice", scope: str = "openid email",
                     use_pkce: bool = True, browser: Browser | None = None,
                     **extra) -> Issued:
    app = lab.app_clients[client]
    verifier = pkce.new_verifier() if use_pkce else None
    params = {"scope": scope, "state": "s-1", **extra}
    if verifier:
        params.update(code_challenge=pkce.s256_challenge(verifier), code_challenge_method="S256")
    url = authorize_url(lab, client, **params)
    person = lab.users[user]
    result = (browser or Browser()).sign_in(url, person.username, person.password)
    callback = query_of(result.callback_url)
    assert callback["state"] == "s-1"
    return Issued(callback["code"], verifier, app.callback_urls[0], app.client_id,
                  result.callback_url)


def redeem(lab, issued: Issued, client: str = "web", **overrides) -> requests.Response:
    app = lab.app_clients[client]
    data = {"grant_type": "authorization_code", "code": issued.code,
            "redirect_uri": issued.redirect_uri, "client_id": app.client_id}
    if issued.verifier:
        data["code_verifier"] = issued.verifier
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    auth = (app.client_id, app.client_secret) if app.client_secret else None
    if auth:
        data.pop("client_id", None)
    return token(lab, data, auth=auth)


def oauth_for(lab, client: str = "web", **kwargs) -> CognitoOAuth:
    app = lab.app_clients[client]
    return CognitoOAuth(lab.domain_url, app.client_id, app.client_secret,
                        redirect_uri=(app.callback_urls or (None,))[0], **kwargs)


def login_form(lab, url: str, session: requests.Session) -> tuple[str, str]:
    """Open the sign-in page for ``url`` in ``session``; return (form action URL, csrf)."""
    first = get(url, session)
    assert first.status_code == 302, first.text
    login_url = urljoin(url, first.headers["Location"])
    page = session.get(login_url, timeout=10)
    assert page.status_code == 200
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    return urljoin(login_url, action.replace("&amp;", "&")), csrf
