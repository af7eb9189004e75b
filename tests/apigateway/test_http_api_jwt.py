"""HTTP APIs (apigatewayv2) with a JWT authorizer, served by the lab.

AWS pages: "Control access to HTTP APIs with JWT authorizers in API Gateway"
(/apigateway/latest/developerguide/http-api-jwt-authorizer.html), "Troubleshooting issues
with HTTP API JWT authorizers" (http-api-troubleshooting-jwt.html), "Create AWS Lambda proxy
integrations for HTTP APIs" (http-api-develop-integrations-lambda.html, payload 2.0).
"""

from __future__ import annotations

import json

import pytest

from .conftest import echo, get, name, token


@pytest.fixture(scope="module")
def api(lab):
    v2 = lab.client("apigatewayv2")
    api_id = v2.create_api(Name=name("orders"), ProtocolType="HTTP")["ApiId"]
    authorizer = v2.create_authorizer(
        ApiId=api_id, AuthorizerType="JWT", Name="cognito",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": lab.issuer,
                          "Audience": [lab.app_clients["web"].client_id]})["AuthorizerId"]
    arn = lab.functions.bind(lab.functions.arn(name("orders-fn")), echo)
    integration = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                        IntegrationUri=arn,
                                        PayloadFormatVersion="2.0")["IntegrationId"]
    for key, scopes in (("GET /orders/{id}", ["orders/read"]), ("GET /me", [])):
        v2.create_route(ApiId=api_id, RouteKey=key, AuthorizationType="JWT",
                        AuthorizerId=authorizer, AuthorizationScopes=scopes,
                        Target=f"integrations/{integration}")
    v2.create_route(ApiId=api_id, RouteKey="GET /public", Target=f"integrations/{integration}")
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    v2.create_stage(ApiId=api_id, StageName="prod", AutoDeploy=True,
                    StageVariables={"table": "orders-prod"})
    return api_id


def test_the_invoke_url_is_a_path_on_the_lab(lab, api):
    """AWS serves a stage at https://{api_id}.execute-api.{region}.amazonaws.com/{stage};
    the lab at a path of its one port ($default at the root). AWS: "Invoke an HTTP API"."""
    assert lab.api_url(api) == f"{lab.endpoint_url}/_aws/execute-api/{api}"
    assert lab.api_url(api, "prod") == f"{lab.endpoint_url}/_aws/execute-api/{api}/prod"
    response = get(lab.api_url(api) + "/public")
    assert response.status_code == 200
    event = response.json()
    assert event["version"] == "2.0" and event["routeKey"] == "GET /public"
    assert event["rawPath"] == "/public" and event["requestContext"]["stage"] == "$default"
    prod = get(lab.api_url(api, "prod") + "/public?a=1&a=2").json()
    assert prod["requestContext"]["stage"] == "prod" and prod["rawPath"] == "/prod/public"
    assert prod["stageVariables"] == {"table": "orders-prod"}
    assert prod["queryStringParameters"] == {"a": "1,2"}


def test_no_route_is_404_not_found(lab, api):
    """An HTTP API answers a request no route matches with 404 {"message":"Not Found"}.
    AWS: "Working with routes for HTTP APIs"."""
    response = get(lab.api_url(api) + "/nothing-here")
    assert response.status_code == 404 and response.json() == {"message": "Not Found"}


def test_missing_token_is_401_unauthorized(lab, api):
    """No token in the identity source: 401 {"message":"Unauthorized"}. AWS: "Control
    access to HTTP APIs with JWT authorizers" (workflow step 1)."""
    response = get(lab.api_url(api) + "/me")
    assert response.status_code == 401 and response.json() == {"message": "Unauthorized"}


def test_a_valid_access_token_with_the_scope_reaches_the_function(lab, api):
    """The token (alone or after "Bearer") is verified; the integration's payload 2.0 event
    carries requestContext.authorizer.jwt.claims and .scopes. AWS: "Control access to HTTP
    APIs with JWT authorizers" and "Create AWS Lambda proxy integrations for HTTP APIs"."""
    access = token(lab, scope="openid orders/read")
    for value in (access, f"Bearer {access}"):
        response = get(lab.api_url(api) + "/orders/42", value)
        assert response.status_code == 200, response.text
    event = response.json()
    assert event["pathParameters"] == {"id": "42"}
    jwt = event["requestContext"]["authorizer"]["jwt"]
    assert jwt["claims"]["scope"] == "openid orders/read"
    assert jwt["claims"]["cognito:groups"] == "[admins readers]"
    assert isinstance(jwt["claims"]["exp"], str)
    assert jwt["scopes"] == ["openid", "orders/read"]


