"""Every CloudFormation resource type the lab creates: the table of contents of the template.

Each entry says which properties the type takes (CloudFormation's names) and which
function makes the API calls CloudFormation would make for it.
"""

from __future__ import annotations

from . import apigateway_resources, iam_resources, resources
from .model import ResourceType

RESOURCE_TYPES: dict[str, ResourceType] = {
    "AWS::Cognito::UserPool": resources.USER_POOL,
    "AWS::Cognito::UserPoolClient": resources.USER_POOL_CLIENT,
    "AWS::Cognito::UserPoolDomain": resources.USER_POOL_DOMAIN,
    "AWS::Cognito::UserPoolResourceServer": resources.RESOURCE_SERVER,
    "AWS::Cognito::UserPoolGroup": resources.USER_POOL_GROUP,
    "AWS::Cognito::UserPoolIdentityProvider": resources.USER_POOL_IDENTITY_PROVIDER,
    "AWS::Cognito::IdentityPool": resources.IDENTITY_POOL,
    "AWS::Cognito::IdentityPoolRoleAttachment": iam_resources.IDENTITY_POOL_ROLE_ATTACHMENT,
    "AWS::IAM::Role": iam_resources.IAM_ROLE,
    "AWS::IAM::OIDCProvider": iam_resources.IAM_OIDC_PROVIDER,
    "AWS::S3::Bucket": iam_resources.S3_BUCKET,
    "AWS::ApiGatewayV2::Api": apigateway_resources.API,
    "AWS::ApiGatewayV2::Authorizer": apigateway_resources.AUTHORIZER,
    "AWS::ApiGatewayV2::Integration": apigateway_resources.INTEGRATION,
    "AWS::ApiGatewayV2::Route": apigateway_resources.ROUTE,
    "AWS::ApiGatewayV2::Stage": apigateway_resources.STAGE,
    "AWS::ApiGateway::RestApi": apigateway_resources.REST_API,
    "AWS::ApiGateway::Resource": apigateway_resources.REST_RESOURCE,
    "AWS::ApiGateway::Authorizer": apigateway_resources.REST_AUTHORIZER,
    "AWS::ApiGateway::Method": apigateway_resources.REST_METHOD,
    "AWS::ApiGateway::Deployment": apigateway_resources.REST_DEPLOYMENT,
    "AWS::ApiGateway::Stage": apigateway_resources.REST_STAGE,
}
