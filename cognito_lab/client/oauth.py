"""Your app's side of Cognito's hosted UI: OAuth 2.0 requests, each one shown raw.

Cognito's OAuth 2.0 endpoints live on the user pool domain (``lab.domain_url`` here,
``https://<prefix>.auth.<region>.amazoncognito.com`` on AWS)::

    oauth = CognitoOAuth(domain_url, client_id, redirect_uri="http://localhost:3000/callback")
    request = oauth.begin(scope="openid email")     # state, PKCE verifier, nonce, the URL
    signed_in = Browser().sign_in(request.url, username, password)   # what a browser does
    code = request.check_callback(signed_in.callback_url)            # state checked here
    tokens = oauth.exchange_code(code, code_verifier=request.code_verifier)

Every HTTP call is recorded as an :class:`HttpExchange` (request and response, secrets
masked when displayed), so a lesson can show exactly what crossed the wire. Errors from
Cognito raise :class:`OAuthError` with the exchange attached. :class:`TokenCache` keeps a
machine-to-machine token until shortly before it expires instead of fetching one per call.

Only ``requests`` and the standard library: this module never imports the emulator.
"""

from __future__ import annotations

import base64
import hmac
import html
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests

from cognito_lab.clock import now_from

from . import pkce
from .browser import Browser, BrowserSignIn, Callback, parse_callback
from .errors import (
    AuthorizationDeniedError,
    CallbackError,
    OAuthError,
    SignInError,
    StateMismatchError,
)
from .http_exchange import LAB_REASON_HEADER, HttpExchange, masked

__all__ = [
    "LAB_REASON_HEADER", "AuthorizationDeniedError", "AuthorizationRequest", "Browser",
    "BrowserSignIn", "Callback", "CallbackError", "CognitoOAuth", "HttpExchange",
    "OAuthError", "SignInError", "StateMismatchError", "TokenCache", "TokenResponse",
    "masked", "new_state", "parse_callback",
]

DEFAULT_TIMEOUT = 10.0


def new_state() -> str:
    """A fresh unguessable ``state`` value (RFC 6749 §10.12: it binds the callback to you)."""
    return secrets.token_urlsafe(16)


# -- results and errors (the errors live in errors.py, with their base ClientError) ----------


@dataclass(frozen=True)
class TokenResponse:
    """What the token endpoint returned."""

    access_token: str
    token_type: str
    expires_in: int
    id_token: str | None = None
    refresh_token: str | None = None
    exchange: HttpExchange | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_json(cls, body: dict, exchange: HttpExchange | None = None) -> TokenResponse:
        return cls(access_token=body["access_token"], token_type=body.get("token_type", ""),
                   expires_in=int(body.get("expires_in", 0)), id_token=body.get("id_token"),
                   refresh_token=body.get("refresh_token"), exchange=exchange)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={masked(repr(getattr(self, name)))}" for name in
                          ("access_token", "id_token", "refresh_token", "token_type",
                           "expires_in"))
        return f"TokenResponse({shown})"

    def _repr_html_(self) -> str:
        rows = [(name, getattr(self, name)) for name in
                ("access_token", "id_token", "refresh_token", "token_type", "expires_in")]
        cells = "".join(
            f"<tr><th style='text-align:left'>{name}</th><td style='text-align:left'>"
            f"<code>{html.escape(masked(str(value)) if value is not None else '—')}</code>"
            "</td></tr>" for name, value in rows)
        return f"<table>{cells}</table>"


@dataclass(frozen=True)
class AuthorizationRequest:
    """A sign-in your app started: the URL to send the user to, and what to remember
    until the user comes back (the state, the PKCE verifier, the nonce)."""

    url: str
    redirect_uri: str
    state: str
    code_verifier: str | None = field(default=None, repr=False)
    nonce: str | None = None

    def check_callback(self, callback_url: str) -> str:
        """The code from the callback, after checking that the callback answers *this*
        request (its ``state``). Raises StateMismatchError or AuthorizationDeniedError."""
        if not callback_url.startswith(self.redirect_uri):
            raise CallbackError(f"the callback {callback_url!r} is not at {self.redirect_uri!r}")
        callback = parse_callback(callback_url)
        if callback.state is None or not hmac.compare_digest(callback.state, self.state):
            raise StateMismatchError("the callback's state is not the one this app sent: "
                                     "refuse it (it may be a forged or replayed callback)")
        if callback.error:
            raise AuthorizationDeniedError(callback.error, callback.state)
        if not callback.code:
            raise CallbackError("the callback carries no code")
        return callback.code


