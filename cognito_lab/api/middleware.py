"""WSGI middleware that lets a request through only with an acceptable Cognito access token.

Two variants, one face, so a lesson can swap them and measure the difference:

- :class:`LocalJwtAuth` verifies the token **locally** (signature with the pool's cached
  public keys, then the claims): no call to Cognito per request;
- :class:`GetUserAuth` asks **Cognito** on every request (``GetUser``): slower, rate
  limited (UserRead quota), a network dependency — but it sees a GlobalSignOut at once.

Both read ``Authorization: Bearer <token>`` and answer as RFC 6750 §3 says:

- no token (or another scheme): 401 with ``WWW-Authenticate: Bearer`` and no error code;
- a malformed ``Authorization`` header: 400 ``error="invalid_request"``;
- a token that is not acceptable: 401 ``error="invalid_token"``;
- a valid token without a required scope or group: 403 ``error="insufficient_scope"``.

The accepted claims land in ``environ["cognito.claims"]`` (and, for GetUser, the user's
attributes in ``environ["cognito.user"]``); ``environ["cognito.auth"]`` says which variant
accepted them. Route requirements are a plain mapping::

    rules = {"/public": PUBLIC,
             "GET /orders": require(scope="orders/read"),
             "POST /orders": require(scope="orders/write"),
             "/admin": require(group="admins")}

Keys are ``"METHOD /path"`` or ``"/path"`` (any method); a path ending in ``/*`` matches
everything below it. A route with no rule needs a valid token (secure by default).
Several values in one ``scope`` (or ``group``) mean *any one of them*; a rule with both a
scope and a group needs both.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cognito_lab import cognito_ids
from cognito_lab.api.errors import JwtInvalidScopeError, JwtVerificationError
from cognito_lab.api.jwt_parse import decode_unverified

logger = logging.getLogger(__name__)

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]
CLAIMS_KEY = "cognito.claims"
USER_KEY = "cognito.user"
AUTH_KEY = "cognito.auth"

# RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
# RFC 6750 §3: error_description and scope values use %x20-21 / %x23-5B / %x5D-7E only.
_NOT_QUOTABLE = re.compile(r'[^\x20-\x21\x23-\x5b\x5d-\x7e]')


# --- route requirements ------------------------------------------------------------------


@dataclass(frozen=True)
class Require:
    """What a route needs: nothing (``public``), a valid token, a scope, a group."""

    scopes: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    public: bool = False


def _names(value: str | Iterable[str] | None, what: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    names = frozenset([value] if isinstance(value, str) else value)
    if not names or not all(isinstance(n, str) and n and not _NOT_QUOTABLE.search(n)
                            and " " not in n for n in names):
        raise ValueError(f"{what} must be a non-empty name or list of names, got {value!r}")
    return names


def require(*, scope: str | Iterable[str] | None = None,
            group: str | Iterable[str] | None = None) -> Require:
    """A route requirement: a valid token, plus one of ``scope`` and one of ``group``."""
    return Require(scopes=_names(scope, "scope"), groups=_names(group, "group"))


PUBLIC = Require(public=True)
"""No token needed (the middleware does not even look for one)."""
AUTHENTICATED = Require()
"""Any valid token: the default for routes without a rule."""


class Rules:
    """Route requirements looked up by method and path (see the module docstring)."""

    def __init__(self, rules: Mapping[str, Require] | None = None,
                 default: Require = AUTHENTICATED) -> None:
        self.default = default
        self._exact: dict[tuple[str | None, str], Require] = {}
        self._prefixes: list[tuple[str | None, str, Require]] = []
        for key, rule in (rules or {}).items():
            if not isinstance(rule, Require):
                raise TypeError(f"rule for {key!r} must be a Require (use require(...) or "
                                f"PUBLIC), got {type(rule).__name__}")
            method, path = self._parse_key(key)
            if path.endswith("/*"):
                self._prefixes.append((method, path[:-1], rule))
            else:
                self._exact[method, path] = rule
        self._prefixes.sort(key=lambda item: -len(item[1]))  # longest prefix wins

    @staticmethod
    def _parse_key(key: str) -> tuple[str | None, str]:
        parts = key.split()
        if len(parts) == 1 and parts[0].startswith("/"):
            return None, parts[0]
        if len(parts) == 2 and parts[0].isalpha() and parts[1].startswith("/"):
            return parts[0].upper(), parts[1]
        raise ValueError(f"a rule key is 'METHOD /path' or '/path', got {key!r}")

    def for_request(self, method: str, path: str) -> Require:
        exact = self._exact
        for candidate in (method, "GET" if method == "HEAD" else None, None):
            rule = exact.get((candidate, path))
            if rule is not None:
                return rule
        for rule_method, prefix, rule in self._prefixes:
            if (rule_method is None or rule_method == method) and path.startswith(prefix):
                return rule
        return self.default


# --- refusals ----------------------------------------------------------------------------


class Refusal(Exception):
    """Why a request is refused, and how to say it over HTTP (RFC 6750 §3)."""

    def __init__(self, status: int, description: str, error: str | None = None, *,
                 scope: frozenset[str] | None = None, retry_after: int | None = None,
                 detail: str | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.scope = scope
        self.retry_after = retry_after
        self.detail = detail or description

    def headers(self, realm: str | None) -> list[tuple[str, str]]:
        headers = [("Content-Type", "application/json")]
        if self.status in (401, 403, 400):
            params = []
            if realm:
                params.append(f'realm="{_quotable(realm)}"')
            if self.error:
                params.append(f'error="{self.error}"')
                params.append(f'error_description="{_quotable(self.description)}"')
            if self.scope:
                params.append(f'scope="{" ".join(sorted(self.scope))}"')
            headers.append(("WWW-Authenticate", "Bearer" + (" " + ", ".join(params)
                                                             if params else "")))
        if self.retry_after is not None:
            headers.append(("Retry-After", str(self.retry_after)))
        return headers

    def body(self) -> bytes:
        content: dict[str, Any] = {"message": self.description}
        if self.error:
            content = {"error": self.error, "error_description": self.description}
        return json.dumps(content).encode()


_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            503: "Service Unavailable"}


def _quotable(text: str) -> str:
    return _NOT_QUOTABLE.sub("?", text)


def missing_token() -> Refusal:
    return Refusal(401, "This API needs an access token: send 'Authorization: Bearer <token>'")


def bearer_token(environ: dict) -> str:
    """The token of ``Authorization: Bearer <token>``; a Refusal if there is none."""
    header = environ.get("HTTP_AUTHORIZATION")
    if not header:
        raise missing_token()
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise missing_token()    # another scheme: a challenge without an error (§3.1)
    token = rest.strip(" ")
    if not _B64TOKEN.fullmatch(token):
        raise Refusal(400, "The Authorization header must be 'Bearer <token>' with one "
                           "token of base64url characters", "invalid_request")
    return token


def refusal_for(exc: JwtVerificationError) -> Refusal:
    """The HTTP answer to a verifier error (401, 403 or 503).

    What the caller is told comes from the error's class: its ``public_message`` (generic
    and stable per failed check; the verifier's full message goes to the log),
    ``www_authenticate_error`` and ``retry_after``."""
    scope = None
    if (exc.http_status == 403 and isinstance(exc, JwtInvalidScopeError)
            and isinstance(exc.expected, list)):
        scope = frozenset(exc.expected)
    return Refusal(exc.http_status, exc.public_message, exc.www_authenticate_error,
                   scope=scope, retry_after=exc.retry_after, detail=str(exc))


def check_requirement(rule: Require, claims: Mapping[str, Any]) -> None:
    """Raise a 403 Refusal unless the claims carry one of the rule's scopes and groups."""
    if rule.scopes:
        scope = claims.get("scope")
        if type(scope) is not str or rule.scopes.isdisjoint(scope.split(" ")):
            wanted = " or ".join(sorted(rule.scopes))
            raise Refusal(403, f"This route needs the scope {wanted}", "insufficient_scope",
                          scope=rule.scopes)
    if rule.groups:
        groups = claims.get("cognito:groups")
        if type(groups) is not list or rule.groups.isdisjoint(
                g for g in groups if type(g) is str):
            wanted = " or ".join(sorted(rule.groups))
            raise Refusal(403, f"This route needs membership of the group {wanted}",
                          "insufficient_scope")


