"""API Gateway HTTP APIs (``AWS::ApiGatewayV2::*``) as CloudFormation creates them.

Property names are CloudFormation's, which for these types match the apigatewayv2 API's;
each resource becomes the one Create call CloudFormation makes. ``Ref`` returns the id
(``ApiId``, ``AuthorizerId``, ``IntegrationId``, ``RouteId``; a stage's name), as on AWS.
moto stores them; the lab serves them at ``lab.api_url(api_id, stage)``.
"""

from __future__ import annotations

from .model import Context, Created, ResourceType


def _v2(ctx: Context):
    return ctx.client("apigatewayv2")


def api(ctx: Context, logical_id: str, props: dict) -> Created:
    params = dict(props)
    params.setdefault("Name", logical_id)
    made = _v2(ctx).create_api(**params)
    return Created(made["ApiId"], {"ApiId": made["ApiId"], "ApiEndpoint": made["ApiEndpoint"]})


API = ResourceType(
    create=api,
    properties=frozenset({"Name", "ProtocolType", "Description", "CorsConfiguration",
                          "DisableExecuteApiEndpoint", "RouteSelectionExpression", "Tags",
                          "Version"}),
    required=frozenset({"ProtocolType"}),
)


def authorizer(ctx: Context, logical_id: str, props: dict) -> Created:
    params = dict(props)
    params.setdefault("Name", logical_id)
    made = _v2(ctx).create_authorizer(**params)
    return Created(made["AuthorizerId"], {"AuthorizerId": made["AuthorizerId"]})


AUTHORIZER = ResourceType(
    create=authorizer,
    properties=frozenset({"ApiId", "AuthorizerType", "Name", "IdentitySource",
                          "JwtConfiguration", "AuthorizerUri",
                          "AuthorizerPayloadFormatVersion", "EnableSimpleResponses",
                          "AuthorizerResultTtlInSeconds", "AuthorizerCredentialsArn",
                          "IdentityValidationExpression"}),
    required=frozenset({"ApiId", "AuthorizerType", "Name"}),
)


def integration(ctx: Context, logical_id: str, props: dict) -> Created:
    made = _v2(ctx).create_integration(**props)
    return Created(made["IntegrationId"], {"IntegrationId": made["IntegrationId"]})


INTEGRATION = ResourceType(
    create=integration,
    properties=frozenset({"ApiId", "IntegrationType", "IntegrationUri", "IntegrationMethod",
                          "PayloadFormatVersion", "Description", "TimeoutInMillis",
                          "RequestParameters", "CredentialsArn"}),
    required=frozenset({"ApiId", "IntegrationType"}),
)


def route(ctx: Context, logical_id: str, props: dict) -> Created:
    made = _v2(ctx).create_route(**props)
    return Created(made["RouteId"], {"RouteId": made["RouteId"]})


ROUTE = ResourceType(
    create=route,
    properties=frozenset({"ApiId", "RouteKey", "AuthorizationType", "AuthorizerId",
                          "AuthorizationScopes", "Target", "OperationName",
                          "ApiKeyRequired"}),
    required=frozenset({"ApiId", "RouteKey"}),
)


def stage(ctx: Context, logical_id: str, props: dict) -> Created:
    made = _v2(ctx).create_stage(**props)
    return Created(made["StageName"], {})


STAGE = ResourceType(
    create=stage,
    properties=frozenset({"ApiId", "StageName", "AutoDeploy", "StageVariables", "Description",
                          "DefaultRouteSettings", "Tags"}),
    required=frozenset({"ApiId", "StageName"}),
)
