"""Notebook 09's configuration checklist and its self-check.

The checklist reads the live configuration; each rule must fail on the weakness it names
and pass on the course template. The self-check runs the learner's fix first and a sign-in
through the SPA after, so a fix that breaks the SPA fails too.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest

from cognito_lab.teach.capstone import (
    TokenSample,
    check_configuration,
    checklist,
    client_items,
    identity_role_arns,
    mfa_item,
    password_item,
    sign_up_item,
    tenant_claim_item,
    tenant_item,
    wildcard_actions,
)

SOLUTION = Path(__file__).resolve().parents[2] / "notebooks/solutions/09_harden_web_client.py"
WEAKENED = {"sign-in flows fit each client", "access and ID tokens ≤ 1 hour",
            "user existence errors hidden", "token revocation on"}


def harden_web_client():
    """The notebook's solution, loaded from its file."""
    return runpy.run_path(str(SOLUTION))["harden_web_client"]


TENANT_OF_DOMAIN = {"acme.example": "acme", "globex.example": "globex"}


def pre_sign_up(event, context):
    """Notebook 09's trigger: partners' domains only, each into its own tenant."""
    attributes = event["request"]["userAttributes"]
    domain = attributes["email"].rsplit("@", 1)[-1].lower()
    if domain not in TENANT_OF_DOMAIN:
        raise Exception("Email domain not allowed")
    if attributes.get("custom:tenant_id") != TENANT_OF_DOMAIN[domain]:
        raise Exception(f"{domain} users belong to tenant {TENANT_OF_DOMAIN[domain]}")
    return event


def tenant_claim(event, context):
    """Notebook 09's PreTokenGeneration V2_0 trigger: the user's tenant, in the access token."""
    tenant = event["request"]["userAttributes"].get("custom:tenant_id")
    if tenant:
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant_id": tenant}}}
    return event


def screen_sign_ups(lab) -> None:
    """Notebook 09's two triggers: screened sign-ups, and the tenant in access tokens."""
    lab.triggers.attach("PreSignUp", pre_sign_up)
    lab.triggers.attach("PreTokenGeneration", tenant_claim, version="V2_0")


def update_keeping_the_rest(idp, user_pool_id: str, client_id: str, **changes) -> None:
    """Describe, change, send everything back: UpdateUserPoolClient resets what it isn't
    given (AWS, UpdateUserPoolClient)."""
    current = idp.describe_user_pool_client(UserPoolId=user_pool_id,
                                            ClientId=client_id)["UserPoolClient"]
    accepted = idp.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    settings = {name: value for name, value in current.items() if name in accepted}
    idp.update_user_pool_client(**{**settings, **changes})


def weaken_web_client(lab) -> None:
    """The teammate's changes in notebook 09 (made the careful way: nothing else lost)."""
    update_keeping_the_rest(
        lab.client("cognito-idp"), lab.user_pool_id, lab.app_clients["web"].client_id,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
                           "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=1, IdTokenValidity=1,
        TokenValidityUnits={"AccessToken": "days", "IdToken": "days", "RefreshToken": "days"},
        PreventUserExistenceErrors="LEGACY", EnableTokenRevocation=False)


def failed_rules(lab) -> set[str]:
    return {item.rule for item in checklist(lab).failed}


# -- the checklist on a live lab ------------------------------------------------------------
def test_the_template_fails_only_on_open_sign_up_and_tenantless_tokens(lab):
    """The course template is strong, but lets anyone sign up with any email, and its access
    tokens carry no tenant."""
    assert failed_rules(lab) == {"sign-up screened, or off", "tenant_id in access tokens"}
    assert len(checklist(lab)) == 13


def test_a_screened_sign_up_passes_everything_and_says_so(fresh_lab, capsys):
    screen_sign_ups(fresh_lab)
    assert check_configuration(fresh_lab)
    out = capsys.readouterr().out
    assert out.startswith("✅ Your configuration passes the checklist: 13 of 13.")
    assert "❌" not in out and "PreSignUp → cognito-lab-PreSignUp: refused a stranger" in out
    assert ("PreTokenGeneration V2_0 → cognito-lab-PreTokenGeneration: each access token has "
            "its user's tenant (alice@example.com acme, bob@example.com globex)") in out


def _domain_only(event, context):
    if not event["request"]["userAttributes"]["email"].endswith(".example"):
        raise Exception("Email domain not allowed")
    return event


