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
import html
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests

from cognito_lab.clock import now_from

from . import pkce

__all__ = [
    "AuthorizationRequest", "Browser", "BrowserSignIn", "Callback", "CallbackError",
    "CognitoOAuth", "HttpExchange", "OAuthError", "SignInError", "StateMismatchError",
    "TokenCache", "TokenResponse", "new_state", "parse_callback",
]

DEFAULT_TIMEOUT = 10.0
LAB_REASON_HEADER = "x-cognito-lab-reason"


def new_state() -> str:
    """A fresh unguessable ``state`` value (RFC 6749 §10.12: it binds the callback to you)."""
    return secrets.token_urlsafe(16)


# -- showing HTTP exchanges ---------------------------------------------------------------
_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+")
_OPAQUE = re.compile(r"(?<![A-Za-z0-9_\-.~])[A-Za-z0-9_\-.~]{40,}(?![A-Za-z0-9_\-.~])")
_SECRET_FIELDS = re.compile(
    r"((?:client_secret|password|new_password|confirm_password)=)[^&\s]*")
_SECRET_JSON = re.compile(r'("(?:client_secret|password)":\s*")[^"]*(")')
_BASIC = re.compile(r"(Basic )\S+")
SHOWN_REQUEST_HEADERS = ("Authorization", "Content-Type", "Cookie")
SHOWN_RESPONSE_HEADERS = ("Location", "Content-Type", "Set-Cookie", "WWW-Authenticate",
                          LAB_REASON_HEADER)


def _short_jwt(match: re.Match) -> str:
    token = match.group(0)
    return f"{token[:12]}…({len(token)} chars)…{token[-4:]}"