# --- the middleware ----------------------------------------------------------------------


class BearerAuth:
    """Shared by both variants: find the rule, read the token, authenticate, authorize."""

    auth_name = "bearer"

    def __init__(self, app: WsgiApp, *, rules: Mapping[str, Require] | Rules | None = None,
                 default: Require = AUTHENTICATED, realm: str | None = None) -> None:
        self.app = app
        self.rules = rules if isinstance(rules, Rules) else Rules(rules, default)
        self.realm = realm

    def authenticate(self, token: str, environ: dict) -> dict[str, Any]:
        """The token's claims, or raise a Refusal."""
        raise NotImplementedError

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        rule = self.rules.for_request(environ.get("REQUEST_METHOD", "GET"),
                                      environ.get("PATH_INFO", "") or "/")
        if rule.public:
            return self.app(environ, start_response)
        try:
            claims = self.authenticate(bearer_token(environ), environ)
            check_requirement(rule, claims)
        except Refusal as refusal:
            return self.refuse(refusal, environ, start_response)
        environ[CLAIMS_KEY] = claims
        environ[AUTH_KEY] = self.auth_name
        return self.app(environ, start_response)

    def refuse(self, refusal: Refusal, environ: dict,
               start_response: Callable) -> Iterable[bytes]:
        if refusal.status != 401 or refusal.error:
            logger.info("%s %s refused (%d): %s", environ.get("REQUEST_METHOD"),
                        environ.get("PATH_INFO"), refusal.status, refusal.detail)
        body = refusal.body()
        headers = [*refusal.headers(self.realm), ("Content-Length", str(len(body)))]
        start_response(f"{refusal.status} {_REASONS[refusal.status]}", headers)
        return [body]