def _refuse_everyone(event, context):
    raise Exception("sign-up is closed")


@pytest.mark.parametrize(("trigger", "feedback"), [
    (lambda event, context: event,
     "stranger@anywhere.test into acme (a stranger's domain) was let in"),
    (_domain_only, "spy@globex.example into acme (a partner's domain claiming another "
                   "tenant) was let in"),
    (_refuse_everyone, "new.hire@acme.example (a partner's domain, its own tenant) was "
                       "refused: UserLambdaValidationException"),
], ids=["no-op", "domain-only", "refuses-everyone"])
def test_a_trigger_that_does_not_screen_fails_the_sign_up_item(fresh_lab, trigger, feedback):
    """Attaching a PreSignUp trigger is not screening: the checklist tries it."""
    fresh_lab.triggers.attach("PreSignUp", trigger)
    [item] = [i for i in checklist(fresh_lab) if i.rule == "sign-up screened, or off"]
    assert not item.ok and feedback in item.found
    assert "raise for domains not in the allowed list" in item.found


def _tenant_from_v1(event, context):
    """A V1_0 trigger: its claims go into the ID token only."""
    tenant = event["request"]["userAttributes"]["custom:tenant_id"]
    event["response"]["claimsOverrideDetails"] = {"claimsToAddOrOverride": {"tenant_id": tenant}}
    return event


def _constant_tenant(event, context):
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant_id": "acme"}}}
    return event


def _tenant_in_the_id_token(event, context):
    tenant = event["request"]["userAttributes"]["custom:tenant_id"]
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "idTokenGeneration": {"claimsToAddOrOverride": {"tenant_id": tenant}}}
    return event


def _raises(event, context):
    raise Exception("no tenant table")


TENANT_RULE = "tenant_id in access tokens"


@pytest.mark.parametrize(("trigger", "version", "feedback"), [
    (None, None, "no PreTokenGeneration trigger: access tokens carry no tenant"),
    (_tenant_from_v1, None, "PreTokenGeneration V1_0 → cognito-lab-PreTokenGeneration: "
     "tenant_id in the ID token only, which the API refuses: a V1_0 trigger can't change "
     "access tokens (alice@example.com, bob@example.com) → set PreTokenGenerationConfig "
     "LambdaVersion V2_0"),
    (tenant_claim, None, "no tenant_id in the access token: a V1_0 trigger can't change "
     "access tokens"),
    (_constant_tenant, "V2_0", "tenant_id='acme' for a user of tenant globex "
     "(bob@example.com) → copy the user's own custom:tenant_id"),
    (_tenant_in_the_id_token, "V2_0", "tenant_id in the ID token only, which the API refuses "
     "(alice@example.com, bob@example.com) → return the claim in accessTokenGeneration"),
    (lambda event, context: event, "V2_0", "no tenant_id in the access token "
     "(alice@example.com, bob@example.com) → return the user's custom:tenant_id in "
     "accessTokenGeneration.claimsToAddOrOverride"),
    (_raises, "V2_0", "could not sign in: UserLambdaValidationException: PreTokenGeneration "
     "failed with error no tenant table"),
], ids=["none", "v1", "v2-code-as-v1", "constant", "id-token-only", "no-op", "raises"])
def test_a_trigger_that_does_not_put_the_tenant_in_access_tokens_fails(
        fresh_lab, trigger, version, feedback):
    """Attaching a PreTokenGeneration trigger is not enough: the checklist signs users of two
    tenants in and reads their access tokens, as the API does."""
    fresh_lab.triggers.attach("PreSignUp", pre_sign_up)
    if trigger is not None:
        fresh_lab.triggers.attach("PreTokenGeneration", trigger, version=version)
    items = checklist(fresh_lab)
    assert {item.rule for item in items.failed} == {TENANT_RULE}
    [item] = [i for i in items if i.rule == TENANT_RULE]
    assert feedback in item.found


def test_probing_the_tokens_leaves_no_app_client_behind(fresh_lab):
    screen_sign_ups(fresh_lab)
    idp = fresh_lab.client("cognito-idp")

    def clients():
        return idp.list_user_pool_clients(UserPoolId=fresh_lab.user_pool_id,
                                          MaxResults=60)["UserPoolClients"]

    before = clients()
    checklist(fresh_lab)
    assert clients() == before


