"""The lab keeps an API's configuration between invocations, and never serves it stale.

Reading moto is most of what an invocation costs, so ``ApiDirectory`` keeps moto's answers
until a request that may change moto passes through the lab. These tests change an API
between two requests and expect the next request to see the change, as AWS serves it: an
HTTP API's ``$default`` stage with automatic deployment (AWS, "Working with stages for
HTTP APIs": AutoDeploy deploys every change), a REST API once redeployed (AWS, "Deploy
REST APIs in API Gateway": every update needs a new deployment). The kept answers are
counted through ``ApiDirectory.moto_reads``, never timed.
"""

from __future__ import annotations

import json

import pytest
from werkzeug.wrappers import Response

from cognito_lab.emulator.apigateway import directory as directory_module
from cognito_lab.emulator.apigateway.directory import ApiDirectory

from .conftest import echo, get, name, token


def http_api(lab, *routes: str) -> tuple[str, str, str]:
    """An HTTP API ($default stage, AutoDeploy) with a JWT authorizer for the ``web`` client
    and JWT-authorized routes; returns (api id, authorizer id, integration id)."""
    v2 = lab.client("apigatewayv2")
    api_id = v2.create_api(Name=name("changes"), ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    authorizer = v2.create_authorizer(
        ApiId=api_id, AuthorizerType="JWT", Name="cognito",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": lab.issuer,
                          "Audience": [lab.app_clients["web"].client_id]})["AuthorizerId"]
    arn = lab.functions.bind(lab.functions.arn(name("changes-fn")), echo)
    integration = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                        IntegrationUri=arn,
                                        PayloadFormatVersion="2.0")["IntegrationId"]
    for key in routes:
        v2.create_route(ApiId=api_id, RouteKey=key, AuthorizationType="JWT",
                        AuthorizerId=authorizer, Target=f"integrations/{integration}")
    return api_id, authorizer, integration


@pytest.fixture
def directory(lab) -> ApiDirectory:
    return lab.emulator.apigateway.directory


def test_repeated_requests_are_served_from_what_the_lab_kept(lab, directory):
    """Once an API has been served, serving it again reads nothing from moto."""
    api_id, _, _ = http_api(lab, "GET /orders")
    url = lab.api_url(api_id) + "/orders"
    assert get(url, token(lab)).status_code == 200
    reads = directory.moto_reads
    for _ in range(5):
        assert get(url, token(lab)).status_code == 200
        assert get(url).status_code == 401                 # refusals too
        assert get(lab.api_url(api_id) + "/nowhere").status_code == 404
    assert directory.moto_reads == reads


def test_reading_the_api_through_the_sdk_keeps_what_the_lab_kept(lab, directory):
    """GET requests to moto (the SDK's Get* calls) change nothing: nothing is forgotten."""
    api_id, _, _ = http_api(lab, "GET /orders")
    url = lab.api_url(api_id) + "/orders"
    assert get(url, token(lab)).status_code == 200
    reads = directory.moto_reads
    lab.client("apigatewayv2").get_routes(ApiId=api_id)
    lab.client("apigateway").get_rest_apis()
    assert get(url, token(lab)).status_code == 200
    assert directory.moto_reads == reads


def test_a_route_added_is_served_on_the_next_request(lab, directory):
    """A route created after the API was served answers the very next request (AWS:
    AutoDeploy deploys every change to the stage)."""
    api_id, authorizer, integration = http_api(lab, "GET /orders")
    url = lab.api_url(api_id) + "/invoices"
    assert get(url, token(lab)).status_code == 404          # no such route: kept as such
    assert get(url, token(lab)).status_code == 404
    lab.client("apigatewayv2").create_route(
        ApiId=api_id, RouteKey="GET /invoices", AuthorizationType="JWT",
        AuthorizerId=authorizer, Target=f"integrations/{integration}")
    response = get(url, token(lab))
    assert response.status_code == 200, response.text
    assert response.json()["routeKey"] == "GET /invoices"


