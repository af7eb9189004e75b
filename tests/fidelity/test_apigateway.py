"""API Gateway authorizers at the invoke URL: the lab enforces them; moto stores the API
and serves nothing at the stage's URL. (More cases: tests/apigateway/.)"""

from __future__ import annotations

import time
import uuid

import requests

from .conftest import Target

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:fidelity-api"


def endpoint(target: Target) -> str:
    return target.client("apigatewayv2").meta.endpoint_url


def signed(target: Target, use: str, **claims) -> str:
    """A token of the target's pool (the lab signs it with the pool's key; moto's would
    never be checked, since moto serves no API)."""
    if not target.is_lab:
        return "not-checked-by-moto"
    now = int(time.time())
    base = {"sub": str(uuid.uuid4()), "iss": target.lab.issuer, "token_use": use,
            "iat": now, "exp": now + 3600}
    if use == "id":
        base["aud"] = target.app("web").client_id
    else:
        base["client_id"] = target.app("web").client_id
    return target.lab.sign_as_pool({**base, **claims}, use)


def http_api(target: Target, scopes: list[str]) -> str:
    v2 = target.client("apigatewayv2")
    api_id = v2.create_api(Name=f"fidelity-{uuid.uuid4().hex[:6]}", ProtocolType="HTTP")["ApiId"]
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{target.pool_id}"
    authorizer = v2.create_authorizer(
        ApiId=api_id, AuthorizerType="JWT", Name="cognito",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": issuer, "Audience": [target.app("web").client_id]})
    integration = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                        IntegrationUri=FUNCTION, PayloadFormatVersion="2.0")
    v2.create_route(ApiId=api_id, RouteKey="GET /orders", AuthorizationType="JWT",
                    AuthorizerId=authorizer["AuthorizerId"], AuthorizationScopes=scopes,
                    Target=f"integrations/{integration['IntegrationId']}")
    v2.create_stage(ApiId=api_id, StageName="$default")
    if target.is_lab:
        target.lab.functions.bind(FUNCTION, lambda event: {"claims": event["requestContext"]
                                                            ["authorizer"]["jwt"]["claims"]})
    return f"{endpoint(target)}/_aws/execute-api/{api_id}/orders"


def test_jwt_authorizer_refuses_a_token_without_the_route_scope(target):
    """A route with AuthorizationScopes needs a token with one of them: 403
    {"message":"Forbidden"}. AWS: "Control access to HTTP APIs with JWT authorizers in API
    Gateway" (/apigateway/latest/developerguide/http-api-jwt-authorizer.html)."""
    url = http_api(target, ["orders/read"])
    response = requests.get(url, headers={"Authorization": signed(target, "access",
                                                                  scope="openid")}, timeout=10)
    if target.is_lab:
        assert response.status_code == 403 and response.json() == {"message": "Forbidden"}
    else:
        assert response.status_code == 500      # moto cannot route the request at all


def test_jwt_authorizer_takes_an_id_token_on_a_route_without_scopes(target):
    """The ID-token pitfall: without route scopes, an ID token whose aud is an audience
    entry is accepted and its claims reach the function. AWS: "Control access to HTTP APIs
    with JWT authorizers in API Gateway" (the Note on access vs ID tokens)."""
    url = http_api(target, [])
    response = requests.get(url, headers={"Authorization": signed(target, "id")}, timeout=10)
    if target.is_lab:
        assert response.status_code == 200
        assert response.json()["claims"]["token_use"] == "id"
    else:
        assert response.status_code == 500


def test_jwt_authorizer_wrong_audience_answer(target):
    """401 {"message":"Unauthorized"} with www-authenticate: Bearer scope="" error=
    "invalid_token" error_description="the token does not have a valid audience". AWS:
    "Troubleshooting issues with HTTP API JWT authorizers"."""
    url = http_api(target, [])
    response = requests.get(url, headers={"Authorization": signed(target, "id", aud="other")},
                            timeout=10)
    if target.is_lab:
        assert response.status_code == 401
        assert response.headers["www-authenticate"].endswith(
            'error_description="the token does not have a valid audience"')
    else:
        assert response.status_code == 500 and "www-authenticate" not in response.headers
