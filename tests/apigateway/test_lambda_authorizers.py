"""Lambda authorizers: HTTP API REQUEST (simple responses) and REST API TOKEN (IAM policy),
with their result cache.

AWS pages: "Control access to HTTP APIs with AWS Lambda authorizers"
(/apigateway/latest/developerguide/http-api-lambda-authorizer.html: payload 2.0, simple
response format, caching by identity source), "Use API Gateway Lambda authorizers"
(apigateway-use-lambda-authorizer.html: IAM policy output, "Unauthorized" → 401, TTL).
"""

from __future__ import annotations

import pytest

from cognito_lab.api import CognitoJwtVerifier
from cognito_lab.api.lambda_authorizer import http_api_authorizer, rest_api_authorizer

from .conftest import echo, get, name, token


def counting(handler):
    calls = []

    def fn(event, context):
        calls.append(event)
        return handler(event, context)

    fn.calls = calls
    return fn


@pytest.fixture
def verifier(lab):
    return CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use="access",
                              client_id=lab.app_clients["web"].client_id,
                              jwks_url=lab.jwks_url, clock=lab.clock)


def http_api(lab, authorizer_fn, ttl=0):
    v2 = lab.client("apigatewayv2")
    api_id = v2.create_api(Name=name("lambda-auth"), ProtocolType="HTTP")["ApiId"]
    auth_arn = lab.functions.bind(lab.functions.arn(name("authorizer")), authorizer_fn)
    authorizer = v2.create_authorizer(
        ApiId=api_id, AuthorizerType="REQUEST", Name="mine",
        AuthorizerUri=(f"arn:aws:apigateway:{lab.region}:lambda:path/2015-03-31/functions/"
                       f"{auth_arn}/invocations"),
        IdentitySource=["$request.header.Authorization"], AuthorizerPayloadFormatVersion="2.0",
        EnableSimpleResponses=True, AuthorizerResultTtlInSeconds=ttl)["AuthorizerId"]
    fn = lab.functions.bind(lab.functions.arn(name("fn")), echo)
    integration = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                        IntegrationUri=fn,
                                        PayloadFormatVersion="2.0")["IntegrationId"]
    v2.create_route(ApiId=api_id, RouteKey="ANY /{proxy+}", AuthorizationType="CUSTOM",
                    AuthorizerId=authorizer, Target=f"integrations/{integration}")
    v2.create_stage(ApiId=api_id, StageName="$default")
    return api_id


def test_http_api_simple_responses(lab, verifier):
    """Simple responses: {"isAuthorized": true, "context": {...}} lets the request through
    with requestContext.authorizer.lambda = context; false is 403 {"message":"Forbidden"};
    no identity source is 401 without invoking the function. AWS: "Control access to HTTP
    APIs with AWS Lambda authorizers"."""
    fn = counting(http_api_authorizer(verifier))
    api = http_api(lab, fn)
    ok = get(lab.api_url(api) + "/orders", token(lab, scope="openid orders/read"))
    assert ok.status_code == 200, ok.text
    assert ok.json()["requestContext"]["authorizer"]["lambda"]["groups"] == "admins,readers"
    assert fn.calls[-1]["type"] == "REQUEST" and fn.calls[-1]["version"] == "2.0"
    assert fn.calls[-1]["routeArn"].endswith(f":{api}/$default/GET/orders")
    denied = get(lab.api_url(api) + "/orders", token(lab, "id"))   # an ID token: verifier says no
    assert denied.status_code == 403 and denied.json() == {"message": "Forbidden"}
    count = len(fn.calls)
    missing = get(lab.api_url(api) + "/orders")
    assert missing.status_code == 401 and missing.json() == {"message": "Unauthorized"}
    assert len(fn.calls) == count


def test_http_api_cache_by_identity_source_and_ttl(lab, verifier):
    """With AuthorizerResultTtlInSeconds > 0 the result is cached by identity source: the
    function is not invoked again until the TTL passes. AWS: "Control access to HTTP APIs
    with AWS Lambda authorizers" (Caching authorizer responses)."""
    fn = counting(http_api_authorizer(verifier))
    api = http_api(lab, fn, ttl=300)
    access = token(lab)
    for _ in range(3):
        assert get(lab.api_url(api) + "/a", access).status_code == 200
    assert len(fn.calls) == 1
    lab.clock.advance(seconds=301)
    assert get(lab.api_url(api) + "/a", access).status_code == 200
    assert len(fn.calls) == 2


