"""PreTokenGeneration V2_0 and V3_0 events (``LambdaConfig.PreTokenGenerationConfig``).

moto alone stores the configuration and invokes nothing.
"""

from __future__ import annotations

import json

import jwt
import requests

from .conftest import Accepted, Fails, Refused, Target, attempt, expect
from .test_triggers import FAKE_ARN


def use_versioned_trigger(target: Target, version: str, fn) -> None:
    target.set_lambda_config({"PreTokenGeneration": FAKE_ARN,
                              "PreTokenGenerationConfig": {"LambdaVersion": version,
                                                           "LambdaArn": FAKE_ARN}})
    if target.is_lab:
        target.lab.triggers.bind(FAKE_ARN, fn)


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_v2_customises_id_and_access_tokens(fresh_target):
    """A V2_0 event (version "2", with the scopes) may add, override and suppress claims in
    both tokens (values of any JSON type), add and suppress access-token scopes, and
    override groups; reserved claims keep Cognito's values.

    AWS: "Pre token generation Lambda trigger" (/cognito/latest/developerguide/
    user-pool-lambda-pre-token-generation.html), event versions and V2_0 request/response.
    """
    target = fresh_target
    events = []

    def customise(event, context):
        events.append(event)
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"plan": {"tier": "gold"}},
                                  "claimsToSuppress": ["email"]},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": "acme", "seats": 5, "client_id": "forged"},
                "claimsToSuppress": ["username"],
                "scopesToAdd": ["orders/read"],
                "scopesToSuppress": ["aws.cognito.signin.user.admin"]},
            "groupOverrideDetails": {"groupsToOverride": ["auditors"]}}
        return event

    use_versioned_trigger(target, "V2_0", customise)
    tokens = target.tokens(target.new_user())
    id_claims, access = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    if not target.is_lab:
        assert "tenant" not in access                # moto never calls the function
        return
    assert events[0]["version"] == "2"
    assert events[0]["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
    assert id_claims["plan"] == {"tier": "gold"} and "email" not in id_claims
    assert access["tenant"] == "acme" and access["seats"] == 5
    assert access["client_id"] == target.app("server").client_id     # reserved
    assert access["username"]                                         # reserved
    assert access["scope"] == "orders/read"
    assert access["cognito:groups"] == id_claims["cognito:groups"] == ["auditors"]


def test_v3_runs_for_machine_tokens_with_client_metadata(fresh_target):
    """A V3_0 trigger also runs for machine tokens (triggerSource
    TokenGeneration_ClientCredentials, version "3") with the request's client metadata and
    scopes, and may add access-token claims; a V2_0 trigger does not run for them.

    AWS: "Pre token generation Lambda trigger" (V3_0: "access token customization for
    machine-to-machine (M2M) client-credentials grants"); GetClientToken (ClientMetadata).
    """
    target = fresh_target
    events = []

    def customise(event, context):
        events.append(event)
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "accessTokenGeneration": {"claimsToAddOrOverride": {
                "tenant": (event["request"]["clientMetadata"] or {}).get("tenant", "none")}}}
        return event

    client = target.new_client(GenerateSecret=True, ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"],
                               AllowedOAuthFlowsUserPoolClient=True,
                               AllowedOAuthFlows=["client_credentials"],
                               AllowedOAuthScopes=["orders/read"])

    def machine_token():
        return attempt(target.idp.get_client_token, ClientId=client["ClientId"],
                       Secret=client["ClientSecret"], ClientMetadata={"tenant": "acme"})

    use_versioned_trigger(target, "V2_0", customise)
    out = machine_token()
    expect(target, out, moto=Fails(), aws=Accepted(lambda r: "tenant" not in claims(
        r["ClientAuthenticationResult"]["AccessToken"])))
    if not target.is_lab:
        return
    assert events == []
    use_versioned_trigger(target, "V3_0", customise)
    token = machine_token().value["ClientAuthenticationResult"]["AccessToken"]
    assert claims(token)["tenant"] == "acme"
    event = events[-1]
    assert (event["version"], event["triggerSource"]) == ("3", "TokenGeneration_ClientCredentials")
    assert event["request"]["scopes"] == ["orders/read"]
    assert event["callerContext"]["clientId"] == client["ClientId"]


def test_v3_runs_for_the_token_endpoints_client_credentials_grant(fresh_target, moto_server):
    """The client-credentials grant of /oauth2/token sends a V3_0 event too, with the
    request's ``aws_client_metadata`` (URL-encoded JSON) as clientMetadata.

    AWS: "Token endpoint" (aws_client_metadata); "Pre token generation Lambda trigger"
    (V3_0 events for M2M client-credentials grants).
    """
    target = fresh_target
    seen = []

    def customise(event, context):
        seen.append(event["request"]["clientMetadata"])
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "accessTokenGeneration": {"claimsToAddOrOverride": {"via": "token endpoint"}}}
        return event

    use_versioned_trigger(target, "V3_0", customise)
    m2m = target.app("m2m")
    url = f"{target.lab.domain_url if target.lab else moto_server}/oauth2/token"
    answer = requests.post(url, timeout=10, auth=(m2m.client_id, m2m.client_secret), data={
        "grant_type": "client_credentials",
        "aws_client_metadata": json.dumps({"caller": "billing-job"})})
    if not target.is_lab:
        assert answer.status_code >= 400             # moto serves no token endpoint
        return
    assert answer.status_code == 200, answer.text
    assert claims(answer.json()["access_token"])["via"] == "token endpoint"
    assert seen == [{"caller": "billing-job"}]


def test_v2_and_v3_events_need_the_essentials_plan(fresh_target):
    """A Lite pool can't send V2_0 or V3_0 events (FeatureUnavailableInTierException); an
    Essentials pool (the default) can.

    AWS: "Pre token generation Lambda trigger" ("In user pools with the Essentials or Plus
    feature plan, you can generate the version two or V2_0 trigger event ... and the version
    three or V3_0 trigger event"); "User pool feature plans".
    """
    target = fresh_target
    pool = target.idp.describe_user_pool(UserPoolId=target.pool_id)["UserPool"]
    keep = {k: pool[k] for k in ("Policies", "AutoVerifiedAttributes", "AdminCreateUserConfig",
                                 "AccountRecoverySetting") if k in pool}
    config = {"PreTokenGeneration": FAKE_ARN,
              "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": FAKE_ARN}}
    out = attempt(target.idp.update_user_pool, UserPoolId=target.pool_id, UserPoolTier="LITE",
                  LambdaConfig=config, **keep)
    expect(target, out, aws=Refused("FeatureUnavailableInTierException"), moto=Accepted())
    out = attempt(target.idp.update_user_pool, UserPoolId=target.pool_id,
                  UserPoolTier="ESSENTIALS", LambdaConfig=config, **keep)
    expect(target, out, aws=Accepted(), moto=Accepted())