def test_an_authorizer_audience_changed_is_applied_on_the_next_request(lab, directory):
    """UpdateAuthorizer's new audience decides the next request: the web client's token,
    accepted before, is refused once the audience names another client, and accepted
    again once it names the web client (AWS: "Control access to HTTP APIs with JWT
    authorizers")."""
    api_id, authorizer, _ = http_api(lab, "GET /orders")
    url = lab.api_url(api_id) + "/orders"
    v2 = lab.client("apigatewayv2")
    assert get(url, token(lab)).status_code == 200
    v2.update_authorizer(ApiId=api_id, AuthorizerId=authorizer, JwtConfiguration={
        "Issuer": lab.issuer, "Audience": [lab.app_clients["server"].client_id]})
    refused = get(url, token(lab))
    assert refused.status_code == 401
    assert "audience" in refused.headers["www-authenticate"]
    v2.update_authorizer(ApiId=api_id, AuthorizerId=authorizer, JwtConfiguration={
        "Issuer": lab.issuer, "Audience": [lab.app_clients["web"].client_id]})
    assert get(url, token(lab)).status_code == 200


def test_an_authorizer_removed_from_a_route_is_gone_on_the_next_request(lab, directory):
    """A route whose authorizer is taken off (UpdateRoute to NONE, then DeleteAuthorizer)
    lets the next request in without a token."""
    api_id, authorizer, _ = http_api(lab, "GET /orders")
    url = lab.api_url(api_id) + "/orders"
    v2 = lab.client("apigatewayv2")
    assert get(url).status_code == 401
    route = next(r for r in v2.get_routes(ApiId=api_id)["Items"]
                 if r["RouteKey"] == "GET /orders")
    v2.update_route(ApiId=api_id, RouteId=route["RouteId"], AuthorizationType="NONE")
    v2.delete_authorizer(ApiId=api_id, AuthorizerId=authorizer)
    response = get(url)
    assert response.status_code == 200, response.text
    assert "authorizer" not in response.json()["requestContext"]


def test_a_rest_method_authorizer_removed_and_redeployed_is_gone_on_the_next_request(lab):
    """A REST method put again without its Cognito authorizer, then redeployed, lets the
    next request in without a token; a new resource is served too (AWS: "Deploy REST APIs
    in API Gateway")."""
    ag = lab.client("apigateway")
    api_id = ag.create_rest_api(name=name("rest-changes"))["id"]
    root = ag.get_resources(restApiId=api_id)["items"][0]["id"]
    pool_arn = f"arn:aws:cognito-idp:{lab.region}:{lab.account_id}:userpool/{lab.user_pool_id}"
    authorizer = ag.create_authorizer(
        restApiId=api_id, name="cognito", type="COGNITO_USER_POOLS", providerARNs=[pool_arn],
        identitySource="method.request.header.Authorization")["id"]
    arn = lab.functions.bind(lab.functions.arn(name("rest-changes-fn")), echo)
    uri = f"arn:aws:apigateway:{lab.region}:lambda:path/2015-03-31/functions/{arn}/invocations"

    def method(resource: str, **authorization: str) -> None:
        ag.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                      **authorization)
        ag.put_integration(restApiId=api_id, resourceId=resource, httpMethod="GET",
                           type="AWS_PROXY", integrationHttpMethod="POST", uri=uri)

    orders = ag.create_resource(restApiId=api_id, parentId=root, pathPart="orders")["id"]
    method(orders, authorizationType="COGNITO_USER_POOLS", authorizerId=authorizer)
    ag.create_deployment(restApiId=api_id, stageName="prod")
    base = lab.api_url(api_id, "prod")
    assert get(base + "/orders").status_code == 401
    assert get(base + "/invoices").status_code == 403        # Missing Authentication Token

    ag.delete_method(restApiId=api_id, resourceId=orders, httpMethod="GET")
    method(orders, authorizationType="NONE")
    invoices = ag.create_resource(restApiId=api_id, parentId=root, pathPart="invoices")["id"]
    method(invoices, authorizationType="NONE")
    ag.create_deployment(restApiId=api_id, stageName="prod")
    assert get(base + "/orders").status_code == 200
    assert get(base + "/invoices").status_code == 200


def test_a_deleted_api_is_not_served_on_the_next_request(lab):
    """DeleteApi: the next request finds no API (the lab's answer for any API it does not
    have, 404 Not Found)."""
    api_id, _, _ = http_api(lab, "GET /orders")
    url = lab.api_url(api_id) + "/orders"
    assert get(url, token(lab)).status_code == 200
    lab.client("apigatewayv2").delete_api(ApiId=api_id)
    assert get(url, token(lab)).status_code == 404