def test_tenant_claim_item_judges_the_tokens_not_the_attachment():
    arn = "arn:aws:lambda:us-east-1:123456789012:function:tenant"
    v2 = {"LambdaConfig": {"PreTokenGeneration": arn, "PreTokenGenerationConfig": {
        "LambdaVersion": "V2_0", "LambdaArn": arn}}}

    def sample(user, tenant, claim):
        return TokenSample(user, tenant, {"tenant_id": claim} if claim else {}, {})

    right = [sample("a", "acme", "acme"), sample("b", "globex", "globex")]
    assert tenant_claim_item(v2, lambda: right).ok
    assert not tenant_claim_item({"LambdaConfig": {}}, lambda: right).ok    # no trigger
    assert not tenant_claim_item(v2).ok                                     # never tried
    assert not tenant_claim_item(v2, lambda: [right[0], sample("b", "globex", "acme")]).ok
    assert not tenant_claim_item(v2, lambda: [right[0], sample("b", "globex", None)]).ok
    nobody = tenant_claim_item(v2, lambda: "the lab has no user with a custom:tenant_id")
    assert not nobody.ok and "not tried: the lab has no user" in nobody.found


def test_probing_the_trigger_leaves_no_user_behind(fresh_lab):
    screen_sign_ups(fresh_lab)
    idp = fresh_lab.client("cognito-idp")
    before = len(idp.list_users(UserPoolId=fresh_lab.user_pool_id)["Users"])
    checklist(fresh_lab)
    assert len(idp.list_users(UserPoolId=fresh_lab.user_pool_id)["Users"]) == before


def test_the_teammates_changes_fail_exactly_the_rules_they_break(fresh_lab, capsys):
    screen_sign_ups(fresh_lab)
    weaken_web_client(fresh_lab)
    assert failed_rules(fresh_lab) == WEAKENED
    assert not check_configuration(fresh_lab)
    out = capsys.readouterr().out
    assert out.startswith("❌ 4 of 13 items fail:")
    assert "web: access token lives 1 day" in out
    assert "PreventUserExistenceErrors='ENABLED'" in out


