"""API Gateway HTTP APIs (``AWS::ApiGatewayV2::*``) and REST APIs (``AWS::ApiGateway::*``)
as CloudFormation creates them.

HTTP APIs: property names are CloudFormation's, which for these types match the
apigatewayv2 API's; each resource becomes the one Create call CloudFormation makes. ``Ref``
returns the id (``ApiId``, ``AuthorizerId``, ``IntegrationId``, ``RouteId``; a stage's
name), as on AWS.

REST APIs: CloudFormation's PascalCase names become the apigateway API's camelCase ones
(``RestApiId`` → ``restApiId``, ``ProviderARNs`` → ``providerARNs``). ``Ref`` returns the
REST API's, resource's, authorizer's and deployment's id and a stage's name; ``Fn::GetAtt``
gives ``RootResourceId`` of a RestApi. A Method is PutMethod then, with its
``Integration``, PutIntegration; its ``Ref`` in the lab is ``<RestApiId>|<ResourceId>|
<HttpMethod>`` (the three values that name a method). A Deployment with ``StageName``
creates that stage too, as on AWS.

moto stores them; the lab serves them at ``lab.api_url(api_id, stage)``.
"""

from __future__ import annotations

from .model import Context, Created, ResourceType, TemplateError


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


# -- REST APIs (AWS::ApiGateway::*) ---------------------------------------------------------
def _rest(ctx: Context):
    return ctx.client("apigateway")


_CAMEL_EXCEPTIONS = {"ProviderARNs": "providerARNs"}


def _camel(props: dict) -> dict:
    """CloudFormation's property names as the apigateway API spells them."""
    return {_CAMEL_EXCEPTIONS.get(key, key[:1].lower() + key[1:]): value
            for key, value in props.items()}


def rest_api(ctx: Context, logical_id: str, props: dict) -> Created:
    params = _camel(props)
    params.setdefault("name", logical_id)
    if "tags" in params:                          # CloudFormation: a list of Key/Value
        params["tags"] = {t["Key"]: t["Value"] for t in params["tags"]}
    made = _rest(ctx).create_rest_api(**params)
    root = next(item["id"] for item in _rest(ctx).get_resources(restApiId=made["id"])["items"]
                if item["path"] == "/")
    return Created(made["id"], {"RestApiId": made["id"], "RootResourceId": root})


REST_API = ResourceType(
    create=rest_api,
    properties=frozenset({"Name", "Description", "EndpointConfiguration", "Tags",
                          "ApiKeySourceType", "BinaryMediaTypes", "DisableExecuteApiEndpoint",
                          "MinimumCompressionSize", "Policy"}),
)


def rest_resource(ctx: Context, logical_id: str, props: dict) -> Created:
    made = _rest(ctx).create_resource(**_camel(props))
    return Created(made["id"], {"ResourceId": made["id"]})


REST_RESOURCE = ResourceType(
    create=rest_resource,
    properties=frozenset({"RestApiId", "ParentId", "PathPart"}),
    required=frozenset({"RestApiId", "ParentId", "PathPart"}),
)


def rest_authorizer(ctx: Context, logical_id: str, props: dict) -> Created:
    params = _camel(props)
    params.setdefault("name", logical_id)
    made = _rest(ctx).create_authorizer(**params)
    return Created(made["id"], {"AuthorizerId": made["id"]})


REST_AUTHORIZER = ResourceType(
    create=rest_authorizer,
    properties=frozenset({"RestApiId", "Name", "Type", "ProviderARNs", "IdentitySource",
                          "AuthorizerUri", "AuthorizerCredentials",
                          "AuthorizerResultTtlInSeconds", "IdentityValidationExpression",
                          "AuthType"}),
    required=frozenset({"RestApiId", "Type", "Name"}),
)

INTEGRATION_PROPERTIES = frozenset({"Type", "IntegrationHttpMethod", "Uri", "Credentials",
                                    "TimeoutInMillis", "PassthroughBehavior",
                                    "RequestParameters", "RequestTemplates",
                                    "ContentHandling", "CacheKeyParameters",
                                    "CacheNamespace"})


def rest_method(ctx: Context, logical_id: str, props: dict) -> Created:
    params = _camel({k: v for k, v in props.items() if k != "Integration"})
    params.setdefault("authorizationType", "NONE")
    ag = _rest(ctx)
    ag.put_method(**params)
    integration = props.get("Integration")
    if integration is not None:
        unknown = sorted(set(integration) - INTEGRATION_PROPERTIES)
        if unknown:
            raise TemplateError(f"{logical_id}: Integration property {unknown[0]!r} is not "
                                f"one the lab knows ({', '.join(sorted(INTEGRATION_PROPERTIES))})")
        if "Type" not in integration:
            raise TemplateError(f"{logical_id}: Integration needs a Type")
        ag.put_integration(restApiId=params["restApiId"], resourceId=params["resourceId"],
                           httpMethod=params["httpMethod"], **_camel(integration))
    ident = "|".join((params["restApiId"], params["resourceId"], params["httpMethod"]))
    return Created(ident, {})


REST_METHOD = ResourceType(
    create=rest_method,
    properties=frozenset({"RestApiId", "ResourceId", "HttpMethod", "AuthorizationType",
                          "AuthorizerId", "AuthorizationScopes", "ApiKeyRequired",
                          "Integration", "OperationName", "RequestParameters",
                          "RequestModels", "RequestValidatorId"}),
    required=frozenset({"RestApiId", "ResourceId", "HttpMethod"}),
)


def rest_deployment(ctx: Context, logical_id: str, props: dict) -> Created:
    made = _rest(ctx).create_deployment(**_camel(props))
    return Created(made["id"], {"DeploymentId": made["id"]})


REST_DEPLOYMENT = ResourceType(
    create=rest_deployment,
    properties=frozenset({"RestApiId", "StageName", "Description"}),
    required=frozenset({"RestApiId"}),
)


def rest_stage(ctx: Context, logical_id: str, props: dict) -> Created:
    made = _rest(ctx).create_stage(**_camel(props))
    return Created(made["stageName"], {})


REST_STAGE = ResourceType(
    create=rest_stage,
    properties=frozenset({"RestApiId", "StageName", "DeploymentId", "Description",
                          "Variables", "CacheClusterEnabled", "CacheClusterSize",
                          "TracingEnabled"}),
    required=frozenset({"RestApiId", "DeploymentId"}),
)
