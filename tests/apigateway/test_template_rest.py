"""A REST API declared in the lab's CloudFormation template (AWS::ApiGateway::RestApi,
Resource, Authorizer, Method, Deployment, Stage) works in a fresh lab.

AWS pages: AWS CloudFormation User Guide, "AWS::ApiGateway::RestApi" (Ref: the API id;
RootResourceId), "::Resource", "::Authorizer", "::Method" (Integration,
AuthorizationScopes), "::Deployment" (StageName creates the stage), "::Stage"; API Gateway
Developer Guide, "Control access to REST APIs using Amazon Cognito user pools as an
authorizer".
"""

from __future__ import annotations

import copy

import pytest

from cognito_lab import Lab
from cognito_lab.template import default_template_path, load_template
from cognito_lab.template.model import TemplateError

from .conftest import echo, get, token

URI = ("arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
       "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:orders-rest/invocations")


def with_rest_api(template: dict) -> dict:
    template = copy.deepcopy(template)
    api = {"Ref": "RestApi"}
    integration = {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                   "Uri": {"Fn::Sub": URI}}
    template["Resources"].update({
        "RestApi": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "orders-rest"}},
        "OrdersResource": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": api, "ParentId": {"Fn::GetAtt": ["RestApi", "RootResourceId"]},
            "PathPart": "orders"}},
        "ProfileResource": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": api, "ParentId": {"Fn::GetAtt": ["RestApi", "RootResourceId"]},
            "PathPart": "profile"}},
        "CognitoAuthorizer": {"Type": "AWS::ApiGateway::Authorizer", "Properties": {
            "RestApiId": api, "Name": "cognito", "Type": "COGNITO_USER_POOLS",
            "ProviderARNs": [{"Fn::GetAtt": ["UserPool", "Arn"]}],
            "IdentitySource": "method.request.header.Authorization"}},
        "OrdersGet": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": api, "ResourceId": {"Ref": "OrdersResource"}, "HttpMethod": "GET",
            "AuthorizationType": "COGNITO_USER_POOLS",
            "AuthorizerId": {"Ref": "CognitoAuthorizer"},
            "AuthorizationScopes": ["orders/read"], "Integration": integration}},
        "ProfileGet": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": api, "ResourceId": {"Ref": "ProfileResource"}, "HttpMethod": "GET",
            "AuthorizationType": "COGNITO_USER_POOLS",
            "AuthorizerId": {"Ref": "CognitoAuthorizer"}, "Integration": integration}},
        "Deployment": {"Type": "AWS::ApiGateway::Deployment",
                       "DependsOn": ["OrdersGet", "ProfileGet"],
                       "Properties": {"RestApiId": api, "StageName": "prod"}},
        "TestStage": {"Type": "AWS::ApiGateway::Stage", "Properties": {
            "RestApiId": api, "StageName": "test", "DeploymentId": {"Ref": "Deployment"},
            "Variables": {"table": "orders-test"}}},
    })
    return template


def test_a_template_declared_rest_api_works_in_a_fresh_lab():
    """Resources, the Cognito authorizer, methods with their integration, the deployment's
    stage and a Stage resource are created through the apigateway API, and the lab serves
    them: the method with scopes wants an access token carrying one; the one without takes
    the ID token (the pitfall). AWS: CloudFormation "AWS::ApiGateway::Method" and "Control
    access to REST APIs using Amazon Cognito user pools as an authorizer"."""
    template = with_rest_api(load_template(default_template_path()))
    with Lab.start(template, users=()) as lab:
        api_id = lab.resources["RestApi"]
        assert lab.resource_types["OrdersGet"] == "AWS::ApiGateway::Method"
        assert lab.resources["OrdersGet"] == f"{api_id}|{lab.resources['OrdersResource']}|GET"
        assert lab.resources["TestStage"] == "test"
        lab.functions.bind(lab.functions.arn("orders-rest"), echo)
        orders = lab.api_url(api_id, "prod") + "/orders"
        assert get(orders).status_code == 401
        assert get(orders, token(lab, "id")).status_code == 401
        assert get(orders, token(lab, scope="openid")).status_code == 401
        ok = get(orders, token(lab, scope="openid orders/read"))
        assert ok.status_code == 200, ok.text
        assert ok.json()["resource"] == "/orders"
        profile = lab.api_url(api_id, "test") + "/profile"
        answer = get(profile, token(lab, "id"))
        assert answer.status_code == 200, answer.text
        assert answer.json()["stageVariables"] == {"table": "orders-test"}


@pytest.mark.parametrize(("resource", "where", "bad"), [
    ("RestApi", ("Properties",), "Bogus"),
    ("OrdersGet", ("Properties", "Integration"), "Bogus"),
])
def test_unknown_properties_are_refused(resource, where, bad):
    """A property the lab does not know — of a resource or of a Method's Integration — is
    an error naming it, never a silent skip. AWS: CloudFormation "AWS::ApiGateway::Method"
    (Integration)."""
    template = with_rest_api(load_template(default_template_path()))
    target = template["Resources"][resource]
    for key in where:
        target = target[key]
    target[bad] = 1
    with pytest.raises(TemplateError, match=bad):
        Lab.start(template, users=())
