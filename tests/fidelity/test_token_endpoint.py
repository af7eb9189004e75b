"""The token endpoint (/oauth2/token): how clients authenticate, what the ID token carries.

moto alone serves no /oauth2/token at all; the moto branch of each test says so.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote_plus

import jwt
import requests

from cognito_lab.client.oauth import Browser, CognitoOAuth

from .conftest import Target


def basic(client_id: str, secret: str, *, urlencode: bool) -> dict[str, str]:
    if urlencode:   # RFC 6749 §2.3.1: form-urlencode each part, then HTTP Basic
        client_id, secret = quote_plus(client_id), quote_plus(secret)
    pair = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def machine_client(target: Target) -> dict:
    """A client_credentials client; in the lab, one whose secret has a '+'."""
    for _ in range(40):
        client = target.new_client(GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
                                   AllowedOAuthFlows=["client_credentials"],
                                   AllowedOAuthScopes=["orders/read"])
        if not target.is_lab or "+" in client["ClientSecret"]:
            return client
    raise AssertionError("40 lab secrets without a '+'")


def token_url(target: Target, moto_server: str) -> str:
    return f"{target.lab.domain_url if target.lab else moto_server}/oauth2/token"


def test_basic_credentials_are_form_urlencoded_then_base64(target, moto_server):
    """client_secret_basic as RFC 6749 §2.3.1 has it (each part form-urlencoded, so '+'
    travels as %2B), as AWS's "Token endpoint" page has it (Base64Encode(client_id:
    client_secret), no encoding step), and client_secret_post: all three authenticate the
    client. A secret encoded twice, or with its '+' turned into a space, does not.

    AWS: "Token endpoint" (/cognito/latest/developerguide/token-endpoint.html),
    "Authorization" header; RFC 6749 §2.3.1.
    """
    client = machine_client(target)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    url = token_url(target, moto_server)
    form = {"grant_type": "client_credentials", "scope": "orders/read"}

    def status(headers=None, **extra) -> tuple[int, str | None]:
        response = requests.post(url, data={**form, **extra}, headers=headers, timeout=10)
        try:
            return response.status_code, response.json().get("error")
        except ValueError:
            return response.status_code, None

    encoded = status(basic(client_id, secret, urlencode=True))
    raw = status(basic(client_id, secret, urlencode=False))
    post = status(client_id=client_id, client_secret=secret)
    twice = status(basic(client_id, quote_plus(secret), urlencode=True))
    spaced = status(basic(client_id, secret.replace("+", " "), urlencode=False))
    if target.is_lab:
        assert encoded == raw == post == (200, None)
        assert twice == spaced == (400, "invalid_client")
    else:       # moto has no token endpoint
        assert 200 not in {encoded[0], raw[0], post[0]}


def test_id_tokens_from_the_token_endpoint_carry_at_hash(target, moto_server):
    """An ID token issued with an access token at /oauth2/token carries ``at_hash`` (the
    base64url left half of the access token's SHA-256), for a code and for a refresh
    token, and the authorization request's ``nonce``; ID tokens from InitiateAuth don't.

    AWS: "Token endpoint" and "Pre token generation Lambda trigger" (at_hash is one of the
    claims Cognito sets and a trigger can't change) (/cognito/latest/developerguide/
    user-pool-lambda-pre-token-generation.html); OpenID Connect Core 3.1.3.6, 3.3.2.11.
    """
    if not target.is_lab:       # moto: no hosted UI, no token endpoint
        response = requests.post(token_url(target, moto_server), timeout=10,
                                 data={"grant_type": "authorization_code", "code": "x"})
        assert response.status_code != 200
        user = target.users["alice"]
        assert "at_hash" not in jwt.decode(target.tokens(user)["IdToken"],
                                           options={"verify_signature": False})
        return
    lab = target.lab
    web = lab.app_clients["web"]
    oauth = CognitoOAuth(lab.domain_url, web.client_id, redirect_uri=web.callback_urls[0])
    request = oauth.begin("openid email")
    alice = lab.users["alice"]
    callback = Browser().sign_in(request.url, alice.username, alice.password).callback_url
    tokens = oauth.exchange_code(request.check_callback(callback),
                                 code_verifier=request.code_verifier)
    refreshed = oauth.refresh(tokens.refresh_token)
    for issued in (tokens, refreshed):
        claims = jwt.decode(issued.id_token, options={"verify_signature": False})
        digest = hashlib.sha256(issued.access_token.encode("ascii")).digest()[:16]
        assert claims["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    first = jwt.decode(tokens.id_token, options={"verify_signature": False})
    assert first["nonce"] == request.nonce
    api = jwt.decode(target.tokens(target.users["alice"])["IdToken"],
                     options={"verify_signature": False})
    assert "at_hash" not in api