def test_an_over_broad_identity_pool_role_fails(fresh_lab):
    """AWS anti-pattern: "The authenticated IAM role should not have s3:* or dynamodb:*"."""
    screen_sign_ups(fresh_lab)
    role = fresh_lab.resources["AuthenticatedRole"]
    fresh_lab.client("iam").put_role_policy(
        RoleName=role, PolicyName="shortcut", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    [item] = checklist(fresh_lab).failed
    assert item.area == "identity pool" and f"{role} allows s3:* (shortcut)" in item.found


def test_a_group_role_is_checked_too(fresh_lab):
    """The admins group's role reaches users through the token (cognito:preferred_role)."""
    screen_sign_ups(fresh_lab)
    role = fresh_lab.resources["AdminsRole"]
    iam = fresh_lab.client("iam")
    arn = iam.create_policy(PolicyName="everything", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    [item] = checklist(fresh_lab).failed
    assert f"{role} allows * (everything)" in item.found


def test_weak_pool_settings_fail(fresh_lab):
    screen_sign_ups(fresh_lab)
    idp = fresh_lab.client("cognito-idp")
    idp.set_user_pool_mfa_config(UserPoolId=fresh_lab.user_pool_id, MfaConfiguration="OFF")
    assert failed_rules(fresh_lab) == {"MFA available"}


# -- the exercise's self-check ----------------------------------------------------------------
@pytest.fixture
def weakened(fresh_lab):
    screen_sign_ups(fresh_lab)
    weaken_web_client(fresh_lab)
    return fresh_lab


def test_the_untouched_skeleton_is_not_done_and_shows_the_checklist(weakened, capsys):
    def harden_web_client(idp, user_pool_id, client_id):
        raise NotImplementedError

    assert not check_configuration(weakened, harden_web_client)
    out = capsys.readouterr().out
    assert out.startswith("❌ Not done yet: fill in `harden_web_client`.")
    assert out.count("❌") == 5       # the headline and the four weakened rules


def test_the_solution_passes_and_the_spa_still_signs_in(weakened, capsys):
    assert check_configuration(weakened, harden_web_client())
    out = capsys.readouterr().out
    assert out.startswith("✅ Your configuration passes the checklist: 15 of 15.")
    assert "other settings as they were" in out
    assert "carol@example.com signed in; access token for 1 hour" in out
    settings = weakened.client("cognito-idp").describe_user_pool_client(
        UserPoolId=weakened.user_pool_id,
        ClientId=weakened.app_clients["web"].client_id)["UserPoolClient"]
    assert settings["CallbackURLs"] == ["http://localhost:3000/callback"]
    assert settings["AllowedOAuthScopes"] == ["openid", "email", "profile", "orders/read"]


def test_the_naive_update_of_only_the_four_settings_fails_and_says_why(weakened, capsys):
    """The mistake notebook 09 warns about: an update with only the changes resets the
    rest (AWS, UpdateUserPoolClient: "If you don't provide a value for an attribute,
    Amazon Cognito sets it to its default value"), and the SPA can't sign in any more."""
    def harden_web_client(idp, user_pool_id, client_id):
        idp.update_user_pool_client(
            UserPoolId=user_pool_id, ClientId=client_id,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            AccessTokenValidity=60, IdTokenValidity=60,
            TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes"},
            PreventUserExistenceErrors="ENABLED", EnableTokenRevocation=True)

    assert not check_configuration(weakened, harden_web_client)
    out = capsys.readouterr().out
    assert out.startswith("❌ 2 of 15 items fail:")
    [kept] = [line for line in out.splitlines() if "other settings as they were" in line]
    assert kept.startswith("   • ❌ SPA (web)      other settings as they were         "
                           "UpdateUserPoolClient set what the call left out back to its "
                           "default: AllowedOAuthFlows, AllowedOAuthFlowsUserPoolClient, "
                           "AllowedOAuthScopes, CallbackURLs, LogoutURLs, ")
    assert "SupportedIdentityProviders" in kept
    assert kept.endswith("→ describe the client, change only the four settings, and send "
                         "every setting back")
    assert "❌ SPA (web)      still signs in (code + PKCE)        SignInError: " in out
    assert "→ keep its callback URL, the code flow and its scopes" in out
    # the four settings themselves are right: the checklist's own rules pass
    assert out.count("❌") == 3


def test_a_partial_fix_names_what_is_left(weakened, capsys):
    def harden_web_client(idp, user_pool_id, client_id):
        update_keeping_the_rest(idp, user_pool_id, client_id,
                                PreventUserExistenceErrors="ENABLED",
                                EnableTokenRevocation=True)

    assert not check_configuration(weakened, harden_web_client)
    out = capsys.readouterr().out
    assert out.startswith("❌ 3 of 15 items fail:")
    assert "ALLOW_USER_PASSWORD_AUTH is enabled on a public client" in out
    # the SPA's sign-in shows the lifetime the configuration really gives tokens
    assert "❌ SPA (web)      still signs in (code + PKCE)        carol@example.com signed in; " \
           "access token for 1 day" in out


def test_an_update_cognito_refuses_is_reported_not_raised(weakened, capsys):
    def harden_web_client(idp, user_pool_id, client_id):
        idp.update_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id,
                                    AccessTokenValidity=60)   # 60 days: out of range

    assert not check_configuration(weakened, harden_web_client)
    out = capsys.readouterr().out
    assert "Cognito refused the update" in out
    assert "InvalidParameterException: Invalid range for token validity." in out


def test_a_fix_that_breaks_the_spa_fails(weakened, capsys):
    solution = harden_web_client()

    def harden_web_client_too_much(idp, user_pool_id, client_id):
        solution(idp, user_pool_id, client_id)
        update_keeping_the_rest(idp, user_pool_id, client_id,
                                CallbackURLs=["https://elsewhere.example/callback"])

    assert not check_configuration(weakened, harden_web_client_too_much)
    out = capsys.readouterr().out
    assert out.startswith("❌ 2 of 15 items fail:")
    assert "left out back to its default: CallbackURLs →" in out
    assert "❌ SPA (web)" in out and "keep its callback URL" in out


def test_a_fix_that_raises_is_reported(weakened, capsys):
    def harden_web_client(idp, user_pool_id, client_id):
        return idp.no_such_operation()

    assert not check_configuration(weakened, harden_web_client)
    assert "`harden_web_client` raised AttributeError" in capsys.readouterr().out


# -- the rules, one by one ------------------------------------------------------------------
@pytest.mark.parametrize(("policy", "ok"), [
    ({"MinimumLength": 12, "RequireUppercase": True, "RequireLowercase": True,
      "RequireNumbers": True}, True),
    ({"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
      "RequireNumbers": True, "RequireSymbols": True}, False),
    ({"MinimumLength": 16, "RequireUppercase": True, "RequireLowercase": True}, False),
    ({}, False),
])
def test_password_policy(policy, ok):
    assert password_item({"Policies": {"PasswordPolicy": policy}}).ok is ok


@pytest.mark.parametrize(("mfa", "ok"), [
    ({"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": True}}, True),
    ({"MfaConfiguration": "ON", "SmsMfaConfiguration": {"SmsAuthenticationMessage": "{####}"}},
     True),
    ({"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": {"Enabled": True}}, False),
    ({"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": False}},
     False),
])
def test_mfa(mfa, ok):
    assert mfa_item(mfa).ok is ok


