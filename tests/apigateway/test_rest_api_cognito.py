"""REST APIs (apigateway) with a COGNITO_USER_POOLS authorizer, served by the lab.

AWS pages: "Control access to REST APIs using Amazon Cognito user pools as an authorizer"
(/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html), "Lambda proxy
integrations in API Gateway" (set-up-lambda-proxy-integrations.html, the input format),
"Use API Gateway Lambda authorizers" (caching: authorizerResultTtlInSeconds).
"""

from __future__ import annotations

import pytest

from .conftest import echo, get, name, token


def rest_api(lab, ttl=300):
    ag = lab.client("apigateway")
    api_id = ag.create_rest_api(name=name("rest"))["id"]
    root = ag.get_resources(restApiId=api_id)["items"][0]["id"]
    pool_arn = f"arn:aws:cognito-idp:{lab.region}:{lab.account_id}:userpool/{lab.user_pool_id}"
    authorizer = ag.create_authorizer(
        restApiId=api_id, name="cognito", type="COGNITO_USER_POOLS", providerARNs=[pool_arn],
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=ttl)["id"]
    arn = lab.functions.bind(lab.functions.arn(name("rest-fn")), echo)
    uri = (f"arn:aws:apigateway:{lab.region}:lambda:path/2015-03-31/functions/{arn}"
           "/invocations")
    for part, scopes in (("profile", None), ("orders", ["orders/read"])):
        resource = ag.create_resource(restApiId=api_id, parentId=root, pathPart=part)["id"]
        extra = {"authorizationScopes": scopes} if scopes else {}
        ag.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                      authorizationType="COGNITO_USER_POOLS", authorizerId=authorizer, **extra)
        ag.put_integration(restApiId=api_id, resourceId=resource, httpMethod="GET",
                           type="AWS_PROXY", integrationHttpMethod="POST", uri=uri)
    ag.create_deployment(restApiId=api_id, stageName="prod")
    return api_id


@pytest.fixture(scope="module")
def api(lab):
    return rest_api(lab)


def test_a_method_without_scopes_takes_an_id_token(lab, api):
    """The pitfall: with no OAuth scopes on the method, the Cognito authorizer accepts the
    pool's ID token and passes its claims in requestContext.authorizer.claims. AWS:
    "Control access to REST APIs using Amazon Cognito user pools as an authorizer"."""
    response = get(lab.api_url(api, "prod") + "/profile", token(lab, "id"))
    assert response.status_code == 200, response.text
    event = response.json()
    assert event["resource"] == "/profile" and event["httpMethod"] == "GET"
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["email"] == "alice@example.com" and claims["token_use"] == "id"


def test_a_method_without_scopes_refuses_an_access_token(lab, api):
    """...and an access token there is 401 {"message":"Unauthorized"}. AWS: "Control access
    to REST APIs using Amazon Cognito user pools as an authorizer" (identity token vs access
    token)."""
    response = get(lab.api_url(api, "prod") + "/profile", token(lab, scope="orders/read"))
    assert response.status_code == 401 and response.json() == {"message": "Unauthorized"}


def test_a_method_with_scopes_needs_an_access_token_with_one(lab, api):
    """With AuthorizationScopes, an access token carrying one of them is required; an ID
    token or an access token without the scope is 401. AWS: "Control access to REST APIs
    using Amazon Cognito user pools as an authorizer" (OAuth scopes)."""
    url = lab.api_url(api, "prod") + "/orders"
    assert get(url, token(lab, scope="openid orders/read")).status_code == 200
    assert get(url, token(lab, "id")).status_code == 401
    assert get(url, token(lab, scope="openid")).status_code == 401


def test_missing_token_expired_token_and_other_pool(lab, api):
    """No token: 401 Unauthorized; an expired token: 401 "The incoming token has expired";
    a token of a pool not in providerARNs: 401. AWS: "Control access to REST APIs using
    Amazon Cognito user pools as an authorizer"."""
    url = lab.api_url(api, "prod") + "/profile"
    assert get(url).status_code == 401
    expired = token(lab, "id", lifetime=-10, iat=int(lab.clock.now()) - 100)
    response = get(url, expired)
    assert response.status_code == 401
    assert response.json() == {"message": "The incoming token has expired"}
    other = token(lab, "id", iss=f"https://cognito-idp.{lab.region}.amazonaws.com/{lab.region}_x")
    assert get(url, other).status_code == 401


def test_missing_resource_is_missing_authentication_token(lab, api):
    """A REST API answers a path or method it does not have with 403 {"message":"Missing
    Authentication Token"}, and an unknown stage with 403 Forbidden. AWS: "Troubleshoot
    REST API errors" (Missing Authentication Token)."""
    response = get(lab.api_url(api, "prod") + "/nope")
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}
    assert get(lab.api_url(api, "staging") + "/profile").status_code == 403


def test_the_authorizer_result_is_cached_for_its_ttl(lab):
    """authorizerResultTtlInSeconds: a token's verified result is reused until the TTL runs
    out on the lab clock — after retiring the signing key the cached token still passes,
    then fails once the TTL is over. AWS: "Use API Gateway Lambda authorizers" (caching)
    and CreateAuthorizer authorizerResultTtlInSeconds."""
    api = rest_api(lab, ttl=120)
    id_token = token(lab, "id")
    url = lab.api_url(api, "prod") + "/profile"
    assert get(url, id_token).status_code == 200
    ring = lab.emulator.keys.ring(lab.user_pool_id)
    old_kid = ring.current("id").kid
    lab.rotate_signing_keys()
    ring.retire(old_kid)
    try:
        assert get(url, id_token).status_code == 200          # cached
        lab.clock.advance(seconds=121)
        assert get(url, id_token).status_code == 401          # TTL over: verified again
    finally:
        lab.emulator.apigateway.cache.clear()
