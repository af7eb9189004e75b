"""The CloudFormation types for identity pool access, as the lab applies them."""

from __future__ import annotations

import json

import pytest

from cognito_lab import Lab
from cognito_lab.template import TemplateError
from cognito_lab.template.iam_resources import iam_role
from cognito_lab.template.model import Context

VARIABLE = "${cognito-identity.amazonaws.com:sub}"


def test_the_template_gives_the_pool_least_privilege_roles(lab):
    """Roles that trust only this identity pool (aud) and authentication state (amr), with
    per-user S3 access through the policy variable; the admins group carries its role.

    AWS: "AWS::IAM::Role" (AWSCloudFormation/latest/UserGuide/aws-resource-iam-role.html);
    "Role trust and permissions" (cognito/latest/developerguide/role-trust-and-permissions.html).
    """
    iam = lab.client("iam")
    for name, amr in (("AuthenticatedRole", "authenticated"), ("AdminsRole", "authenticated"),
                      ("GuestRole", "unauthenticated")):
        role = iam.get_role(RoleName=lab.resources[name])["Role"]
        statement = role["AssumeRolePolicyDocument"]["Statement"][0]
        assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Condition"]["StringEquals"] == {
            "cognito-identity.amazonaws.com:aud": lab.identity_pool_id}
        assert statement["Condition"]["ForAnyValue:StringLike"] == {
            "cognito-identity.amazonaws.com:amr": amr}
    policy = iam.get_role_policy(RoleName=lab.resources["AuthenticatedRole"],
                                 PolicyName="user-files")["PolicyDocument"]
    own = policy["Statement"][0]
    assert own["Resource"] == f"arn:aws:s3:::{lab.bucket}/private/{VARIABLE}/*"
    assert "s3:*" not in json.dumps(policy)
    group = lab.client("cognito-idp").get_group(UserPoolId=lab.user_pool_id, GroupName="admins")
    assert group["Group"]["RoleArn"].endswith(":role/cognito-lab-AdminsRole")


def test_the_template_bucket_blocks_public_access(lab):
    """AWS: "AWS::S3::Bucket" (AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html),
    PublicAccessBlockConfiguration."""
    assert lab.bucket == f"cognito-lab-files-{lab.account_id}"
    block = lab.client("s3").get_public_access_block(Bucket=lab.bucket)
    assert all(block["PublicAccessBlockConfiguration"].values())


TEMPLATE = {
    "Resources": {
        "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": "t-pool"}},
        "Client": {"Type": "AWS::Cognito::UserPoolClient",
                   "Properties": {"UserPoolId": {"Ref": "Pool"}, "ClientName": "t"}},
        "Identities": {"Type": "AWS::Cognito::IdentityPool", "Properties": {
            "AllowUnauthenticatedIdentities": False,
            "CognitoIdentityProviders": [{"ClientId": {"Ref": "Client"},
                                          "ProviderName": {"Fn::GetAtt": ["Pool",
                                                                          "ProviderName"]}}]}},
        "Files": {"Type": "AWS::S3::Bucket"},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Files", "Arn"]}, "/*"]]}}]}}],
        }},
        "Attachment": {"Type": "AWS::Cognito::IdentityPoolRoleAttachment", "Properties": {
            "IdentityPoolId": {"Ref": "Identities"},
            "Roles": {"authenticated": {"Fn::GetAtt": ["Role", "Arn"]}},
            "RoleMappings": {"rules": {
                "IdentityProvider": {"Fn::Join": [":", [
                    {"Fn::GetAtt": ["Pool", "ProviderName"]}, {"Ref": "Client"}]]},
                "Type": "Rules", "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [{
                    "Claim": "custom:dept", "MatchType": "Equals", "Value": "Sales",
                    "RoleARN": {"Fn::GetAtt": ["Role", "Arn"]}}]}}}}},
    },
}


def test_a_role_attachment_with_rules_becomes_the_pools_role_mapping():
    """CloudFormation's RoleMappings (keyed by any name, with IdentityProvider) become the
    API's (keyed by provider); IAM roles get their inline and managed policies; an unnamed
    bucket gets a name.

    AWS: "AWS::Cognito::IdentityPoolRoleAttachment" (AWSCloudFormation/latest/UserGuide/
    aws-resource-cognito-identitypoolroleattachment.html) and its "RoleMapping" property.
    """
    with Lab.start(TEMPLATE, users=()) as lab:
        roles = lab.client("cognito-identity").get_identity_pool_roles(
            IdentityPoolId=lab.identity_pool_id)
        provider = (f"cognito-idp.{lab.region}.amazonaws.com/{lab.user_pool_id}:"
                    f"{lab.resources['Client']}")
        assert list(roles["RoleMappings"]) == [provider]
        rule = roles["RoleMappings"][provider]["RulesConfiguration"]["Rules"][0]
        assert rule["Claim"] == "custom:dept" and rule["RoleARN"] == roles["Roles"][
            "authenticated"]
        iam = lab.client("iam")
        assert iam.list_role_policies(RoleName=lab.resources["Role"])["PolicyNames"] == ["p"]
        managed = iam.create_policy(PolicyName="m", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                     "Resource": "*"}]}))["Policy"]["Arn"]
        ctx = Context(client=lab.client, region=lab.region, account_id=lab.account_id)
        created = iam_role(ctx, "Extra", {"AssumeRolePolicyDocument": {"Statement": []},
                                          "ManagedPolicyArns": [managed]})
        attached = iam.list_attached_role_policies(RoleName=created.physical_id)
        assert [p["PolicyArn"] for p in attached["AttachedPolicies"]] == [managed]
        assert created.attributes["Arn"].endswith(":role/cognito-lab-Extra")
        assert lab.bucket == f"cognito-lab-files-{lab.account_id}"
        assert lab.resources["Files"] == lab.bucket


@pytest.mark.parametrize(("resource", "fragment"), [
    ({"Type": "AWS::IAM::Role", "Properties": {}}, "AssumeRolePolicyDocument"),
    ({"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {},
                                               "Colour": "blue"}}, "Colour"),
    ({"Type": "AWS::Cognito::IdentityPoolRoleAttachment", "Properties": {
        "IdentityPoolId": "us-east-1:x", "RoleMappings": {"k": {"Type": "Token",
                                                               "Priority": 1}}}}, "Priority"),
    ({"Type": "AWS::S3::Bucket", "Properties": {"WebsiteConfiguration": {}}},
     "WebsiteConfiguration"),
])
def test_unknown_or_missing_properties_are_template_errors(resource, fragment):
    """A property the lab does not know is an error that names it, never a silent skip.

    AWS: "CloudFormation template format" (AWSCloudFormation/latest/UserGuide/
    template-anatomy.html).
    """
    with pytest.raises(TemplateError) as raised:
        Lab.start({"Resources": {"Thing": resource}}, users=())
    assert fragment in str(raised.value)
