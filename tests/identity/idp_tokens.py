"""Real ID tokens from the kit's OIDC provider: a user signs in at its form, the app
redeems the code at its token endpoint (no test-only minting path in the IdP)."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from cognito_lab.idp import IdpUser, OidcProvider

CALLBACK = "http://127.0.0.1:9/callback"    # never contacted: the code is read from Location


def id_token_of(idp: OidcProvider, user: IdpUser) -> str:
    """Sign ``user`` in at the IdP (its authorize form, then its token endpoint, on its
    loopback server, e.g. the Google stand-in's): the ID token."""
    paths = idp.PATHS
    query = urlencode({"response_type": "code", "client_id": idp.client_id,
                       "redirect_uri": CALLBACK, "scope": "openid email profile",
                       "state": "s", "nonce": secrets.token_urlsafe(8)})
    answer = requests.post(f"{idp.local_url}{paths['authorize']}?{query}", allow_redirects=False,
                           data={"username": user.username, "password": user.password},
                           timeout=10)
    assert answer.status_code == 302, answer.text
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    tokens = requests.post(f"{idp.local_url}{paths['token']}",
                           auth=(idp.client_id, idp.client_secret),
                           data={"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": CALLBACK}, timeout=10)
    assert tokens.status_code == 200, tokens.text
    return tokens.json()["id_token"]


def logins_key(idp: OidcProvider) -> str:
    """The IdP's key in an identity pool's Logins: its issuer without the scheme."""
    return idp.issuer.split("://", 1)[1]
