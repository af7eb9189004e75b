"""A federated sign-in from start to finish, as a browser and an app make it.

Notebook 12 first steps through the two hops one request at a time; then it (and its
checks) signs users in through an identity provider with :func:`federated_sign_in`, which
makes the same requests: the app's ``/oauth2/authorize?identity_provider=…`` with PKCE,
the IdP's sign-in form, back through Cognito, and the code redeemed at ``/oauth2/token``.
For the identity-pool section, :func:`direct_id_token` signs in at the IdP itself, as an
app that registered its own client there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from ..api import decode_unverified
from ..client import pkce
from ..client.browser import Browser
from ..client.errors import SignInError
from ..client.http_exchange import HttpExchange
from ..client.oauth import (
    AuthorizationRequest,
    CognitoOAuth,
    OAuthError,
    TokenResponse,
    new_state,
)
from ..idp import OidcProvider, RegisteredClient

CALLBACK = "http://localhost:3000/callback"      # the app's callback URL in notebook 12


@dataclass
class FederatedOutcome:
    """How a federated sign-in ended: tokens for the app, or the error Cognito sent it."""

    steps: list[HttpExchange] = field(default_factory=list)
    tokens: TokenResponse | None = None
    error: str | None = None

    def __bool__(self) -> bool:
        return self.tokens is not None

    @property
    def id_claims(self) -> dict:
        """The ID token's claims (the app's view of who signed in)."""
        if self.tokens is None or self.tokens.id_token is None:
            return {}
        return decode_unverified(self.tokens.id_token).payload

    def __repr__(self) -> str:
        if self.tokens is not None:
            return f"<FederatedOutcome: signed in as {self.id_claims.get('cognito:username')}>"
        return f"<FederatedOutcome: refused: {self.error}>"


def _error_at(url: str) -> str:
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    return " ".join(part for part in (query.get("error"), query.get("error_description"))
                    if part) or "no code came back"


def federated_sign_in(lab: Any, client_id: str, provider: str, username: str, password: str, *,
                      redirect_uri: str = CALLBACK, scope: str = "openid email profile",
                      saml_response: Callable[[str], str] | None = None) -> FederatedOutcome:
    """Sign ``username`` in at the IdP named ``provider``, through the user pool's app
    client ``client_id``; a new browser (no cookies) each time. ``saml_response``, if
    given, rewrites the (base64) SAMLResponse on its way from the IdP to Cognito: what an
    attacker in the browser can do."""
    app = CognitoOAuth(lab.domain_url, client_id, redirect_uri=redirect_uri)
    request = app.begin(scope)
    browser = Browser()
    outcome = FederatedOutcome(steps=browser.steps)
    answer = browser.get(f"{request.url}&{urlencode({'identity_provider': provider})}",
                         "GET /oauth2/authorize")
    if answer.location is None or answer.location.startswith(redirect_uri):
        outcome.error = _error_at(answer.location or "") if answer.location else \
            f"HTTP {answer.status} at /oauth2/authorize"
        return outcome
    try:
        page = browser.get(answer.location, "The IdP's sign-in page")
        action, fields = browser.form(page)
        fields.update(username=username, password=password)
        answer = browser.post_form(action, fields, "Sign in at the IdP")
        if answer.status == 200:               # a page that posts on (SAML's POST binding)
            action, fields = browser.form(answer, containing="SAMLResponse")
            if saml_response is not None:
                fields["SAMLResponse"] = saml_response(fields["SAMLResponse"])
            answer = browser.post_form(action, fields, "POST the SAML response to Cognito")
    except SignInError as error:               # no form where one was expected
        outcome.error = f"at the IdP: {error}"
        return outcome
    back = browser.follow(answer, stop_at=redirect_uri)
    if back.location is None or not back.location.startswith(redirect_uri):
        outcome.error = back.lab_reason or f"HTTP {back.status} at {urlsplit(back.url).path}"
        return outcome
    if "code=" not in back.location:
        outcome.error = _error_at(back.location)
        return outcome
    code = request.check_callback(back.location)
    try:
        outcome.tokens = app.exchange_code(code, code_verifier=request.code_verifier)
    except OAuthError as error:
        outcome.error = f"the token endpoint refused the code: {error.error}"
    return outcome


def direct_id_token(idp_server: OidcProvider, client: RegisteredClient, username: str,
                    password: str, *, redirect_uri: str | None = None) -> str:
    """The app as the IdP's own OAuth client, no Cognito in between: sign ``username`` in
    at ``idp_server`` (an ``OidcProvider``) through ``client``, the app's registration
    there (``idp_server.register_client(...)``), and return the ID token (its ``aud``:
    the client's id). Code flow with state, nonce and PKCE; the client secret too, unless
    the client is public. ``redirect_uri``: the client's first one unless given."""
    if not redirect_uri:
        if not client.redirect_uris:
            raise ValueError("the client has no redirect URI registered: pass redirect_uri=")
        redirect_uri = client.redirect_uris[0]
    verifier, state, nonce = pkce.new_verifier(), new_state(), new_state()
    query = urlencode({"response_type": "code", "client_id": client.client_id,
                       "redirect_uri": redirect_uri, "scope": "openid email profile",
                       "state": state, "nonce": nonce, "code_challenge_method": "S256",
                       "code_challenge": pkce.s256_challenge(verifier)})
    request = AuthorizationRequest(url=f"{idp_server.local_url}"
                                       f"{idp_server.PATHS['authorize']}?{query}",
                                   redirect_uri=redirect_uri, state=state,
                                   code_verifier=verifier, nonce=nonce)
    browser = Browser()
    page = browser.get(request.url, "The IdP's sign-in page")
    action, fields = browser.form(page)
    fields.update(username=username, password=password)
    answer = browser.post_form(action, fields, "Sign in at the IdP")
    if not (answer.location or "").startswith(redirect_uri):
        raise ValueError(f"the IdP sent no code: {answer.summary()}")
    code = request.check_callback(answer.location or "")
    form = {"grant_type": "authorization_code", "code": code,
            "redirect_uri": redirect_uri, "code_verifier": verifier}
    if client.public:
        form["client_id"] = client.client_id
    tokens = requests.post(
        f"{idp_server.local_url}{idp_server.PATHS['token']}", data=form, timeout=10,
        auth=None if client.public else (client.client_id, client.client_secret or ""))
    if tokens.status_code != 200 or "id_token" not in tokens.json():
        raise ValueError(f"the IdP's token endpoint refused the code: {tokens.text}")
    id_token = str(tokens.json()["id_token"])
    if decode_unverified(id_token).payload.get("nonce") != nonce:
        raise ValueError("the IdP's ID token does not carry this sign-in's nonce")
    return id_token


__all__ = ["CALLBACK", "FederatedOutcome", "direct_id_token", "federated_sign_in"]
