"""API Gateway's authorizers: JWT (HTTP APIs), Cognito user pools (REST APIs), Lambda.

Each ``run_*`` function returns an :class:`Allowed` (what goes into the integration's
``requestContext.authorizer``) or raises :class:`Refused` carrying AWS's answer.

AWS pages followed (Amazon API Gateway Developer Guide, /apigateway/latest/developerguide/):
- "Control access to HTTP APIs with JWT authorizers" (http-api-jwt-authorizer.html) and
  "Troubleshooting issues with HTTP API JWT authorizers" (http-api-troubleshooting-jwt.html):
  401 ``{"message":"Unauthorized"}`` with ``www-authenticate: Bearer scope="" error=
  "invalid_token" error_description="..."``; a route's scopes need at least one in the
  token, else 403 ``{"message":"Forbidden"}``.
- "Control access to REST APIs using Amazon Cognito user pools as an authorizer"
  (apigateway-integrate-with-cognito.html): a method without OAuth scopes takes an ID
  token; a method with scopes takes an access token carrying one of them.
- "Use API Gateway Lambda authorizers" (apigateway-use-lambda-authorizer.html) and
  "Control access to HTTP APIs with AWS Lambda authorizers" (http-api-lambda-authorizer.html):
  identity sources must all be present (else 401 without invoking the function); the
  result is cached by identity source for the authorizer's TTL; a REST authorizer answers
  with an IAM policy evaluated against the method ARN — the *cached* policy too, for other
  methods; an HTTP API authorizer may answer ``{"isAuthorized": ..., "context": ...}``.
"""

from __future__ import annotations

import fnmatch
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ... import cognito_ids
from ..functions import FunctionNotBound
from .events import ApiRequest, json_response
from .jwt_check import (
    KeySource,
    TokenRejected,
    bearer_token,
    read_and_verify,
    stringified,
    token_scopes,
)

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from ...clock import Clock
    from ..functions import Functions

REST_DEFAULT_TTL = 300        # authorizerResultTtlInSeconds when a REST authorizer sets none


