"""Which role a user gets: pool roles, Token mappings, Rules mappings, CustomRoleArn."""

from __future__ import annotations

import pytest

from cognito_lab.emulator.identity.logins import Login
from cognito_lab.emulator.identity.roles import choose_role, rule_matches

from .helpers import credentials, error_of, make_role, mint, provider, role_of


@pytest.fixture(scope="module")
def roles(lab):
    """Extra roles for the rules: one per tenant, one for a StartsWith rule."""
    return {name: make_role(lab, f"test-{name}") for name in ("acme", "globex", "example")}


@pytest.fixture
def restore_roles(lab):
    """Put the template's role settings back after a test changes them."""
    admin = lab.client("cognito-identity")
    saved = admin.get_identity_pool_roles(IdentityPoolId=lab.identity_pool_id)
    yield admin
    admin.set_identity_pool_roles(IdentityPoolId=lab.identity_pool_id, Roles=saved["Roles"],
                                  RoleMappings=saved.get("RoleMappings", {}))


def _mapping_key(lab) -> str:
    return f"{provider(lab)}:{lab.app_clients['web'].client_id}"


def _set(admin, lab, mapping: dict | None) -> None:
    saved = admin.get_identity_pool_roles(IdentityPoolId=lab.identity_pool_id)
    admin.set_identity_pool_roles(IdentityPoolId=lab.identity_pool_id, Roles=saved["Roles"],
                                  RoleMappings={_mapping_key(lab): mapping} if mapping else {})


def _role_for(lab, name: str, **extra) -> str:
    return role_of(lab, credentials(lab, mint(lab, name)["IdToken"], **extra)[1])


