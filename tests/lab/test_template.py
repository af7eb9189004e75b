"""The default CloudFormation template, applied through boto3, and bad templates refused."""

from __future__ import annotations

import pytest

from cognito_lab import Lab
from cognito_lab.template import TemplateError, default_template_path, load_template


def test_every_resource_of_the_template_exists(lab):
    template = load_template(default_template_path())
    assert set(lab.resources) == set(template["Resources"])
    assert lab.resource_types["UserPool"] == "AWS::Cognito::UserPool"


def test_user_pool_has_the_templates_properties(lab):
    pool = lab.client("cognito-idp").describe_user_pool(UserPoolId=lab.user_pool_id)["UserPool"]
    assert pool["Name"] == "cognito-lab-users"
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 12
    assert policy["RequireUppercase"] and policy["RequireLowercase"] and policy["RequireNumbers"]
    assert pool["MfaConfiguration"] == "OPTIONAL"
    tenant = next(a for a in pool["SchemaAttributes"] if a["Name"] == "custom:tenant_id")
    assert tenant["Mutable"] is False
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"] == [
        {"Name": "verified_email", "Priority": 1}]
    mfa = lab.client("cognito-idp").get_user_pool_mfa_config(UserPoolId=lab.user_pool_id)
    assert mfa["SoftwareTokenMfaConfiguration"]["Enabled"] is True


def test_app_clients_are_public_confidential_and_m2m(lab):
    web, server, m2m = (lab.app_clients[n] for n in ("web", "server", "m2m"))
    assert web.is_public and web.oauth_flows == ("code",)
    assert web.callback_urls == ("http://localhost:3000/callback",)
    assert not server.is_public and server.oauth_flows == ("code",)
    assert not m2m.is_public and m2m.oauth_flows == ("client_credentials",)
    assert m2m.oauth_scopes == ("orders/read",)


def test_domain_resource_server_groups_identity_pool(lab):
    idp = lab.client("cognito-idp")
    assert lab.domain == "my-shop-auth-demo"
    domain = idp.describe_user_pool_domain(Domain=lab.domain)["DomainDescription"]
    assert domain["UserPoolId"] == lab.user_pool_id
    server = idp.describe_resource_server(UserPoolId=lab.user_pool_id,
                                          Identifier="orders")["ResourceServer"]
    assert {s["ScopeName"] for s in server["Scopes"]} == {"read", "write"}
    groups = {g["GroupName"]: g for g in
              idp.list_groups(UserPoolId=lab.user_pool_id)["Groups"]}
    assert groups["admins"]["Precedence"] == 1 and groups["members"]["Precedence"] == 10
    identity = lab.client("cognito-identity").describe_identity_pool(
        IdentityPoolId=lab.identity_pool_id)
    assert identity["AllowUnauthenticatedIdentities"] is False
    assert identity["CognitoIdentityProviders"][0]["ClientId"] == lab.app_clients["web"].client_id
    assert identity["CognitoIdentityProviders"][0]["ProviderName"] == (
        f"cognito-idp.us-east-1.amazonaws.com/{lab.user_pool_id}")


def test_seeded_users_are_confirmed_with_groups(lab):
    idp = lab.client("cognito-idp")
    alice = lab.users["alice"]
    user = idp.admin_get_user(UserPoolId=lab.user_pool_id, Username=alice.username)
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "alice@example.com"
    assert attributes["custom:tenant_id"] == "acme"
    groups = idp.admin_list_groups_for_user(UserPoolId=lab.user_pool_id,
                                            Username=alice.username)["Groups"]
    assert [g["GroupName"] for g in groups] == ["admins"]
    assert len({u.password for u in lab.users.values()}) == len(lab.users)


MINIMAL = """
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: mine
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ClientName: !Sub "${Pool}-client"
"""


def test_a_learners_own_template():
    with Lab.start(MINIMAL, users=()) as lab:
        assert lab.resource_types == {"Pool": "AWS::Cognito::UserPool",
                                      "Client": "AWS::Cognito::UserPoolClient"}
        [client] = lab.app_clients.values()
        assert client.name == f"{lab.user_pool_id}-client"
        assert lab.identity_pool_id is None and lab.users == {}


@pytest.mark.parametrize(("template", "message"), [
    ({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}},
     r"Queue has type 'AWS::SQS::Queue', which the lab cannot create"),
    ({"Resources": {"Pool": {"Type": "AWS::Cognito::UserPool",
                             "Properties": {"UserPoolName": "x", "Colour": "blue"}}}},
     r"Pool \(AWS::Cognito::UserPool\) has unknown or unsupported properties: Colour"),
    ({"Resources": {"Client": {"Type": "AWS::Cognito::UserPoolClient",
                               "Properties": {"ClientName": "x"}}}},
     r"missing required properties: UserPoolId"),
    ({"Resources": {"Client": {"Type": "AWS::Cognito::UserPoolClient",
                               "Properties": {"UserPoolId": {"Ref": "Nowhere"}}}}},
     r"Ref to 'Nowhere'"),
    ({"Resources": {"Pool": {"Type": "AWS::Cognito::UserPool",
                             "Properties": {"UserPoolName": {"Fn::GetAtt": ["Pool", "Colour"]}}}}},
     r"circular"),
    ({"Resources": {"Pool": {"Properties": {}}}}, r"Pool has no Type"),
    ({"Resource": {}}, r"needs a 'Resources' mapping"),
    ("Resources: [1, 2", r"not valid YAML"),
])
def test_bad_templates_are_refused_with_a_clear_error(template, message):
    with pytest.raises(TemplateError, match=message):
        with Lab.start(template if not isinstance(template, str) else template + "\n", users=()):
            pass


def test_a_bad_template_leaves_no_server_running():
    import threading

    before = threading.active_count()
    with pytest.raises(TemplateError):
        Lab.start({"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}})
    assert threading.active_count() <= before


def test_sub_resolves_references_and_keeps_escaped_literals():
    from cognito_lab.template.apply import Context, resolve

    ctx = Context(client=None, region="eu-west-1", account_id="123456789012",
                  parameters={"Stage": "dev"})
    value = resolve({"Fn::Sub": "arn:${AWS::Region}:${Stage}:${!Literal}"}, ctx)
    assert value == "arn:eu-west-1:dev:${Literal}"
    assert resolve({"Fn::Sub": ["${A}-${Stage}", {"A": "x"}]}, ctx) == "x-dev"
    assert resolve({"Fn::Join": ["/", ["a", {"Ref": "Stage"}]]}, ctx) == "a/dev"
