"""YOUR API's Lambda authorizers for API Gateway, written with the kit's verifier.

API Gateway invokes a Lambda authorizer with the request (its identity sources) and acts on
its answer. AWS, "Use API Gateway Lambda authorizers" (REST APIs: answer with an IAM policy;
raise ``Exception("Unauthorized")`` for a 401) and "Control access to HTTP APIs with AWS
Lambda authorizers" (payload 2.0 with simple responses: ``{"isAuthorized": bool,
"context": {...}}``).

    verifier = CognitoJwtVerifier(user_pool_id=..., token_use="access", client_id=...)
    lab.functions.bind(arn, http_api_authorizer(verifier))      # HTTP API, simple responses
    lab.functions.bind(arn, rest_api_authorizer(verifier))      # REST API, IAM policy

The same functions run on AWS Lambda unchanged: they read only the event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cognito_lab.api.errors import JwtVerificationError

Handler = Callable[[dict, Any], dict]


def _token_of(event: dict) -> str | None:
    sources = event.get("identitySource")
    if isinstance(sources, list) and sources:
        value = sources[0]
    else:
        value = event.get("authorizationToken") or (event.get("headers") or {}).get(
            "authorization")
    if not value:
        return None
    return value[7:].strip() if value[:7].lower() == "bearer " else value.strip()


def _context(claims: dict) -> dict:
    groups = claims.get("cognito:groups") or []
    return {"sub": str(claims.get("sub", "")), "username": str(claims.get("username", "")),
            "groups": ",".join(groups), "scope": str(claims.get("scope", ""))}


def http_api_authorizer(verifier: Any,
                        allow: Callable[[dict, dict], bool] | None = None) -> Handler:
    """An HTTP API REQUEST authorizer (payload 2.0, simple responses): authorized when the
    token verifies and ``allow(claims, event)`` (if given) says yes."""

    def handler(event: dict, context: Any = None) -> dict:
        token = _token_of(event)
        try:
            claims = verifier.verify(token or "")
        except JwtVerificationError:
            return {"isAuthorized": False}
        if allow is not None and not allow(claims, event):
            return {"isAuthorized": False}
        return {"isAuthorized": True, "context": _context(claims)}

    return handler


def rest_api_authorizer(verifier: Any, allow: Callable[[dict, dict], bool] | None = None,
                        *, whole_api: bool = True) -> Handler:
    """A REST API TOKEN or REQUEST authorizer answering with an IAM policy.

    ``whole_api``: allow every method of the stage (``<api>/<stage>/*``), so a cached policy
    stays right for the other methods the same token calls; with False the policy names only
    this ``methodArn`` — and API Gateway's cache then refuses the token's next call to
    another method (403) until the TTL runs out."""

    def handler(event: dict, context: Any = None) -> dict:
        token = _token_of(event)
        try:
            claims = verifier.verify(token or "")
        except JwtVerificationError:
            raise Exception("Unauthorized") from None   # API Gateway's 401
        arn = event["methodArn"]
        effect = "Allow" if allow is None or allow(claims, event) else "Deny"
        if whole_api:
            api_arn, stage = arn.split("/")[:2]
            arn = f"{api_arn}/{stage}/*"
        return {"principalId": str(claims.get("sub", "")),
                "policyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Action": "execute-api:Invoke", "Effect": effect, "Resource": arn}]},
                "context": _context(claims)}

    return handler


__all__ = ["http_api_authorizer", "rest_api_authorizer"]
