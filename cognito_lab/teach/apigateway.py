"""Notebook 11's exercise check: a REST API method that refuses ID tokens.

``check_rest_method_refuses_id_tokens(lab, configure_orders_method)`` builds a fresh REST
API in the lab — a ``/orders`` resource, a ``COGNITO_USER_POOLS`` authorizer for the lab's
pool, an ``AWS_PROXY`` integration to a small function — lets the learner's
``configure_orders_method(ag, api_id, resource_id, authorizer_id)`` put the ``GET`` method,
deploys the stage and sends it five requests: no token, the pool's ID token, an access
token with ``orders/read`` (what the app sends) and two user access tokens without it
(``aws.cognito.signin.user.admin``, what ``InitiateAuth`` gives; ``openid email profile``,
what another app's hosted-UI sign-in may give). The tokens are signed with the
pool's own keys, as Cognito signs them.

AWS, "Control access to REST APIs using Amazon Cognito user pools as an authorizer": a
method without OAuth scopes takes the ID token; with scopes, an access token carrying one
of them.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from typing import Any

import requests

from . import Verdict, verdict

_runs = itertools.count(1)


def _echo(event: dict, context: Any = None) -> dict:
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"orders": ["o-1001"]})}


def _tokens(lab: Any) -> dict[str, str]:
    """An ID token, an access token with orders/read and one without, for one user."""
    now = int(lab.clock.now())
    client_id = lab.app_clients["server"].client_id
    sub = str(uuid.uuid4())
    base = {"sub": sub, "iss": lab.issuer, "auth_time": now, "iat": now, "exp": now + 3600,
            "cognito:groups": ["customers"]}
    access = {**base, "token_use": "access", "client_id": client_id,
              "username": "alice@example.com", "jti": str(uuid.uuid4())}
    return {
        "id": lab.sign_as_pool({**base, "token_use": "id", "aud": client_id,
                                "email": "alice@example.com",
                                "cognito:username": "alice@example.com"}, "id"),
        "app": lab.sign_as_pool({**access, "scope": "openid email orders/read"}, "access"),
        "sdk": lab.sign_as_pool({**access, "scope": "aws.cognito.signin.user.admin"},
                                "access"),
        "oidc": lab.sign_as_pool({**access, "scope": "openid email profile"}, "access"),
    }


def _status(url: str, token: str | None) -> int:
    headers = {"Authorization": token} if token else {}
    return requests.get(url, headers=headers, timeout=10).status_code


def check_rest_method_refuses_id_tokens(lab: Any, configure_orders_method: Callable) -> Verdict:
    """Does the learner's ``GET /orders`` method refuse ID tokens and tokens without
    ``orders/read``, and still let the app's access token through?"""
    ag = lab.client("apigateway")
    run = next(_runs)
    api_id = ag.create_rest_api(name=f"orders-check-{run}")["id"]
    try:
        root = ag.get_resources(restApiId=api_id)["items"][0]["id"]
        resource_id = ag.create_resource(restApiId=api_id, parentId=root,
                                         pathPart="orders")["id"]
        pool_arn = (f"arn:aws:cognito-idp:{lab.region}:{lab.account_id}:userpool/"
                    f"{lab.user_pool_id}")
        authorizer_id = ag.create_authorizer(
            restApiId=api_id, name="cognito", type="COGNITO_USER_POOLS",
            providerARNs=[pool_arn], identitySource="method.request.header.Authorization",
            authorizerResultTtlInSeconds=0)["id"]
        try:
            configure_orders_method(ag, api_id, resource_id, authorizer_id)
        except NotImplementedError:
            return verdict(False, "", "Not done yet: fill in `configure_orders_method`.")
        except Exception as error:      # a learner's error is feedback, not a crash
            return verdict(False, "", f"`configure_orders_method` raised "
                           f"{type(error).__name__}: {error}")
        try:
            method = ag.get_method(restApiId=api_id, resourceId=resource_id, httpMethod="GET")
        except ag.exceptions.NotFoundException:
            return verdict(False, "", "There is no GET method on /orders: call "
                           "`ag.put_method(...)` for `resource_id` with httpMethod \"GET\".")
        kind = method.get("authorizationType")
        scopes = list(method.get("authorizationScopes") or [])
        function = lab.functions.bind(lab.functions.arn(f"orders-check-{run}"), _echo)
        ag.put_integration(
            restApiId=api_id, resourceId=resource_id, httpMethod="GET", type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=(f"arn:aws:apigateway:{lab.region}:lambda:path/2015-03-31/functions/"
                 f"{function}/invocations"))
        ag.create_deployment(restApiId=api_id, stageName="prod")
        url = lab.api_url(api_id, "prod") + "/orders"
        tokens = _tokens(lab)
        got = {"none": _status(url, None), "id": _status(url, tokens["id"]),
               "app": _status(url, tokens["app"]), "sdk": _status(url, tokens["sdk"]),
               "oidc": _status(url, tokens["oidc"])}
    finally:
        ag.delete_rest_api(restApiId=api_id)

    shown = f"authorizationType {kind}, authorizationScopes {scopes or 'none'}"
    if got["none"] < 400:
        return verdict(False, "", f"A request with no token at all got {got['none']}: "
                       f"the method has {shown}. Nothing checks the caller; put the "
                       "method behind the COGNITO_USER_POOLS authorizer (`authorizer_id`).")
    if kind != "COGNITO_USER_POOLS":
        return verdict(False, "", f"The method has {shown}: this exercise protects it with "
                       "the Cognito user pool authorizer, COGNITO_USER_POOLS.")
    if got["id"] < 400:
        return verdict(False, "", f"An ID token still gets {got['id']}: the method has "
                       f"{shown}. Without OAuth scopes a Cognito authorizer takes the ID "
                       "token. Which claim does only an access token carry?")
    if got["app"] >= 400:
        return verdict(False, "", f"The app's own access token (scope \"openid email "
                       f"orders/read\") is refused with {got['app']}: the method wants "
                       f"{scopes}, which that token lacks. Ask for the scope reading orders "
                       "needs, one the app's token carries.")
    for name, scope in (("sdk", "aws.cognito.signin.user.admin"),
                        ("oidc", "openid email profile")):
        if got[name] < 400:
            return verdict(False, "", f"An access token without orders/read (scope "
                           f"\"{scope}\", which any signed-in user's token may carry) gets "
                           f"{got[name]}: the method accepts any of {scopes}. Ask only for "
                           "the API's own scope, the one reading orders needs.")
    return verdict(True, f"GET /orders ({shown}) refuses a request without a token "
                   f"({got['none']}), the ID token ({got['id']}) and access tokens "
                   f"without orders/read ({got['sdk']}, {got['oidc']}); the app's access "
                   f"token gets "
                   f"{got['app']}.", "")


__all__ = ["check_rest_method_refuses_id_tokens"]
