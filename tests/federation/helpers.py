"""Drive the two hops over HTTP, redirects one at a time (a test sees every Location)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from cognito_lab.client import pkce

from .conftest import CALLBACK, PROVIDER


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@dataclass
class Hop:
    browser: requests.Session
    at_idp: str            # where Cognito sent the browser (the IdP's /authorize)
    verifier: str


def first_hop(fed, **params: str) -> Hop:
    verifier = pkce.new_verifier()
    query = {"response_type": "code", "client_id": fed.client_id, "redirect_uri": CALLBACK,
             "scope": "openid email profile", "state": "app-state-1",
             "code_challenge": pkce.s256_challenge(verifier), "code_challenge_method": "S256",
             "identity_provider": PROVIDER}
    query.update(params)
    query = {k: v for k, v in query.items() if v is not None}
    browser = requests.Session()
    answer = browser.get(f"{fed.lab.domain_url}/oauth2/authorize?{urlencode(query)}",
                         allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return Hop(browser, answer.headers["Location"], verifier)


def sign_in_at_idp(fed, hop: Hop, password: str | None = None) -> str:
    """Post the IdP's form; return the Location it sends the browser to (idpresponse)."""
    answer = hop.browser.post(hop.at_idp, data={
        "username": fed.carol.username, "password": password or fed.carol.password},
        allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back_at_cognito(hop: Hop, idp_response_url: str) -> requests.Response:
    return hop.browser.get(idp_response_url, allow_redirects=False, timeout=10)


def redeem(fed, code: str, verifier: str) -> requests.Response:
    return requests.post(f"{fed.lab.domain_url}/oauth2/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
        "client_id": fed.client_id, "code_verifier": verifier}, timeout=10)
