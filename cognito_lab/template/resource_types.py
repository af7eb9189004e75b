"""Every CloudFormation resource type the lab creates: the table of contents of the template.

Each entry says which properties the type takes (CloudFormation's names) and which
function makes the API calls CloudFormation would make for it.
"""

from __future__ import annotations

from . import iam_resources, resources
from .model import ResourceType

RESOURCE_TYPES: dict[str, ResourceType] = {
    "AWS::Cognito::UserPool": resources.USER_POOL,
    "AWS::Cognito::UserPoolClient": resources.USER_POOL_CLIENT,
    "AWS::Cognito::UserPoolDomain": resources.USER_POOL_DOMAIN,
    "AWS::Cognito::UserPoolResourceServer": resources.RESOURCE_SERVER,
    "AWS::Cognito::UserPoolGroup": resources.USER_POOL_GROUP,
    "AWS::Cognito::IdentityPool": resources.IDENTITY_POOL,
    "AWS::Cognito::IdentityPoolRoleAttachment": iam_resources.IDENTITY_POOL_ROLE_ATTACHMENT,
    "AWS::IAM::Role": iam_resources.IAM_ROLE,
    "AWS::S3::Bucket": iam_resources.S3_BUCKET,
}