# -- the store itself, against a stand-in for moto ------------------------------------------
class FakeMoto:
    """A WSGI app answering every GET with the same API; ``during_read`` runs inside a
    read, as a concurrent change would."""

    def __init__(self) -> None:
        self.during_read = None

    def __call__(self, environ, start_response):
        if self.during_read is not None:
            self.during_read()
        if environ["PATH_INFO"].startswith("/v2/apis/missing"):
            return Response(json.dumps({"message": "no"}), 404)(environ, start_response)
        return Response(json.dumps({"apiId": "a1"}), 200)(environ, start_response)


def fake_directory() -> tuple[ApiDirectory, FakeMoto]:
    moto = FakeMoto()
    return ApiDirectory(moto, "123456789012", "us-east-1", "AKIAEXAMPLE"), moto


def test_answers_and_not_found_are_kept_until_a_change():
    directory, _ = fake_directory()
    for _ in range(3):
        assert directory.http_api("a1") == {"apiId": "a1"}
        assert directory.http_api("missing") is None
    assert directory.moto_reads == 2
    directory.after_moto_request("GET")
    directory.after_moto_request("HEAD")
    directory.http_api("a1")
    assert directory.moto_reads == 2
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        directory.after_moto_request(method)
        directory.http_api("a1")
    assert directory.moto_reads == 6


def test_callers_get_a_copy_they_may_change():
    directory, _ = fake_directory()
    directory.http_api("a1")["apiId"] = "changed"
    assert directory.http_api("a1") == {"apiId": "a1"}


def test_an_answer_read_while_moto_changed_is_not_kept():
    """A read that began before a change may carry the old state: it is used by the
    request that made it, never kept for the next one."""
    directory, moto = fake_directory()
    moto.during_read = directory.forget            # a change lands while moto answers
    directory.http_api("a1")
    moto.during_read = None
    directory.http_api("a1")
    directory.http_api("a1")
    assert directory.moto_reads == 2                # the second read was kept, not the first


def test_the_store_is_bounded(monkeypatch):
    monkeypatch.setattr(directory_module, "MAX_ANSWERS", 3)
    directory, _ = fake_directory()
    for n in range(10):                            # invoke URLs name any API id
        directory.http_api(f"missing-{n}")
    assert len(directory._answers) == 3


def test_a_deleted_pools_tokens_are_refused_on_the_next_request(lab):
    """The JWT authorizer's issuer check remembers which pools exist, and forgets a pool
    the moment DeleteUserPool removes it: its keys are gone, so are its tokens (AWS,
    "Controlling access to HTTP APIs with JWT authorizers": the issuer's keys must verify)."""
    import uuid

    idp = lab.client("cognito-idp")
    pool_id = idp.create_user_pool(PoolName=name("short-lived"))["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id,
                                            ClientName="api")["UserPoolClient"]["ClientId"]
    issuer = lab.issuer.rsplit("/", 1)[0] + "/" + pool_id
    v2 = lab.client("apigatewayv2")
    api_id = v2.create_api(Name=name("deleted-pool"), ProtocolType="HTTP")["ApiId"]
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    authorizer = v2.create_authorizer(
        ApiId=api_id, AuthorizerType="JWT", Name="short-lived",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": issuer, "Audience": [client_id]})["AuthorizerId"]
    arn = lab.functions.bind(lab.functions.arn(name("deleted-pool-fn")), echo)
    integration = v2.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY",
                                        IntegrationUri=arn,
                                        PayloadFormatVersion="2.0")["IntegrationId"]
    v2.create_route(ApiId=api_id, RouteKey="GET /orders", AuthorizationType="JWT",
                    AuthorizerId=authorizer, Target=f"integrations/{integration}")
    now = int(lab.clock.now())
    access = lab.emulator.tokens.sign(pool_id, "access", {
        "sub": str(uuid.uuid4()), "iss": issuer, "token_use": "access", "client_id": client_id,
        "scope": "aws.cognito.signin.user.admin", "auth_time": now, "iat": now,
        "exp": now + 3600, "jti": str(uuid.uuid4())})
    url = lab.api_url(api_id) + "/orders"
    assert get(url, access).status_code == 200
    assert get(url, access).status_code == 200          # the pool is remembered
    idp.delete_user_pool(UserPoolId=pool_id)
    assert get(url, access).status_code == 401