# -- the app client -------------------------------------------------------------------------
class CognitoOAuth:
    """An app client talking to Cognito's OAuth 2.0 endpoints on a user pool domain.

    ``auth_method`` is how a client with a secret authenticates to the token endpoint:
    ``"client_secret_basic"`` (HTTP Basic, the default) or ``"client_secret_post"``
    (in the body). A client without a secret sends its ``client_id`` in the body.
    """

    def __init__(self, domain_url: str, client_id: str, client_secret: str | None = None, *,
                 redirect_uri: str | None = None, auth_method: str = "client_secret_basic",
                 http: requests.Session | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        if auth_method not in ("client_secret_basic", "client_secret_post"):
            raise ValueError("auth_method must be 'client_secret_basic' or "
                             f"'client_secret_post', not {auth_method!r}")
        self.domain_url = domain_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.auth_method = auth_method
        self.http = http or requests.Session()
        self.timeout = timeout

    def __repr__(self) -> str:
        kind = "confidential" if self.client_secret else "public"
        return f"<CognitoOAuth {self.client_id} ({kind}) at {self.domain_url}>"

    # endpoints (AWS: the user pool domain's OAuth 2.0 endpoints)
    @property
    def authorize_endpoint(self) -> str:
        return f"{self.domain_url}/oauth2/authorize"

    @property
    def token_endpoint(self) -> str:
        return f"{self.domain_url}/oauth2/token"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.domain_url}/oauth2/userInfo"

    @property
    def revoke_endpoint(self) -> str:
        return f"{self.domain_url}/oauth2/revoke"

    @property
    def logout_endpoint(self) -> str:
        return f"{self.domain_url}/logout"

    # -- the browser's side: URLs ---------------------------------------------------------
    def authorization_url(self, *, scope: str | None = None, state: str | None = None,
                          code_challenge: str | None = None, nonce: str | None = None,
                          redirect_uri: str | None = None, response_type: str = "code",
                          code_challenge_method: str | None = None,
                          **extra: str) -> str:
        """The /oauth2/authorize URL with these parameters (None ones are left out)."""
        params = {"response_type": response_type, "client_id": self.client_id,
                  "redirect_uri": redirect_uri or self.redirect_uri, "state": state,
                  "scope": scope, "nonce": nonce, "code_challenge": code_challenge,
                  "code_challenge_method": code_challenge_method
                  or ("S256" if code_challenge else None), **extra}
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return f"{self.authorize_endpoint}?{query}"

    def begin(self, scope: str | None = "openid", *, pkce_s256: bool = True,
              with_nonce: bool = True, redirect_uri: str | None = None) -> AuthorizationRequest:
        """Start a sign-in the safe way: a fresh state, PKCE (S256) and a nonce."""
        redirect_uri = redirect_uri or self.redirect_uri
        if not redirect_uri:
            raise ValueError("a redirect_uri is needed (one of the app client's callback URLs)")
        verifier = pkce.new_verifier() if pkce_s256 else None
        state = new_state()
        nonce = new_state() if with_nonce else None
        url = self.authorization_url(
            scope=scope, state=state, nonce=nonce, redirect_uri=redirect_uri,
            code_challenge=pkce.s256_challenge(verifier) if verifier else None)
        return AuthorizationRequest(url=url, redirect_uri=redirect_uri, state=state,
                                    code_verifier=verifier, nonce=nonce)

    def logout_url(self, logout_uri: str) -> str:
        """/logout: end the hosted UI session and go to one of the client's sign-out URLs."""
        query = urlencode({"client_id": self.client_id, "logout_uri": logout_uri})
        return f"{self.logout_endpoint}?{query}"

    # -- the back channel: the token endpoint ----------------------------------------------
    def _client_authentication(self, form: dict[str, str]) -> dict[str, str]:
        """Add this client's credentials (RFC 6749 §2.3); return the extra headers."""
        if not self.client_secret:
            form["client_id"] = self.client_id
            return {}
        if self.auth_method == "client_secret_post":
            form["client_id"] = self.client_id
            form["client_secret"] = self.client_secret
            return {}
        pair = f"{self.client_id}:{self.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}

    def _post(self, url: str, form: dict[str, str], what: str) -> HttpExchange:
        headers = self._client_authentication(form)
        response = self.http.post(url, data=form, headers=headers, timeout=self.timeout,
                                  allow_redirects=False)
        return HttpExchange.of(response, what)

    def _tokens(self, form: dict[str, str], what: str) -> TokenResponse:
        exchange = self._post(self.token_endpoint, form, what)
        body = _json_or_none(exchange)
        if exchange.status != 200 or not isinstance(body, dict) or "access_token" not in body:
            error = body.get("error") if isinstance(body, dict) else None
            raise OAuthError(error or "invalid_response", exchange,
                             body.get("error_description") if isinstance(body, dict) else None)
        return TokenResponse.from_json(body, exchange)

    def exchange_code(self, code: str, *, code_verifier: str | None = None,
                      redirect_uri: str | None = None) -> TokenResponse:
        """Redeem an authorization code (RFC 6749 §4.1.3), with its PKCE verifier."""
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": redirect_uri or self.redirect_uri or ""}
        if code_verifier is not None:
            form["code_verifier"] = code_verifier
        return self._tokens(form, "Redeem the code at the token endpoint")

    def client_credentials(self, scope: str | None = None) -> TokenResponse:
        """An access token for this client itself (machine to machine, RFC 6749 §4.4)."""
        form = {"grant_type": "client_credentials"}
        if scope is not None:
            form["scope"] = scope
        return self._tokens(form, "Client credentials grant")

    def refresh(self, refresh_token: str) -> TokenResponse:
        """New access (and ID) tokens from a refresh token (RFC 6749 §6)."""
        return self._tokens({"grant_type": "refresh_token", "refresh_token": refresh_token},
                            "Refresh the tokens")

    def revoke(self, token: str) -> HttpExchange:
        """Revoke a refresh token and the access tokens issued from it (RFC 7009)."""
        exchange = self._post(self.revoke_endpoint, {"token": token}, "Revoke a refresh token")
        if exchange.status != 200:
            body = _json_or_none(exchange)
            raise OAuthError(body.get("error", "invalid_response") if isinstance(body, dict)
                             else "invalid_response", exchange)
        return exchange

    def userinfo(self, access_token: str) -> dict:
        """The user's attributes that the access token's scopes allow (OIDC UserInfo)."""
        response = self.http.get(self.userinfo_endpoint, timeout=self.timeout,
                                 headers={"Authorization": f"Bearer {access_token}"})
        exchange = HttpExchange.of(response, "userInfo")
        body = _json_or_none(exchange)
        if exchange.status != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            raise OAuthError(error or "invalid_response", exchange)
        return body

    def token_cache(self, scope: str | None = None, *, clock: object | None = None,
                    refresh_before: float = 60) -> TokenCache:
        """A TokenCache of client-credentials tokens for ``scope``."""
        return TokenCache(lambda: self.client_credentials(scope), clock=clock,
                          refresh_before=refresh_before)