def test_a_token_without_the_route_scope_is_403_forbidden(lab, api):
    """"If you configure scopes for a route, the token must include at least one of the
    route's scopes": else 403 {"message":"Forbidden"}. AWS: "Control access to HTTP APIs
    with JWT authorizers"."""
    response = get(lab.api_url(api) + "/orders/42", token(lab, scope="openid"))
    assert response.status_code == 403 and response.json() == {"message": "Forbidden"}
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_an_id_token_passes_a_route_without_scopes(lab, api):
    """The ID-token pitfall: "There is no standard mechanism to differentiate JWT access
    tokens from other types of JWTs, such as OpenID Connect ID tokens" — a route without
    scopes takes an ID token whose aud is an audience entry. AWS: "Control access to HTTP
    APIs with JWT authorizers" (the Note)."""
    response = get(lab.api_url(api) + "/me", token(lab, "id"))
    assert response.status_code == 200
    assert response.json()["requestContext"]["authorizer"]["jwt"]["scopes"] is None
    # ...and a route with scopes refuses it (an ID token has no scope claim)
    assert get(lab.api_url(api) + "/orders/1", token(lab, "id")).status_code == 403


def test_a_wrong_audience_gets_aws_www_authenticate(lab, api):
    """aud (or client_id when there is no aud) must match an audience entry; AWS's answer is
    401 with www-authenticate: Bearer scope="" error="invalid_token" error_description=
    "the token does not have a valid audience". AWS: "Troubleshooting issues with HTTP API
    JWT authorizers"."""
    for bad in (token(lab, client_id="someone-else"), token(lab, "id", aud="someone-else")):
        response = get(lab.api_url(api) + "/me", bad)
        assert response.status_code == 401 and response.json() == {"message": "Unauthorized"}
        assert response.headers["www-authenticate"] == (
            'Bearer scope="" error="invalid_token" '
            'error_description="the token does not have a valid audience"')


def test_an_expired_token_is_401_on_the_lab_clock(lab, api):
    """exp must be after the current time (the lab's clock). AWS: "Control access to HTTP
    APIs with JWT authorizers" (claims: exp)."""
    short = token(lab, lifetime=60)
    assert get(lab.api_url(api) + "/me", short).status_code == 200
    lab.clock.advance(seconds=61)
    response = get(lab.api_url(api) + "/me", short)
    assert response.status_code == 401
    assert 'error_description="the token has expired"' in response.headers["www-authenticate"]


@pytest.mark.parametrize("claims", [{"iss": "https://cognito-idp.us-east-1.amazonaws.com/x_y"},
                                    {"nbf": 4102444800}, {"iat": 4102444800}])
def test_issuer_nbf_and_iat_are_checked(lab, api, claims):
    """iss must match the authorizer's issuer; nbf and iat must be before now. AWS:
    "Control access to HTTP APIs with JWT authorizers" (claims)."""
    response = get(lab.api_url(api) + "/me", token(lab, **claims))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_a_forged_signature_is_401(lab, api):
    """The signature is checked with the issuer's JWKS key named by kid. AWS: "Control
    access to HTTP APIs with JWT authorizers" (workflow step 3)."""
    header, payload, signature = token(lab).split(".")
    forged = f"{header}.{payload}.{signature[:-6]}AAAAAA"
    assert get(lab.api_url(api) + "/me", forged).status_code == 401


def test_the_function_is_invoked_once_per_request_and_recorded(lab, api):
    """lab.functions records what each "Lambda" function received (the lab's own view)."""
    before = len(lab.functions.invocations)
    get(lab.api_url(api) + "/public")
    calls = lab.functions.invocations[before:]
    assert len(calls) == 1 and calls[0].caller == "API Gateway integration"
    assert json.loads(json.dumps(calls[0].event))["routeKey"] == "GET /public"