def test_tenant_attribute_must_exist_and_be_immutable():
    attribute = {"Name": "custom:tenant_id", "Mutable": False}
    assert tenant_item({"SchemaAttributes": [attribute]}).ok
    assert not tenant_item({"SchemaAttributes": [{**attribute, "Mutable": True}]}).ok
    assert not tenant_item({"SchemaAttributes": [{"Name": "email"}]}).ok


def test_sign_up_screened_by_a_trigger_or_closed():
    assert not sign_up_item({"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False}}).ok
    assert sign_up_item({"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True}}).ok
    pool = {"LambdaConfig": {"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:s"}}
    screened = {("new.hire@acme.example", "acme")}
    assert sign_up_item(pool, lambda email, tenant: None if (email, tenant) in screened
                        else "refused").ok
    assert not sign_up_item(pool, lambda email, tenant: None).ok      # lets everyone in
    assert not sign_up_item(pool).ok                                  # attached, never tried


@pytest.mark.parametrize(("statement", "wild"), [
    ({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, ["s3:*"]),
    ({"Effect": "Allow", "Action": ["s3:GetObject", "dynamodb:*"], "Resource": "*"},
     ["dynamodb:*"]),
    ({"Effect": "Allow", "Action": "*", "Resource": "*"}, ["*"]),
    ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
     ["NotAction (allows everything else)"]),
    ({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}, []),
    ({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}, []),
])
def test_wildcard_actions(statement, wild):
    assert wildcard_actions({"Statement": [statement]}) == wild
    assert wildcard_actions(json.dumps({"Statement": statement})) == wild


def test_roles_a_user_can_get_include_rules_and_groups():
    roles = {"Roles": {"authenticated": "arn:aws:iam::1:role/a", "unauthenticated":
                       "arn:aws:iam::1:role/g"},
             "RoleMappings": {"p": {"Type": "Rules", "RulesConfiguration": {"Rules": [
                 {"Claim": "x", "MatchType": "Equals", "Value": "y",
                  "RoleARN": "arn:aws:iam::1:role/r"}]}}}}
    groups = [{"GroupName": "admins", "RoleArn": "arn:aws:iam::1:role/admins"},
              {"GroupName": "members"}]
    assert identity_role_arns(roles, groups) == [
        "arn:aws:iam::1:role/a", "arn:aws:iam::1:role/g", "arn:aws:iam::1:role/r",
        "arn:aws:iam::1:role/admins"]


def test_client_rules_name_the_client_and_its_own_fix():
    spa = {"ClientName": "web", "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"],
           "PreventUserExistenceErrors": "ENABLED"}
    job = {"ClientName": "job", "ClientSecret": "s", "AllowedOAuthFlows": ["client_credentials"],
           "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
           "PreventUserExistenceErrors": "ENABLED", "RefreshTokenValidity": 90}
    items = {item.rule: item for item in client_items([spa, job])}
    flows = items["sign-in flows fit each client"]
    assert not flows.ok and flows.found.startswith(
        "job: A machine-to-machine client also allows user sign-in flows → fix: "
        "ExplicitAuthFlows — Leave only ALLOW_REFRESH_TOKEN_AUTH")
    refresh = items["refresh tokens ≤ 30 days"]
    assert not refresh.ok and refresh.found.startswith("job: refresh token lives 90 days")
    assert items["access and ID tokens ≤ 1 hour"].found == "web 1 hour · job 1 hour"