def _json_or_none(exchange: HttpExchange) -> Any:
    try:
        return exchange.json()
    except ValueError:
        return None


# -- caching machine-to-machine tokens --------------------------------------------------------
class TokenCache:
    """Reuse an access token until ``refresh_before`` seconds before it expires.

    A backend job that fetched a client-credentials token for every API call would pay a
    round trip each time and be throttled by Cognito's quotas; tokens live an hour (or what
    the app client says). ``fetch`` gets a new :class:`TokenResponse`; ``clock`` is anything
    with ``now()`` (``lab.clock``) or a callable, default real time.
    """

    def __init__(self, fetch: Callable[[], TokenResponse], *, clock: object | None = None,
                 refresh_before: float = 60) -> None:
        if refresh_before < 0:
            raise ValueError("refresh_before must be zero or more seconds")
        self._fetch = fetch
        self.clock = clock
        self.refresh_before = refresh_before
        self.fetches = 0
        self.expires_at: float | None = None
        self._current: TokenResponse | None = None

    def __repr__(self) -> str:
        return f"<TokenCache fetches={self.fetches} expires_at={self.expires_at}>"

    @property
    def current(self) -> TokenResponse | None:
        return self._current

    def get(self) -> str:
        """A valid access token: the cached one, or a fresh one when it is about to expire."""
        now = now_from(self.clock)
        if self._current is None or self.expires_at is None or \
                now >= self.expires_at - self.refresh_before:
            self._current = self._fetch()
            self.expires_at = now + self._current.expires_in
            self.fetches += 1
        return self._current.access_token

    def clear(self) -> None:
        """Forget the token (e.g. after an API said it is no longer valid)."""
        self._current = None
        self.expires_at = None