class Refused(Exception):
    """The authorizer says no; ``response`` is what API Gateway answers."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass
class Allowed:
    context: dict = field(default_factory=dict)


def unauthorized(www_authenticate: str | None = None) -> Refused:
    headers = {"www-authenticate": www_authenticate} if www_authenticate else None
    return Refused(json_response({"message": "Unauthorized"}, 401, headers))


def _invalid_token(description: str) -> Refused:
    return unauthorized(f'Bearer scope="" error="invalid_token" '
                        f'error_description="{description}"')


# -- the result cache -----------------------------------------------------------------------
class AuthorizerCache:
    """Authorizer results by (API, authorizer, identity source values), until their TTL
    runs out on the lab's clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[float, Any]] = {}

    def get(self, key: tuple) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self._clock.now():
                del self._entries[key]
                return None
            return entry[1]

    def put(self, key: tuple, value: Any, ttl: float) -> None:
        if ttl <= 0:
            return
        with self._lock:
            self._entries[key] = (self._clock.now() + ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            now = self._clock.now()
            return sum(1 for expiry, _ in self._entries.values() if expiry > now)


# -- identity sources -----------------------------------------------------------------------
def identity_value(source: str, request: ApiRequest, stage_variables: dict) -> str | None:
    """One identity source (``$request.header.X``, ``method.request.querystring.Y``,
    ``$stageVariables.Z``, ``stageVariables.Z``, ``$context.W``) read from the request."""
    source = source.strip()
    for prefix in ("$request.header.", "method.request.header."):
        if source.startswith(prefix):
            return request.header(source[len(prefix):])
    for prefix in ("$request.querystring.", "method.request.querystring."):
        if source.startswith(prefix):
            values = [v for k, v in request.query_values() if k == source[len(prefix):]]
            return ",".join(values) if values else None
    for prefix in ("$stageVariables.", "stageVariables."):
        if source.startswith(prefix):
            return stage_variables.get(source[len(prefix):])
    for prefix in ("$context.", "context."):
        if source.startswith(prefix):
            known = {"httpMethod": request.method, "stage": request.stage,
                     "requestId": request.request_id, "identity.sourceIp": request.source_ip}
            return known.get(source[len(prefix):])
    return None


def identity_values(sources: list[str] | str | None, request: ApiRequest,
                    stage_variables: dict) -> list[str] | None:
    """Every identity source's value, or None if one is missing or empty."""
    if isinstance(sources, str):
        sources = [s for s in sources.split(",") if s.strip()]
    values = [identity_value(s, request, stage_variables) for s in sources or []]
    if any(not v for v in values):
        return None
    return values  # type: ignore[return-value]


# -- HTTP APIs: JWT authorizer ----------------------------------------------------------------
def run_jwt(authorizer: dict, route: dict, request: ApiRequest, keys: KeySource) -> Allowed:
    config = authorizer.get("jwtConfiguration") or {}
    issuer = config.get("issuer")
    audience = list(config.get("audience") or [])
    values = identity_values(authorizer.get("identitySource")
                             or ["$request.header.Authorization"], request, {})
    token = bearer_token(values[0]) if values else None
    if token is None:
        raise unauthorized("Bearer")
    try:
        read = read_and_verify(token, jwks_of=keys.jwks, allowed_issuers=lambda i: i == issuer,
                               now=request.now)
    except TokenRejected as rejected:
        raise _invalid_token(rejected.description) from None
    claims = read.claims
    aud = claims.get("aud")
    if aud is not None:
        ok = any(a in audience for a in (aud if isinstance(aud, list) else [aud]))
    else:
        ok = claims.get("client_id") in audience
    if not ok:
        raise _invalid_token("the token does not have a valid audience")
    wanted = list(route.get("authorizationScopes") or [])
    scopes = token_scopes(claims)
    if wanted and not set(wanted) & set(scopes):
        raise Refused(json_response(
            {"message": "Forbidden"}, 403,
            {"www-authenticate": f'Bearer scope="{" ".join(wanted)}" '
                                 'error="insufficient_scope" error_description='
                                 '"the token does not have the required scopes"'}))
    return Allowed({"jwt": {"claims": {k: stringified(v) for k, v in claims.items()},
                            "scopes": scopes if wanted else None}})


# -- REST APIs: Cognito user pools authorizer -------------------------------------------------
def _pool_issuer(provider_arn: str) -> str | None:
    # arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>
    match = re.fullmatch(r"arn:aws[\w-]*:cognito-idp:([\w-]+):\d{12}:userpool/(\S+)",
                         provider_arn)
    return cognito_ids.issuer(match.group(1), match.group(2)) if match else None


def run_cognito(authorizer: dict, method: dict, request: ApiRequest, keys: KeySource,
                cache: AuthorizerCache) -> Allowed:
    values = identity_values(authorizer.get("identitySource")
                             or "method.request.header.Authorization", request, {})
    token = bearer_token(values[0]) if values else None
    if token is None:
        raise unauthorized()
    ttl = authorizer.get("authorizerResultTtlInSeconds")
    ttl = REST_DEFAULT_TTL if ttl is None else int(ttl)
    key = ("cognito", request.api_id, authorizer.get("id"), token)
    claims = cache.get(key)
    if claims is None:
        issuers = {i for i in map(_pool_issuer, authorizer.get("providerARNs") or []) if i}
        try:
            claims = read_and_verify(token, jwks_of=keys.jwks,
                                     allowed_issuers=lambda i: i in issuers,
                                     now=request.now).claims
        except TokenRejected as rejected:
            if rejected.expired:
                raise Refused(json_response({"message": "The incoming token has expired"},
                                            401)) from None
            raise unauthorized() from None
        # a cached result never outlives the token (AWS does not say; the safe reading)
        cache.put(key, claims, min(ttl, float(claims["exp"]) - request.now))
    elif float(claims.get("exp", 0)) <= request.now:
        raise Refused(json_response({"message": "The incoming token has expired"}, 401))
    wanted = list(method.get("authorizationScopes") or [])
    if wanted:
        # scopes configured: an access token carrying one of them
        if claims.get("token_use") != "access" or not set(wanted) & set(token_scopes(claims)):
            raise unauthorized()
    elif claims.get("token_use") != "id":
        # no scopes: Cognito's authorizer takes the ID token (the pitfall: any valid ID
        # token of the pool, whichever app client it was issued to)
        raise unauthorized()
    return Allowed({"claims": {k: stringified(v) for k, v in claims.items()}})


# -- Lambda authorizers -----------------------------------------------------------------------
def method_arn(request: ApiRequest, method: str | None = None) -> str:
    """``arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>``."""
    return (f"arn:aws:execute-api:{request.region}:{request.account_id}:{request.api_id}/"
            f"{request.stage}/{method or request.method}{request.path}")


def _arn_matches(pattern: str, arn: str) -> bool:
    translated = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                         for c in pattern)
    return re.fullmatch(translated, arn) is not None


def policy_allows(document: Any, arn: str) -> str:
    """"allow", "deny" (an explicit Deny matches) or "none" (no Allow matches)."""
    if not isinstance(document, dict):
        raise ValueError("policyDocument is not an object")
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list):
        raise ValueError("policyDocument has no Statement list")
    verdict = "none"
    for statement in statements:
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if not any(fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions):
            continue
        if not any(_arn_matches(r, arn) for r in resources):
            continue
        if statement.get("Effect") == "Deny":
            return "deny"
        if statement.get("Effect") == "Allow":
            verdict = "allow"
    return verdict


