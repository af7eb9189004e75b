"""The lab's one WSGI app: emulator routes, emulator operations, and moto behind them."""

from __future__ import annotations

import json

import pytest
import requests
from botocore.exceptions import ClientError


def _aws_json(lab, target: str, body: bytes) -> requests.Response:
    headers = {"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1",
               "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/"
                                "cognito-idp/aws4_request, SignedHeaders=host, Signature=0"}
    return requests.post(lab.endpoint_url + "/", data=body, headers=headers, timeout=5)


def test_unhandled_operations_reach_moto(lab):
    groups = lab.client("cognito-idp").list_groups(UserPoolId=lab.user_pool_id)["Groups"]
    assert {g["GroupName"] for g in groups} == {"admins", "members"}


def test_other_services_reach_moto(lab):
    s3 = lab.client("s3")
    s3.create_bucket(Bucket="dispatcher-test")
    assert "dispatcher-test" in {b["Name"] for b in s3.list_buckets()["Buckets"]}


def test_malformed_json_to_an_emulated_operation_is_a_serialization_error(lab):
    response = _aws_json(lab, "AWSCognitoIdentityProviderService.InitiateAuth", b"{nope")
    assert response.status_code == 400
    assert response.json()["__type"] == "SerializationException"
    response = _aws_json(lab, "AWSCognitoIdentityProviderService.InitiateAuth", b"[1]")
    assert response.json()["__type"] == "SerializationException"


def test_a_bug_in_a_handler_is_an_internal_error_in_aws_shape_not_a_traceback(fresh_lab):
    def broken(call):
        raise KeyError("oops")

    fresh_lab.emulator.operations[("cognito-idp", "DescribeRiskConfiguration")] = broken
    with pytest.raises(ClientError) as error:
        fresh_lab.client("cognito-idp").describe_risk_configuration(
            UserPoolId=fresh_lab.user_pool_id)
    assert error.value.response["Error"]["Code"] == "InternalErrorException"
    assert "DescribeRiskConfiguration" in error.value.response["Error"]["Message"]
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_each_part_declares_what_it_answers_and_the_emulator_combines_them(lab):
    """No registry filled by importing: the tables are the table of contents."""
    from cognito_lab.emulator.hosted_ui.urls import ROUTES
    from cognito_lab.emulator.identity.operations import OPERATIONS as IDENTITY
    from cognito_lab.emulator.user_pools.operations import OPERATIONS as USER_POOLS

    operations = lab.emulator.operations
    assert {name for service, name in operations if service == "cognito-idp"} == set(USER_POOLS)
    assert {name for service, name in operations
            if service == "cognito-identity"} == set(IDENTITY)
    assert {"InitiateAuth", "SignUp", "GetUser"} <= set(USER_POOLS)
    assert {"/oauth2/authorize", "/oauth2/token", "/login"} <= {r.path for r in ROUTES}


def test_openid_configuration_names_the_aws_issuer_and_the_labs_endpoints(lab):
    config = requests.get(
        f"{lab.endpoint_url}/{lab.user_pool_id}/.well-known/openid-configuration",
        timeout=5).json()
    assert config["issuer"] == lab.issuer
    assert config["jwks_uri"] == lab.jwks_url
    assert config["token_endpoint"] == f"{lab.domain_url}/oauth2/token"
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    assert json.dumps(config)  # plain JSON


def test_moto_errors_keep_their_aws_codes(lab):
    with pytest.raises(ClientError) as error:
        lab.client("cognito-idp").describe_user_pool(UserPoolId="us-east-1_missing")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_two_labs_from_one_template_get_different_ids():
    """moto finds pools by client id across accounts: ids must not repeat between labs."""
    from cognito_lab import Lab

    with Lab.start(users=()) as one, Lab.start(users=()) as two:
        assert one.user_pool_id != two.user_pool_id
        assert one.app_clients["web"].client_id != two.app_clients["web"].client_id