def test_roles_round_trip_and_the_template_sets_them(lab):
    """SetIdentityPoolRoles / GetIdentityPoolRoles keep roles and role mappings (moto has
    neither). The template sets the authenticated, guest and Token mapping for the web app.

    AWS: "SetIdentityPoolRoles" (cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html),
    "GetIdentityPoolRoles" (cognitoidentity/latest/APIReference/API_GetIdentityPoolRoles.html).
    """
    got = lab.client("cognito-identity").get_identity_pool_roles(
        IdentityPoolId=lab.identity_pool_id)
    assert got["IdentityPoolId"] == lab.identity_pool_id
    assert got["Roles"]["authenticated"].endswith(":role/cognito-lab-AuthenticatedRole")
    assert got["Roles"]["unauthenticated"].endswith(":role/cognito-lab-GuestRole")
    assert got["RoleMappings"] == {_mapping_key(lab): {
        "Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}}


ROLE = "arn:aws:iam::123456789012:role/x"


# AWS's model already refuses some (a role key outside "(un)?authenticated", a mapping Type
# or MatchType outside its enum): ValidationException, before SetIdentityPoolRoles runs.
MODEL = "ValidationException"


@pytest.mark.parametrize(("roles", "mappings", "expected"), [
    ({"admins": "arn:aws:iam::123456789012:role/x"}, {}, MODEL),
    ({"authenticated": "arn:aws:s3:::not-a-role-but-a-bucket"}, {}, "InvalidParameterException"),
    ({"authenticated": ROLE}, {"p": {"Type": "Magic", "AmbiguousRoleResolution": "Deny"}}, MODEL),
    ({"authenticated": ROLE}, {"p": {"Type": "Rules", "AmbiguousRoleResolution": "Deny"}},
     "InvalidParameterException"),
    ({"authenticated": ROLE}, {"p": {
        "Type": "Rules", "AmbiguousRoleResolution": "Deny", "RulesConfiguration": {"Rules": [
            {"Claim": "email", "MatchType": "Like", "Value": "a",
             "RoleARN": ROLE}]}}}, MODEL),
    ({"authenticated": ROLE}, {"p": {"Type": "Token"}}, "InvalidParameterException"),
])
def test_invalid_role_settings_are_refused(lab, roles, mappings, expected):
    """Bad role keys, ARNs, mapping types, missing rules, match types or resolution are
    refused (InvalidParameterException; ValidationException where the model's own pattern
    or enum refuses them), and nothing changes.

    AWS: "SetIdentityPoolRoles" (cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html),
    "RoleMapping" (cognitoidentity/latest/APIReference/API_RoleMapping.html); Common Errors
    (ValidationException).
    """
    admin = lab.client("cognito-identity")
    before = admin.get_identity_pool_roles(IdentityPoolId=lab.identity_pool_id)
    code, _ = error_of(lambda: admin.set_identity_pool_roles(
        IdentityPoolId=lab.identity_pool_id, Roles=roles, RoleMappings=mappings))
    assert code == expected
    after = admin.get_identity_pool_roles(IdentityPoolId=lab.identity_pool_id)
    assert after["Roles"] == before["Roles"]


def test_token_mapping_uses_the_preferred_role_of_the_users_group(lab):
    """Token mapping: alice's admins group has a RoleArn, so her ID token's
    cognito:preferred_role chooses the admins role; bob's groups have none, so he gets the
    authenticated role (AmbiguousRoleResolution: AuthenticatedRole).

    AWS: "Using role-based access control", section "Using tokens to assign roles to users"
    (cognito/latest/developerguide/role-based-access-control.html).
    """
    assert _role_for(lab, "alice") == "cognito-lab-AdminsRole"
    assert _role_for(lab, "bob") == "cognito-lab-AuthenticatedRole"


def test_token_mapping_with_deny_refuses_users_without_a_role(lab, restore_roles):
    """With AmbiguousRoleResolution Deny, a token that names no role gets no credentials.

    AWS: "Using role-based access control" (cognito/latest/developerguide/
    role-based-access-control.html); the message is AWS's ("The ambiguous role mapping rules
    for: <provider> denied this request.").
    """
    _set(restore_roles, lab, {"Type": "Token", "AmbiguousRoleResolution": "Deny"})
    code, message = error_of(lambda: _role_for(lab, "bob"))
    assert code == "NotAuthorizedException"
    assert message == f"The ambiguous role mapping rules for: {provider(lab)} denied this request."
    assert _role_for(lab, "alice") == "cognito-lab-AdminsRole"


def test_custom_role_arn_must_be_one_of_the_tokens_roles(lab):
    """CustomRoleArn is honoured if it is in cognito:roles, and denied otherwise.

    AWS: "Using role-based access control" (cognito/latest/developerguide/
    role-based-access-control.html): "If this parameter doesn't match a role in
    cognito:roles, deny access."
    """
    admins = lab.client("iam").get_role(RoleName="cognito-lab-AdminsRole")["Role"]["Arn"]
    authenticated = admins.replace("AdminsRole", "AuthenticatedRole")
    assert _role_for(lab, "alice", CustomRoleArn=admins) == "cognito-lab-AdminsRole"
    code, _ = error_of(lambda: _role_for(lab, "alice", CustomRoleArn=authenticated))
    assert code == "NotAuthorizedException"


def test_rules_first_match_wins(lab, roles, restore_roles):
    """Rules are evaluated in order and the first matching rule's role is used.

    AWS: "Using role-based access control", section "Using rule-based mapping to assign
    roles to users" (cognito/latest/developerguide/role-based-access-control.html).
    """
    _set(restore_roles, lab, {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
                              "RulesConfiguration": {"Rules": [
        {"Claim": "custom:tenant_id", "MatchType": "Equals", "Value": "acme",
         "RoleARN": roles["acme"]},
        {"Claim": "email", "MatchType": "StartsWith", "Value": "alice",
         "RoleARN": roles["example"]},
        {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "member",
         "RoleARN": roles["globex"]}]}})
    assert _role_for(lab, "alice") == "test-acme"        # rule 1 before rule 2
    assert _role_for(lab, "carol") == "test-acme"
    assert _role_for(lab, "bob") == "test-globex"        # "members" contains "member"


def test_rules_without_a_match_follow_ambiguous_role_resolution(lab, roles, restore_roles):
    """No rule matches: Deny refuses, AuthenticatedRole falls back to the default role.

    AWS: "Using role-based access control" (cognito/latest/developerguide/
    role-based-access-control.html): "If no rules match, the Role resolution setting is
    applied".
    """
    rules = {"Rules": [{"Claim": "custom:tenant_id", "MatchType": "Equals", "Value": "acme",
                        "RoleARN": roles["acme"]}]}
    _set(restore_roles, lab, {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
                              "RulesConfiguration": rules})
    code, message = error_of(lambda: _role_for(lab, "bob"))
    assert code == "NotAuthorizedException" and "ambiguous role mapping" in message
    _set(restore_roles, lab, {"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
                              "RulesConfiguration": rules})
    assert _role_for(lab, "bob") == "cognito-lab-AuthenticatedRole"
    assert _role_for(lab, "carol") == "test-acme"


def test_not_equal_rule(lab, roles, restore_roles):
    """NotEqual matches users whose claim differs from the value.

    AWS: "Using role-based access control" (cognito/latest/developerguide/
    role-based-access-control.html).
    """
    _set(restore_roles, lab, {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
                              "RulesConfiguration": {"Rules": [
        {"Claim": "custom:tenant_id", "MatchType": "NotEqual", "Value": "acme",
         "RoleARN": roles["globex"]}]}})
    assert _role_for(lab, "bob") == "test-globex"
    code, _ = error_of(lambda: _role_for(lab, "carol"))
    assert code == "NotAuthorizedException"


def _login(**claims) -> Login:
    return Login(provider="cognito-idp.us-east-1.amazonaws.com/us-east-1_X", sub="s",
                 claims={"aud": "client", **claims})


def test_rule_matching_follows_the_match_types():
    """Equals, Contains, StartsWith, NotEqual; a NotEqual rule on a missing claim is not
    evaluated; list claims (cognito:groups) match element by element.

    AWS: "Using role-based access control" (cognito/latest/developerguide/
    role-based-access-control.html).
    """
    rule = lambda match, value, claim="dept": {"Claim": claim, "MatchType": match,  # noqa: E731
                                                "Value": value, "RoleARN": "r"}
    claims = {"dept": "Sales", "cognito:groups": ["admins", "members"]}
    assert rule_matches(rule("Equals", "Sales"), claims)
    assert not rule_matches(rule("Equals", "sales"), claims)
    assert rule_matches(rule("Contains", "ale"), claims)
    assert rule_matches(rule("StartsWith", "Sa"), claims)
    assert not rule_matches(rule("StartsWith", "ales"), claims)
    assert rule_matches(rule("NotEqual", "Support"), claims)
    assert not rule_matches(rule("NotEqual", "Sales"), claims)
    assert not rule_matches(rule("NotEqual", "x", claim="missing"), claims)
    assert rule_matches(rule("Equals", "admins", claim="cognito:groups"), claims)
    assert not rule_matches(rule("NotEqual", "admins", claim="cognito:groups"), claims)


def test_no_role_configured_is_an_identity_pool_configuration_error():
    """Without an authenticated (or unauthenticated) role there are no credentials.

    AWS: "GetCredentialsForIdentity" (cognitoidentity/latest/APIReference/
    API_GetCredentialsForIdentity.html), InvalidIdentityPoolConfigurationException.
    """
    from cognito_lab.emulator.errors import CognitoError

    nothing = {"Roles": {}, "RoleMappings": {}}
    for login in (_login(), None):
        with pytest.raises(CognitoError) as raised:
            choose_role(nothing, login, None)
        assert raised.value.code == "InvalidIdentityPoolConfigurationException"