def _context(answer: dict) -> dict:
    context = answer.get("context") or {}
    if not isinstance(context, dict):
        raise ValueError("context is not an object")
    return {k: v if isinstance(v, (str, int, float, bool)) else stringified(v)
            for k, v in context.items()}


def run_rest_lambda(authorizer: dict, request: ApiRequest, event_of: Any,
                    functions: Functions, cache: AuthorizerCache,
                    stage_variables: dict) -> Allowed:
    """A REST API's TOKEN or REQUEST Lambda authorizer (the answer: an IAM policy)."""
    kind = authorizer.get("type", "TOKEN")
    sources = authorizer.get("identitySource") or (
        "method.request.header.Authorization" if kind == "TOKEN" else "")
    ttl = authorizer.get("authorizerResultTtlInSeconds")
    ttl = REST_DEFAULT_TTL if ttl is None else int(ttl)
    values = identity_values(sources, request, stage_variables)
    if values is None or (not values and ttl > 0):
        raise unauthorized()
    arn = method_arn(request)
    if kind == "TOKEN":
        expression = authorizer.get("identityValidationExpression")
        if expression and re.fullmatch(expression, values[0]) is None:
            raise unauthorized()
        event: dict = {"type": "TOKEN", "authorizationToken": values[0], "methodArn": arn}
    else:
        event = {"type": "REQUEST", "methodArn": arn, **event_of()}
    key = ("lambda", request.api_id, authorizer.get("id"), tuple(values))
    answer = cache.get(key) if values else None
    if answer is None:
        answer = _invoke_authorizer(functions, authorizer.get("authorizerUri", ""), event,
                                    server_error={"message": None}, status=500)
        cache.put(key, answer, ttl)
    try:
        verdict = policy_allows(answer.get("policyDocument"), arn)
        context = _context(answer)
    except (ValueError, AttributeError, TypeError):
        raise Refused(json_response({"message": None}, 500)) from None
    if verdict == "deny":
        raise Refused(json_response({"Message": "User is not authorized to access this "
                                                "resource with an explicit deny"}, 403))
    if verdict != "allow":
        raise Refused(json_response(
            {"Message": "User is not authorized to access this resource"}, 403))
    return Allowed({"principalId": answer.get("principalId"), **context,
                    "integrationLatency": 0})


def run_http_lambda(authorizer: dict, route: dict, request: ApiRequest, event_of: Any,
                    functions: Functions, cache: AuthorizerCache,
                    stage_variables: dict) -> Allowed:
    """An HTTP API's REQUEST Lambda authorizer (simple answers or an IAM policy)."""
    sources = authorizer.get("identitySource") or []
    ttl = int(authorizer.get("authorizerResultTtlInSeconds") or 0)
    values = identity_values(sources, request, stage_variables)
    if values is None:
        raise unauthorized()
    version = authorizer.get("authorizerPayloadFormatVersion") or "2.0"
    route_arn = method_arn(request)
    event = {"type": "REQUEST", **event_of(version)}
    if version == "2.0":
        event.update({"version": "2.0", "routeArn": route_arn, "identitySource": values})
    else:
        event.update({"version": "1.0", "methodArn": route_arn,
                      "identitySource": ",".join(values),
                      "authorizationToken": request.header("authorization")})
    key = ("lambda", request.api_id, authorizer.get("authorizerId"), tuple(values))
    answer = cache.get(key) if values else None
    if answer is None:
        answer = _invoke_authorizer(functions, authorizer.get("authorizerUri", ""), event,
                                    server_error={"message": "Internal Server Error"},
                                    status=500)
        cache.put(key, answer, ttl)
    forbidden = Refused(json_response({"message": "Forbidden"}, 403))
    failed = Refused(json_response({"message": "Internal Server Error"}, 500))
    try:
        if version == "2.0" and authorizer.get("enableSimpleResponses"):
            if not isinstance(answer.get("isAuthorized"), bool):
                raise failed
            if not answer["isAuthorized"]:
                raise forbidden
        elif policy_allows(answer.get("policyDocument"), route_arn) != "allow":
            raise forbidden
        context = _context(answer)
    except (ValueError, AttributeError, TypeError):
        raise failed from None
    if version == "2.0":
        return Allowed({"lambda": context})
    return Allowed({"principalId": answer.get("principalId"), **context})


def _invoke_authorizer(functions: Functions, uri: str, event: dict, *,
                       server_error: dict, status: int) -> dict:
    try:
        answer = functions.invoke(uri, event, caller="API Gateway Lambda authorizer")
    except FunctionNotBound:
        raise Refused(json_response(server_error, status)) from None
    except Exception as exc:  # the function failed
        if str(exc) == "Unauthorized":
            raise unauthorized() from None      # AWS: the function's "Unauthorized" error
        raise Refused(json_response(server_error, status)) from None
    if not isinstance(answer, dict):
        raise Refused(json_response(server_error, status))
    return answer
