"""A corporate OpenID Connect identity provider on 127.0.0.1: the IdP Cognito federates to.

What a real OIDC IdP (Okta, Entra ID, Keycloak...) shows Cognito, and no more:

- ``/.well-known/openid-configuration`` (OIDC Discovery 1.0) and ``/jwks.json``;
- ``/authorize``: a tiny sign-in form for the provider's own users (authorization code
  flow, OIDC Core 3.1.2);
- ``/token``: the code exchange (RFC 6749 §4.1.3), client_secret_basic or
  client_secret_post (a public client: none, with PKCE), answering an RS256 ID token
  whose ``aud`` is the client and that carries the request's ``nonce``;
- ``/userinfo``: the signed-in user's claims for a bearer access token (OIDC Core 5.3).

Like a real IdP it keeps one registered OAuth client per relying party: the one it is
started with (the user pool, ``idp.client_id``) and any that ``idp.register_client(...)``
adds (an app signing in at the IdP itself). Each has its own redirect URIs; a code is
redeemed only by the client it was issued to.

The protocol work is Authlib's (``AuthorizationServer``, ``AuthorizationCodeGrant`` with
the ``OpenIDCode`` extension, ``BearerTokenValidator``): this module only stores users,
codes and tokens, and serves the endpoints with werkzeug on a free loopback port::

    with OidcProvider.start(users=[IdpUser("carol", "Corp-Passw0rd", {"email": ...})]) as idp:
        idp.issuer, idp.client_id, idp.client_secret

A lesson (or a test) can make the provider misbehave, as a compromised or misconfigured
IdP would: ``idp.override_id_token_claims(iss=..., aud=..., nonce=..., exp=...)`` changes
the next ID tokens it signs, ``idp.reset()`` undoes it. ``idp.received`` lists the
requests it answered (who asked it what). A subclass can play a public provider from
loopback (``google.py``): ``issuer=`` names the issuer it signs as, ``PATHS`` its
endpoints' paths and ``_endpoints()`` the URLs its discovery document names.
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    JsonRequest,
    OAuth2Error,
    OAuth2Payload,
    OAuth2Request,
    ResourceProtector,
)
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo
from authlib.oidc.core.models import AuthorizationCodeMixin
from joserfc.jwk import RSAKey
from werkzeug.wrappers import Request, Response

from ..serving import LOOPBACK, ThreadedServer
from .served import ServedOnLoopback

SCOPES = ("openid", "email", "profile")
CODE_SECONDS = 300
TOKEN_SECONDS = 3600
# OIDC Core 5.4: which standard claims each scope releases. Claims outside these lists
# (a "department", say) are released with any scope.
SCOPE_CLAIMS = {
    "email": ("email", "email_verified"),
    "profile": ("name", "family_name", "given_name", "middle_name", "nickname",
                "preferred_username", "profile", "picture", "website", "gender",
                "birthdate", "zoneinfo", "locale", "updated_at"),
}
_GATED = {claim for claims in SCOPE_CLAIMS.values() for claim in claims}


@dataclass(frozen=True)
class IdpUser:
    """One of the IdP's own users: a password and the claims the IdP states about them."""

    username: str
    password: str = field(repr=False)
    claims: dict[str, Any] = field(default_factory=dict)
    sub: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class RegisteredClient(ClientMixin):
    """An OAuth client registered at the IdP: what its administrator hands a relying
    party's developer. A public client (a browser or mobile app) has no secret: it
    authenticates with nothing but PKCE (RFC 7636) at the token endpoint."""

    client_id: str
    client_secret: str | None = field(repr=False)
    redirect_uris: tuple[str, ...]

    @property
    def public(self) -> bool:
        return self.client_secret is None

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Exact match with a registered URI; with none registered, any loopback URL."""
        if self.redirect_uris:
            return redirect_uri in self.redirect_uris
        parts = urlsplit(redirect_uri)
        return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK

    def check_client_secret(self, client_secret: str) -> bool:
        return self.client_secret is not None and hmac.compare_digest(
            client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class _Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: IdpUser
    nonce: str | None
    auth_time: int
    expires_at: float
    code_challenge: str | None = None
    code_challenge_method: str | None = None

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass(frozen=True)
class _Token:
    access_token: str
    client_id: str
    scope: str
    user: IdpUser
    expires_at: float

    def check_client(self, client: RegisteredClient) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return max(0, int(self.expires_at - time.time()))

    def is_expired(self) -> bool:
        return self.expires_at <= time.time()

    def is_revoked(self) -> bool:
        return False


class _Payload(OAuth2Payload):
    def __init__(self, request: Request) -> None:
        self._request = request

    @property
    def data(self) -> Any:
        return self._request.values

    @cached_property
    def datalist(self) -> defaultdict[str, list]:
        values: defaultdict[str, list] = defaultdict(list)
        for key in self._request.values:
            values[key].extend(self._request.values.getlist(key))
        return values


class _OAuth2Request(OAuth2Request):
    """Authlib's view of a werkzeug request (as its Flask integration makes one)."""

    def __init__(self, request: Request) -> None:
        super().__init__(method=request.method, uri=request.url, headers=request.headers)
        self._request = request
        self.payload = _Payload(request)

    @property
    def args(self) -> Any:
        return self._request.args

    @property
    def form(self) -> Any:
        return self._request.form


