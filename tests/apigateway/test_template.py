"""An HTTP API declared in the lab's CloudFormation template (AWS::ApiGatewayV2::Api,
Authorizer, Integration, Route, Stage) works in a fresh lab.

AWS pages: AWS CloudFormation User Guide, "AWS::ApiGatewayV2::Api", "::Authorizer",
"::Integration", "::Route", "::Stage" (properties and Ref return values).
"""

from __future__ import annotations

import copy

import pytest

from cognito_lab import Lab
from cognito_lab.template import default_template_path, load_template
from cognito_lab.template.model import TemplateError

from .conftest import echo, get, token

FUNCTION = "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:orders-api"


def with_api(template: dict) -> dict:
    template = copy.deepcopy(template)
    template["Resources"].update({
        "HttpApi": {"Type": "AWS::ApiGatewayV2::Api",
                    "Properties": {"Name": "orders-http", "ProtocolType": "HTTP"}},
        "JwtAuthorizer": {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {
            "ApiId": {"Ref": "HttpApi"}, "AuthorizerType": "JWT", "Name": "cognito",
            "IdentitySource": ["$request.header.Authorization"],
            "JwtConfiguration": {
                "Issuer": {"Fn::GetAtt": ["UserPool", "ProviderURL"]},
                "Audience": [{"Ref": "WebClient"}]}}},
        "OrdersIntegration": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "HttpApi"}, "IntegrationType": "AWS_PROXY",
            "IntegrationUri": {"Fn::Sub": FUNCTION}, "PayloadFormatVersion": "2.0"}},
        "OrdersRoute": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
            "ApiId": {"Ref": "HttpApi"}, "RouteKey": "GET /orders",
            "AuthorizationType": "JWT", "AuthorizerId": {"Ref": "JwtAuthorizer"},
            "AuthorizationScopes": ["orders/read"],
            "Target": {"Fn::Sub": "integrations/${OrdersIntegration}"}}},
        "DefaultStage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": {"Ref": "HttpApi"}, "StageName": "$default", "AutoDeploy": True}},
    })
    return template


def test_a_template_declared_http_api_works_in_a_fresh_lab():
    """The template's API, authorizer, integration, route and stage are created through
    the apigatewayv2 API and the lab serves them. AWS: CloudFormation "AWS::ApiGatewayV2::
    Route" (AuthorizationScopes) and "Control access to HTTP APIs with JWT authorizers"."""
    template = with_api(load_template(default_template_path()))
    with Lab.start(template, users=()) as lab:
        api_id = lab.resources["HttpApi"]
        assert lab.resource_types["OrdersRoute"] == "AWS::ApiGatewayV2::Route"
        lab.functions.bind(lab.functions.arn("orders-api"), echo)
        url = lab.api_url(api_id) + "/orders"
        assert get(url).status_code == 401
        assert get(url, token(lab, scope="openid")).status_code == 403
        ok = get(url, token(lab, scope="orders/read"))
        assert ok.status_code == 200, ok.text
        assert ok.json()["requestContext"]["authorizer"]["jwt"]["scopes"] == ["orders/read"]


def test_unknown_properties_are_refused():
    """A property the lab does not know is an error naming it, never a silent skip (the
    template module's rule). AWS: CloudFormation "AWS::ApiGatewayV2::Api"."""
    template = with_api(load_template(default_template_path()))
    template["Resources"]["HttpApi"]["Properties"]["Bogus"] = 1
    with pytest.raises(TemplateError, match="Bogus"):
        Lab.start(template, users=())