def masked(text: str) -> str:
    """``text`` safe to show: secrets hidden, tokens and other long opaque values shortened."""
    text = _BASIC.sub(r"\1•••", text)
    text = _SECRET_FIELDS.sub(r"\1•••", text)
    text = _SECRET_JSON.sub(r"\1•••\2", text)
    text = _JWT.sub(_short_jwt, text)
    return _OPAQUE.sub(lambda m: f"‹{len(m.group(0))} chars›", text)


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP request and its response, as they crossed the wire."""

    method: str
    url: str
    headers: dict[str, str]
    body: str | None
    status: int
    response_headers: dict[str, str]
    response_body: str
    what: str = ""

    @classmethod
    def of(cls, response: requests.Response, what: str = "") -> HttpExchange:
        sent = response.request
        body = sent.body.decode() if isinstance(sent.body, bytes) else sent.body
        received = dict(response.headers)
        cookies = response.raw.headers.getlist("Set-Cookie") if response.raw else []
        if cookies:
            received["Set-Cookie"] = "\n".join(cookies)
        return cls(method=sent.method or "", url=sent.url or "", headers=dict(sent.headers),
                   body=body or None, status=response.status_code,
                   response_headers=received, response_body=response.text, what=what)

    @property
    def location(self) -> str | None:
        """Where a redirect points, resolved against the request URL."""
        location = self.response_headers.get("Location")
        return urljoin(self.url, location) if location else None

    @property
    def lab_reason(self) -> str | None:
        """The lab's explanation of a refusal (a lab-only header; AWS sends no reason)."""
        return self.response_headers.get(LAB_REASON_HEADER)

    def json(self) -> Any:
        return json.loads(self.response_body)

    def _shown_body(self) -> str:
        content_type = self.response_headers.get("Content-Type", "")
        if "html" in content_type:
            title = re.search(r"<title>(.*?)</title>", self.response_body, re.S)
            name = f"“{title.group(1).strip()}”" if title else "an HTML page"
            return f"{name} ({len(self.response_body)} bytes of HTML)"
        if "json" in content_type:
            try:
                return masked(json.dumps(self.json(), indent=2))
            except ValueError:
                pass
        return masked(self.response_body)

    def summary(self) -> str:
        path = urlsplit(self.url).path or "/"
        line = f"{self.method} {path} → {self.status}"
        if self.location:
            line += f" → {masked(self.location)}"
        return line

    def __repr__(self) -> str:
        return f"<HttpExchange {self.summary()}>"

    def text(self) -> str:
        """Request and response as plain text (secrets masked)."""
        lines = [f"{self.method} {masked(self.url)}"]
        lines += [f"{k}: {masked(v)}" for k, v in self.headers.items()
                  if k in SHOWN_REQUEST_HEADERS]
        if self.body:
            lines += ["", masked(self.body)]
        lines += ["", f"HTTP {self.status}"]
        for name in SHOWN_RESPONSE_HEADERS:
            for key, value in self.response_headers.items():
                if key.lower() == name.lower():
                    lines += [f"{key}: {masked(line)}" for line in value.split("\n")]
        if self.response_body:
            lines += ["", self._shown_body()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        caption = f"<b>{html.escape(self.what)}</b><br>" if self.what else ""
        return (f"<div>{caption}<pre style='white-space:pre-wrap;margin:0'>"
                f"{html.escape(self.text())}</pre></div>")


# -- results and errors -------------------------------------------------------------------
class OAuthError(Exception):
    """Cognito refused an OAuth request (``error`` is RFC 6749's code)."""

    def __init__(self, error: str, exchange: HttpExchange, description: str | None = None):
        self.error = error
        self.exchange = exchange
        self.description = description
        detail = description or exchange.lab_reason
        super().__init__(f"{error} (HTTP {exchange.status})" + (f": {detail}" if detail else ""))


class CallbackError(Exception):
    """The redirect back to your app is not one to accept."""


class StateMismatchError(CallbackError):
    """The callback's ``state`` is not the one you sent: a forged or replayed callback."""


class AuthorizationDeniedError(CallbackError):
    """The callback carries ``error=...`` instead of a code."""

    def __init__(self, error: str, state: str | None) -> None:
        super().__init__(f"the authorization server answered error={error}")
        self.error = error
        self.state = state


class SignInError(Exception):
    """The sign-in page did not let the user in (its message is in ``str(error)``)."""

    def __init__(self, message: str, steps: list[HttpExchange]) -> None:
        super().__init__(message)
        self.steps = steps


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

    def _repr_html_(self) -> str:
        rows = [(name, getattr(self, name)) for name in
                ("access_token", "id_token", "refresh_token", "token_type", "expires_in")]
        cells = "".join(
            f"<tr><th style='text-align:left'>{name}</th><td style='text-align:left'>"
            f"<code>{html.escape(masked(str(value)) if value is not None else '—')}</code>"
            "</td></tr>" for name, value in rows)
        return f"<table>{cells}</table>"


@dataclass(frozen=True)
class Callback:
    """The redirect back to your app, taken apart."""

    url: str
    code: str | None
    state: str | None
    error: str | None


def parse_callback(url: str) -> Callback:
    """Read ``code``, ``state`` and ``error`` from a redirect to your callback URL."""
    query = parse_qs(urlsplit(url).query)

    def one(name: str) -> str | None:
        return query.get(name, [None])[0]

    return Callback(url=url, code=one("code"), state=one("state"), error=one("error"))


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
        import hmac

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


# -- the browser ------------------------------------------------------------------------------
class _Forms(HTMLParser):
    """The forms of a page (action, fields) and its alert messages."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.alerts: list[str] = []
        self._alert_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""),
                               "method": attributes.get("method", "get").lower(),
                               "fields": {}})
        elif tag in ("input", "button") and self.forms and attributes.get("name"):
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")
        if attributes.get("role") == "alert":
            self.alerts.append("")
            self._alert_depth = 1
        elif self._alert_depth and tag not in ("input", "br", "img"):
            self._alert_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._alert_depth:
            self._alert_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._alert_depth:
            self.alerts[-1] += data


@dataclass
class BrowserSignIn:
    """Every request a browser made to sign in, and where it ended: the callback URL."""

    steps: list[HttpExchange]
    callback_url: str

    @property
    def callback(self) -> Callback:
        return parse_callback(self.callback_url)

    def _repr_html_(self) -> str:
        items = "".join(f"<li><code>{html.escape(step.summary())}</code></li>"
                        for step in self.steps)
        return f"<ol>{items}</ol>"


class Browser:
    """What a user's browser does on the hosted UI, without a browser (for notebooks and
    tests): follow redirects, keep cookies, fill in the sign-in form with its CSRF token,
    and stop at the app's callback URL instead of loading it."""

    MAX_STEPS = 12

    def __init__(self, http: requests.Session | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.http = http or requests.Session()
        self.timeout = timeout
        self.steps: list[HttpExchange] = []

    def _record(self, response: requests.Response, what: str) -> HttpExchange:
        exchange = HttpExchange.of(response, what)
        self.steps.append(exchange)
        return exchange

    def get(self, url: str, what: str = "") -> HttpExchange:
        """One GET, no redirect followed."""
        return self._record(self.http.get(url, allow_redirects=False, timeout=self.timeout),
                            what or "GET")

    def post_form(self, url: str, fields: dict[str, str], what: str = "") -> HttpExchange:
        return self._record(self.http.post(url, data=fields, allow_redirects=False,
                                           timeout=self.timeout), what or "POST")

    def follow(self, exchange: HttpExchange, stop_at: str) -> HttpExchange:
        """Follow redirects until a page, or until a redirect to ``stop_at`` (the app)."""
        for _ in range(self.MAX_STEPS):
            location = exchange.location
            if exchange.status not in (301, 302, 303, 307, 308) or location is None:
                return exchange
            if location.startswith(stop_at):
                return exchange
            exchange = self.get(location, "Follow the redirect")
        raise SignInError("too many redirects", self.steps)

    def open(self, url: str, stop_at: str | None = None) -> HttpExchange:
        """GET ``url`` and follow its redirects, stopping before ``stop_at``."""
        stop_at = stop_at or _redirect_uri_of(url) or "\0"
        return self.follow(self.get(url, "Open the URL"), stop_at)

    def sign_in(self, authorize_url: str, username: str, password: str, *,
                new_password: str | None = None,
                mfa_code: str | Callable[[], str] | None = None) -> BrowserSignIn:
        """Open the authorize URL, sign in on the hosted UI, return the callback URL.

        ``new_password`` answers a NEW_PASSWORD_REQUIRED page; ``mfa_code`` (a code, or a
        function returning one, e.g. ``pyotp.TOTP(secret).now``) answers an MFA page.
        Raises SignInError with the page's message if the sign-in fails.
        """
        first = len(self.steps)
        stop_at = _redirect_uri_of(authorize_url)
        if not stop_at:
            raise ValueError("the authorize URL has no redirect_uri")
        page = self.follow(self.get(authorize_url, "Send the user to /oauth2/authorize"),
                           stop_at)
        answers = {"password": password, "new_password": new_password, "code": mfa_code}
        submitted: set[str] = set()
        for _ in range(len(FORM_KINDS) + 1):
            location = page.location
            if location is not None and location.startswith(stop_at):
                return BrowserSignIn(self.steps[first:], location)
            if page.status != 200 or "html" not in page.response_headers.get("Content-Type", ""):
                raise SignInError(f"the hosted UI answered HTTP {page.status}: "
                                  f"{page.lab_reason or page.response_body[:200]}",
                                  self.steps[first:])
            parser = _Forms()
            parser.feed(page.response_body)
            alert = " ".join(a.strip() for a in parser.alerts)
            kind, form = _form_to_fill(parser.forms, answers)
            if form is None or kind in submitted:   # nothing to fill in, or it came back
                raise SignInError(alert or "the page has no form this browser can fill in",
                                  self.steps[first:])
            submitted.add(kind)
            fields = dict(form["fields"])
            _fill(kind, fields, username, answers)
            action = urljoin(page.url, html.unescape(form["action"]) or page.url)
            page = self.follow(self.post_form(action, fields, FORM_KINDS[kind]), stop_at)
        raise SignInError("the sign-in did not finish", self.steps[first:])


FORM_KINDS = {"password": "Submit the sign-in form", "new_password": "Choose a new password",
              "code": "Enter the MFA code"}


def _form_to_fill(forms: list[dict], answers: dict) -> tuple[str, dict | None]:
    """The form this browser can fill in (sign-in; new password and MFA if answers given)."""
    for form in forms:
        for kind in FORM_KINDS:
            if kind in form["fields"] and (kind == "password" or answers[kind]):
                return kind, form
    return "", None


def _fill(kind: str, fields: dict[str, str], username: str, answers: dict) -> None:
    if kind == "password":
        fields["username"] = username
        fields["password"] = answers["password"]
    elif kind == "new_password":
        fields["new_password"] = fields["confirm_password"] = answers["new_password"]
    else:
        code = answers["code"]
        fields["code"] = code() if callable(code) else code


def _redirect_uri_of(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("redirect_uri", [None])[0]


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