class _CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.provider._save_code(_Code(
            code=code, client_id=request.client.client_id,
            redirect_uri=request.payload.redirect_uri, scope=request.scope,
            user=request.user, nonce=data.get("nonce"),
            auth_time=int(time.time()), expires_at=time.time() + CODE_SECONDS,
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method")))

    def query_authorization_code(self, code: str, client: RegisteredClient) -> _Code | None:
        """Only a code issued to this very client (RFC 6749 §4.1.3)."""
        return self.server.provider._find_code(code, client.client_id)

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        self.server.provider._drop_code(authorization_code.code)

    def authenticate_user(self, authorization_code: _Code) -> IdpUser:
        return authorization_code.user


class _Pkce(CodeChallenge):
    """PKCE (RFC 7636) with S256 only, as the OAuth security BCP (RFC 9700 §2.1.1) advises:
    a challenge without ``code_challenge_method`` would mean ``plain``, so it is refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: AuthorizationCodeGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if data.get("code_challenge") and not data.get("code_challenge_method"):
            raise InvalidRequestError("Unsupported 'code_challenge_method': plain; use S256")
        super().validate_code_challenge(grant, redirect_uri)


class _OpenIDCode(OpenIDCode):
    """OIDC Core 3.1.3.7's ID token: RS256 with the provider's key, ``iss``, ``aud``,
    ``exp``, the request's ``nonce``; then whatever a lesson told the provider to change."""

    def __init__(self, provider: OidcProvider) -> None:
        super().__init__(require_nonce=False)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return self.provider._nonce_in_use(nonce, request.payload.client_id)

    def resolve_client_private_key(self, client: RegisteredClient) -> RSAKey:
        return self.provider._key

    def get_encode_header(self, client: RegisteredClient) -> dict:
        return {"alg": "RS256", "kid": self.provider._key.kid}

    def get_client_claims(self, client: RegisteredClient) -> dict:
        now = int(time.time())
        return {"iss": self.provider.issuer, "aud": client.client_id, "iat": now,
                "exp": now + self.provider.id_token_seconds}

    def generate_user_info(self, user: IdpUser, scope: str) -> UserInfo:
        info = self.provider._user_info(user, scope)
        info.update(self.provider._overrides())     # applied last: they win
        return info


class _Server(AuthorizationServer):
    def __init__(self, provider: OidcProvider) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.provider = provider

    def query_client(self, client_id: str) -> RegisteredClient | None:
        return self.provider._registered(client_id)

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        self.provider._save_token(_Token(
            access_token=token["access_token"], client_id=request.client.client_id,
            scope=token.get("scope", ""), user=request.user,
            expires_at=time.time() + int(token.get("expires_in", TOKEN_SECONDS))))

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        return request if isinstance(request, OAuth2Request) else _OAuth2Request(request)

    def create_json_request(self, request: Request) -> JsonRequest:
        return JsonRequest(request.method, request.url, request.headers)

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        if isinstance(body, dict):
            body = json.dumps(body)
        return Response(body, status=status, headers=headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None


class _TokenValidator(BearerTokenValidator):
    def __init__(self, provider: OidcProvider) -> None:
        super().__init__()
        self.provider = provider

    def authenticate_token(self, token_string: str) -> _Token | None:
        return self.provider._find_token(token_string)


_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: sign in</title></head>
<body><main>
<h1>{title}</h1>
<p>Sign in to continue to <strong>{client}</strong>.</p>
{error}
<form method="post" action="">
  <label>Username <input name="username" autocomplete="username" value="{username}"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password">
  </label>
  <button type="submit">Sign in</button>
</form>
</main></body></html>
"""


class OidcProvider(ServedOnLoopback):
    """An OIDC identity provider served on 127.0.0.1 until :meth:`stop`.

    It starts with one registered client, its default (the user pool): ``client_id`` and
    ``client_secret``, allowed to come back to ``redirect_uris`` (exact match; with none
    given, to any loopback URL, which suits a lab whose port is not known in advance).
    :meth:`register_client` registers more, one per relying party.
    """

    # endpoint -> its path on this server (handled by the method ``_<endpoint>``)
    PATHS: ClassVar[dict[str, str]] = {
        "discovery": "/.well-known/openid-configuration", "jwks": "/jwks.json",
        "authorize": "/authorize", "token": "/token", "userinfo": "/userinfo"}

    def __init__(self, users: list[IdpUser] | tuple[IdpUser, ...] = (), *,
                 client_id: str | None = None, client_secret: str | None = None,
                 redirect_uris: list[str] | tuple[str, ...] = (),
                 title: str = "Example Corp sign-in", port: int = 0,
                 id_token_seconds: int = TOKEN_SECONDS, issuer: str | None = None) -> None:
        self.title = title
        self._issuer = issuer
        self.id_token_seconds = id_token_seconds
        self.users = {user.username: user for user in users}
        self._client = RegisteredClient(client_id or self._new_client_id(),
                                        client_secret or self._new_client_secret(),
                                        tuple(redirect_uris))
        self._clients = {self._client.client_id: self._client}
        self._key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"},
                                        auto_kid=True)
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._tokens: dict[str, _Token] = {}
        self._claim_overrides: dict[str, Any] = {}
        self._received: list[tuple[str, str]] = []
        self._server = _Server(self)
        # PKCE: checked whenever a client sends it, required of public clients
        self._server.register_grant(_CodeGrant, [_OpenIDCode(self), _Pkce(required=True)])
        self._server.register_token_generator("default", BearerTokenGenerator(
            access_token_generator=lambda *args, **kwargs: secrets.token_urlsafe(32),
            expires_generator=lambda client, grant_type: TOKEN_SECONDS))
        self._protector = ResourceProtector()
        self._protector.register_token_validator(_TokenValidator(self))
        self._routes = {path: getattr(self, f"_{name}") for name, path in self.PATHS.items()}
        self._http = ThreadedServer(self._wsgi, port=port, name="oidc-idp")

    @classmethod
    def start(cls, users: list[IdpUser] | tuple[IdpUser, ...] = (),
              **options: Any) -> OidcProvider:
        """Start serving (a free port unless ``port`` is given)."""
        return cls(users, **options)

    # -- the public face -----------------------------------------------------------------
    @property
    def issuer(self) -> str:
        """The issuer URL: its discovery document is at ``{issuer}/.well-known/...``
        (its loopback URL, unless it was started with another ``issuer=``)."""
        return self._issuer or self._http.url

    @property
    def received(self) -> tuple[tuple[str, str], ...]:
        """The requests it answered, oldest first: (method, path with its query)."""
        with self._lock:
            return tuple(self._received)

    @property
    def client_id(self) -> str:
        """The default client's id (the client the provider was started with)."""
        return self._client.client_id

    @property
    def client_secret(self) -> str:
        """The default client's secret."""
        return self._client.client_secret or ""

    @property
    def redirect_uris(self) -> tuple[str, ...]:
        """The default client's redirect URIs."""
        return self._client.redirect_uris

    @property
    def clients(self) -> tuple[RegisteredClient, ...]:
        """Every registered client, the default one first."""
        with self._lock:
            return tuple(self._clients.values())

    def register_client(self, client_id: str | None = None, *,
                        redirect_uris: list[str] | tuple[str, ...],
                        public: bool = False) -> RegisteredClient:
        """Register one more relying party, as an IdP administrator does for each app:
        its own id (made up unless given), a secret unless ``public``, and the redirect
        URIs it may use (absolute http(s) URLs, no fragment; exact match, at least one)."""
        uris = (redirect_uris,) if isinstance(redirect_uris, str) else tuple(redirect_uris)
        if not uris:
            raise ValueError("register_client needs redirect_uris=[...]: the URLs the IdP "
                             "may send this client's users back to")
        for uri in uris:
            parts = urlsplit(uri)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
                raise ValueError(f"redirect URI {uri!r} is not an absolute http(s) URL "
                                 "without a fragment (RFC 6749 §3.1.2)")
        client = RegisteredClient(client_id or self._new_client_id(),
                                  None if public else self._new_client_secret(), uris)
        with self._lock:
            if client.client_id in self._clients:
                raise ValueError(f"client id {client.client_id!r} is already registered; "
                                 "leave client_id out for a new one")
            self._clients[client.client_id] = client
        return client

    @property
    def jwks(self) -> dict:
        return {"keys": [self._key.as_dict(private=False)]}

    def override_id_token_claims(self, **claims: Any) -> None:
        """Make the next ID tokens carry these claims (a misbehaving IdP), e.g. ``iss=``,
        ``aud=``, ``nonce=``, ``exp=``."""
        with self._lock:
            self._claim_overrides.update(claims)

    def reset(self) -> None:
        """Behave again."""
        with self._lock:
            self._claim_overrides.clear()

    def _shown_url(self) -> str:
        return self.issuer

    # -- state (used by the Authlib components above) -------------------------------------
    def _new_client_id(self) -> str:
        return f"corp-{secrets.token_hex(8)}"

    def _new_client_secret(self) -> str:
        return secrets.token_urlsafe(32)

    def _registered(self, client_id: str | None) -> RegisteredClient | None:
        with self._lock:
            return self._clients.get(client_id or "")

    def _overrides(self) -> dict[str, Any]:
        with self._lock:
            return dict(self._claim_overrides)

    def _save_code(self, code: _Code) -> None:
        with self._lock:
            self._codes[code.code] = code

    def _find_code(self, code: str, client_id: str) -> _Code | None:
        with self._lock:
            found = self._codes.get(code)
        if found is None or found.client_id != client_id or found.expires_at <= time.time():
            return None
        return found

    def _drop_code(self, code: str) -> None:
        with self._lock:
            self._codes.pop(code, None)

    def _nonce_in_use(self, nonce: str, client_id: str) -> bool:
        with self._lock:
            return any(c.nonce == nonce and c.client_id == client_id
                       for c in self._codes.values())

    def _save_token(self, token: _Token) -> None:
        with self._lock:
            self._tokens[token.access_token] = token

    def _find_token(self, access_token: str) -> _Token | None:
        with self._lock:
            return self._tokens.get(access_token)

    def _user_info(self, user: IdpUser, scope: str) -> UserInfo:
        granted = set((scope or "").split())
        released = {claim for name in granted for claim in SCOPE_CLAIMS.get(name, ())}
        info = UserInfo(sub=user.sub)
        for name, value in user.claims.items():
            if name != "sub" and (name not in _GATED or name in released):
                info[name] = value
        return info

    # -- HTTP ---------------------------------------------------------------------------
    def _wsgi(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        query = request.query_string.decode("latin-1")
        with self._lock:
            self._received.append((request.method,
                                   f"{request.path}?{query}" if query else request.path))
        handler = self._routes.get(request.path)
        if handler is None:
            response = Response("not found", status=404)
        else:
            response = handler(request)
        return response(environ, start_response)

    def _endpoints(self) -> dict[str, str]:
        """The endpoint URLs its discovery document names (OIDC Discovery 1.0 §3)."""
        base = self.issuer
        return {"authorization_endpoint": f"{base}{self.PATHS['authorize']}",
                "token_endpoint": f"{base}{self.PATHS['token']}",
                "userinfo_endpoint": f"{base}{self.PATHS['userinfo']}",
                "jwks_uri": f"{base}{self.PATHS['jwks']}"}

    def _discovery(self, request: Request) -> Response:
        return _json({
            "issuer": self.issuer,
            **self._endpoints(),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": list(SCOPES),
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", *sorted(_GATED)],
        })

    def _jwks(self, request: Request) -> Response:
        return _json(self.jwks)

    def _authorize(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return Response(status=405, headers={"Allow": "GET, POST"})
        try:
            grant = self._server.get_consent_grant(request)
        except OAuth2Error as error:
            # Until the client and redirect URI check out, show the error; never redirect.
            if getattr(error, "redirect_uri", None):
                return self._server.handle_error_response(request, error)
            return Response(f"<h1>{html.escape(error.error)}</h1>"
                            f"<p>{html.escape(error.description or '')}</p>",
                            status=400, content_type="text/html; charset=utf-8")
        client = grant.client.client_id
        if request.method == "GET":
            return self._form(client=client)
        username = request.form.get("username", "")
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(
                request.form.get("password", "").encode(), user.password.encode()):
            return self._form(client=client, error="Incorrect username or password.",
                              username=username)
        return self._server.create_authorization_response(request, grant_user=user,
                                                          grant=grant)

    def _form(self, *, client: str, error: str | None = None, username: str = "") -> Response:
        """The sign-in page, naming the client the user signs in to."""
        page = _FORM.format(title=html.escape(self.title),
                            client=html.escape(client),
                            error=f'<p role="alert">{html.escape(error)}</p>' if error else "",
                            username=html.escape(username))
        return Response(page, status=200 if error is None else 400,
                        content_type="text/html; charset=utf-8")

    def _token(self, request: Request) -> Response:
        if request.method != "POST":
            return Response(status=405, headers={"Allow": "POST"})
        return self._server.create_token_response(request)

    def _bearer(self, request: Request) -> _Token | None:
        """The live access token a request bears (RFC 6750 §2.1), if any."""
        try:
            return self._protector.validate_request([], _OAuth2Request(request))
        except OAuth2Error:
            return None

    def _userinfo(self, request: Request) -> Response:
        try:
            token = self._protector.validate_request(["openid"], _OAuth2Request(request))
        except OAuth2Error as error:
            status, body, headers = error()
            return Response(json.dumps(dict(body)), status=status, headers=headers)
        return _json(dict(self._user_info(token.user, token.scope)))


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json",
                    headers={"Cache-Control": "no-store"})