def test_http_api_authorizer_failure_is_500(lab):
    """A function that fails or answers malformed: 500 Internal Server Error. AWS: "Control
    access to HTTP APIs with AWS Lambda authorizers" (troubleshooting)."""
    def broken(event, context):
        raise RuntimeError("boom")

    api = http_api(lab, broken)
    response = get(lab.api_url(api) + "/x", "anything")
    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}


def rest_api(lab, authorizer_fn, ttl=300):
    ag = lab.client("apigateway")
    api_id = ag.create_rest_api(name=name("rest-lambda"))["id"]
    root = ag.get_resources(restApiId=api_id)["items"][0]["id"]
    auth_arn = lab.functions.bind(lab.functions.arn(name("rest-authorizer")), authorizer_fn)
    prefix = f"arn:aws:apigateway:{lab.region}:lambda:path/2015-03-31/functions/"
    authorizer = ag.create_authorizer(
        restApiId=api_id, name="token", type="TOKEN",
        authorizerUri=f"{prefix}{auth_arn}/invocations",
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=ttl)["id"]
    fn = lab.functions.bind(lab.functions.arn(name("rest-fn")), echo)
    for part in ("orders", "invoices"):
        resource = ag.create_resource(restApiId=api_id, parentId=root, pathPart=part)["id"]
        ag.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                      authorizationType="CUSTOM", authorizerId=authorizer)
        ag.put_integration(restApiId=api_id, resourceId=resource, httpMethod="GET",
                           type="AWS_PROXY", integrationHttpMethod="POST",
                           uri=f"{prefix}{fn}/invocations")
    ag.create_deployment(restApiId=api_id, stageName="prod")
    return api_id


def test_rest_token_authorizer_policy_and_unauthorized(lab, verifier):
    """A TOKEN authorizer gets {"type":"TOKEN","authorizationToken","methodArn"}; an Allow
    policy passes with requestContext.authorizer.principalId and the context; the function's
    "Unauthorized" error is 401; a Deny policy is 403 "...with an explicit deny". AWS: "Use
    API Gateway Lambda authorizers" (input, output, errors)."""
    fn = counting(rest_api_authorizer(verifier, allow=lambda claims, event:
                                      "orders/read" in claims.get("scope", "")))
    api = rest_api(lab, fn, ttl=0)
    url = lab.api_url(api, "prod") + "/orders"
    response = get(url, token(lab, scope="orders/read"))
    assert response.status_code == 200, response.text
    context = response.json()["requestContext"]["authorizer"]
    assert context["principalId"] and context["scope"] == "orders/read"
    assert fn.calls[-1]["type"] == "TOKEN"
    assert fn.calls[-1]["methodArn"].endswith(f":{api}/prod/GET/orders")
    unauthorized = get(url, "not-a-token")
    assert unauthorized.status_code == 401
    assert unauthorized.json() == {"message": "Unauthorized"}
    denied = get(url, token(lab, scope="openid"))
    assert denied.status_code == 403
    assert denied.json() == {"Message": "User is not authorized to access this resource "
                                        "with an explicit deny"}


def test_rest_cached_policy_for_one_method_refuses_the_next(lab, verifier):
    """The cache pitfall: the policy is cached by token for the TTL and evaluated against
    each method ARN; a policy naming only the first methodArn refuses the same token on
    another method (403) without invoking the authorizer. AWS: "Use API Gateway Lambda
    authorizers" (authorizerResultTtlInSeconds; the policy applies to the whole API)."""
    narrow = counting(rest_api_authorizer(verifier, whole_api=False))
    api = rest_api(lab, narrow, ttl=300)
    access = token(lab)
    assert get(lab.api_url(api, "prod") + "/orders", access).status_code == 200
    refused = get(lab.api_url(api, "prod") + "/invoices", access)
    assert refused.status_code == 403
    assert refused.json() == {"Message": "User is not authorized to access this resource"}
    assert len(narrow.calls) == 1
    lab.clock.advance(seconds=301)
    assert get(lab.api_url(api, "prod") + "/invoices", access).status_code == 200
    wide = counting(rest_api_authorizer(verifier))        # the fix: <api>/<stage>/*
    api = rest_api(lab, wide, ttl=300)
    assert get(lab.api_url(api, "prod") + "/orders", access).status_code == 200
    assert get(lab.api_url(api, "prod") + "/invoices", access).status_code == 200
    assert len(wide.calls) == 1