class LocalJwtAuth(BearerAuth):
    """Verify each request's token locally with ``verifier`` (a CognitoJwtVerifier, a
    VerifiedTokenCache, or anything with ``verify(token) -> claims``).

    Nothing is sent to Cognito per request; the verifier's JWKS cache fetches the keys
    once. The price: a token stays accepted until it expires, even after a GlobalSignOut.
    """

    auth_name = "local"

    def __init__(self, app: WsgiApp, verifier: Any, **options: Any) -> None:
        if not callable(getattr(verifier, "verify", None)):
            raise TypeError("verifier must have a verify(token) method, e.g. a "
                            "CognitoJwtVerifier")
        super().__init__(app, **options)
        self.verifier = verifier

    def authenticate(self, token: str, environ: dict) -> dict[str, Any]:
        try:
            return self.verifier.verify(token)
        except JwtVerificationError as exc:
            raise refusal_for(exc) from None


class GetUserAuth(BearerAuth):
    """Ask Cognito about each request's token with ``GetUser`` (the anti-pattern measured
    in notebook 07, useful for a *few* sensitive operations).

    ``idp_client`` is a boto3 ``cognito-idp`` client. GetUser accepts an access token of
    *any* user pool in the region, and any of its app clients, so pass ``user_pool_id``
    (and ``client_id``) to refuse tokens that are valid but not meant for this API.
    GetUser needs tokens with the ``aws.cognito.signin.user.admin`` scope.
    """

    auth_name = "getuser"

    def __init__(self, app: WsgiApp, idp_client: Any, *, user_pool_id: str | None = None,
                 client_id: str | Iterable[str] | None = None,
                 **options: Any) -> None:
        from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

        if not callable(getattr(idp_client, "get_user", None)):
            raise TypeError("idp_client must be a boto3 cognito-idp client")
        super().__init__(app, **options)
        self.idp_client = idp_client
        self.issuer = None
        if user_pool_id is not None:
            region = cognito_ids.user_pool_region(user_pool_id)
            if region is None:
                raise ValueError(f"user_pool_id must look like 'us-east-1_AbC123', got "
                                 f"{user_pool_id!r}")
            self.issuer = cognito_ids.issuer(region, user_pool_id)
        self.client_ids = (None if client_id is None else
                           frozenset([client_id] if isinstance(client_id, str) else client_id))
        self._client_error = ClientError
        self._param_error = ParamValidationError
        self._boto_error = BotoCoreError

    def authenticate(self, token: str, environ: dict) -> dict[str, Any]:
        try:
            user = self.idp_client.get_user(AccessToken=token)
        except self._client_error as exc:
            raise self._refusal(exc) from None
        except self._param_error:
            raise Refusal(401, "The access token is malformed", "invalid_token") from None
        except self._boto_error as exc:
            raise Refusal(503, "Cognito could not be reached; try again", retry_after=1,
                          detail=str(exc)) from None
        # Cognito accepted the token, so its claims are Cognito's: reading them unverified
        # is safe here. The pool and client checks are still ours to make.
        try:
            claims = decode_unverified(token).payload
        except JwtVerificationError:
            raise Refusal(401, "The access token is malformed", "invalid_token") from None
        if self.issuer is not None and claims.get("iss") != self.issuer:
            raise Refusal(401, "The token was issued by another user pool", "invalid_token")
        if self.client_ids is not None and claims.get("client_id") not in self.client_ids:
            raise Refusal(401, "The token was issued to another app client", "invalid_token")
        environ[USER_KEY] = {
            "username": user.get("Username"),
            "attributes": {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])},
        }
        return claims

    @staticmethod
    def _refusal(exc: Any) -> Refusal:
        error = exc.response.get("Error", {})
        code, message = error.get("Code", ""), error.get("Message", "")
        if code == "TooManyRequestsException":
            return Refusal(503, "Cognito throttled GetUser (UserRead quota); try again",
                           retry_after=1, detail=f"{code}: {message}")
        if code in ("NotAuthorizedException", "InvalidParameterException",
                    "UserNotFoundException", "PasswordResetRequiredException",
                    "UserNotConfirmedException"):
            lowered = message.lower()
            description = ("The token expired" if "expired" in lowered else
                           "The token has been revoked" if "revoked" in lowered else
                           "The user is disabled" if "disabled" in lowered else
                           "The token is invalid")
            return Refusal(401, description, "invalid_token", detail=f"{code}: {message}")
        return Refusal(503, "Cognito could not check the token; try again", retry_after=1,
                       detail=f"{code}: {message}")


__all__ = [
    "AUTHENTICATED",
    "AUTH_KEY",
    "CLAIMS_KEY",
    "PUBLIC",
    "USER_KEY",
    "BearerAuth",
    "GetUserAuth",
    "LocalJwtAuth",
    "Refusal",
    "Require",
    "Rules",
    "bearer_token",
    "check_requirement",
    "refusal_for",
    "require",
]
