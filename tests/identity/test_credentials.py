"""GetCredentialsForIdentity and GetOpenIdToken: who may have credentials, for which role,
for how long."""

from __future__ import annotations

import json
from datetime import datetime

from cognito_lab.emulator.identity.trust import trusts

from .helpers import (
    browser,
    claims,
    client_with,
    credentials,
    error_of,
    get_id,
    logins,
    mint,
    provider,
    role_of,
    trust_policy,
)


def test_credentials_are_sts_credentials_for_one_hour(lab):
    """Temporary credentials (AccessKeyId, SecretKey, SessionToken) that expire one hour from
    now by the lab's clock, and that STS recognises as the role's session.

    AWS: "GetCredentialsForIdentity" (cognitoidentity/latest/APIReference/
    API_GetCredentialsForIdentity.html); "Identity pools (federated identities)
    authentication flow" (cognito/latest/developerguide/authentication-flow.html).
    """
    identity_id, creds = credentials(lab, mint(lab, "bob")["IdToken"])
    assert creds["AccessKeyId"].startswith("ASIA")
    assert creds["SecretKey"] and creds["SessionToken"]
    expires = creds["Expiration"]
    assert isinstance(expires, datetime)
    assert abs(expires.timestamp() - (lab.clock.now() + 3600)) < 5
    caller = client_with(lab, creds, "sts").get_caller_identity()
    assert caller["Account"] == lab.account_id
    assert caller["Arn"].endswith(":assumed-role/cognito-lab-AuthenticatedRole/"
                                  "CognitoIdentityCredentials")
    assert identity_id.startswith(f"{lab.region}:")


def test_an_authenticated_identity_needs_its_login(lab):
    """An authenticated identity's credentials require its login: without Logins, access is
    forbidden; with another user's login, the logins don't match.

    AWS: "GetCredentialsForIdentity" (cognitoidentity/latest/APIReference/
    API_GetCredentialsForIdentity.html), NotAuthorizedException.
    """
    alice = get_id(lab, mint(lab, "alice")["IdToken"])
    code, message = error_of(lambda: browser(lab).get_credentials_for_identity(
        IdentityId=alice))
    assert (code, message) == ("NotAuthorizedException",
                               f"Access to Identity '{alice}' is forbidden.")
    code, message = error_of(lambda: browser(lab).get_credentials_for_identity(
        IdentityId=alice, Logins=logins(lab, mint(lab, "bob")["IdToken"])))
    assert code == "NotAuthorizedException"
    assert message.startswith("Logins don't match.")


def test_an_unknown_identity_is_not_found(lab):
    """AWS: "GetCredentialsForIdentity" (cognitoidentity/latest/APIReference/
    API_GetCredentialsForIdentity.html), ResourceNotFoundException."""
    missing = "us-east-1:11111111-2222-3333-4444-555555555555"
    code, message = error_of(lambda: browser(lab).get_credentials_for_identity(
        IdentityId=missing, Logins=logins(lab, mint(lab, "bob")["IdToken"])))
    assert (code, message) == ("ResourceNotFoundException", f"Identity '{missing}' not found.")


def test_a_role_that_does_not_trust_this_pool_gives_no_credentials(fresh_lab):
    """The role's trust policy must accept this identity pool (aud) and authentication
    state (amr); otherwise STS refuses and the pool reports a configuration error.

    AWS: "Role trust and permissions" (cognito/latest/developerguide/
    role-trust-and-permissions.html); "GetCredentialsForIdentity",
    InvalidIdentityPoolConfigurationException.
    """
    lab = fresh_lab
    iam = lab.client("iam")
    other_pool = "us-east-1:99999999-9999-9999-9999-999999999999"
    iam.update_assume_role_policy(RoleName="cognito-lab-AuthenticatedRole",
                                  PolicyDocument=trust_policy(other_pool))
    code, message = error_of(lambda: credentials(lab, mint(lab, "bob")["IdToken"]))
    assert code == "InvalidIdentityPoolConfigurationException"
    assert message == ("Invalid identity pool configuration. Check assigned IAM roles for "
                       "this pool.")
    iam.update_assume_role_policy(RoleName="cognito-lab-AuthenticatedRole",
                                  PolicyDocument=trust_policy(lab.identity_pool_id,
                                                              "unauthenticated"))
    code, _ = error_of(lambda: credentials(lab, mint(lab, "bob")["IdToken"]))
    assert code == "InvalidIdentityPoolConfigurationException"
    iam.update_assume_role_policy(RoleName="cognito-lab-AuthenticatedRole",
                                  PolicyDocument=trust_policy(lab.identity_pool_id))
    assert role_of(lab, credentials(lab, mint(lab, "bob")["IdToken"])[1]) == \
        "cognito-lab-AuthenticatedRole"


def test_a_deleted_role_gives_no_credentials(fresh_lab):
    """AWS: "GetCredentialsForIdentity" (cognitoidentity/latest/APIReference/
    API_GetCredentialsForIdentity.html), InvalidIdentityPoolConfigurationException."""
    lab = fresh_lab
    iam = lab.client("iam")
    role = "cognito-lab-AuthenticatedRole"
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    iam.delete_role(RoleName=role)
    code, _ = error_of(lambda: credentials(lab, mint(lab, "bob")["IdToken"]))
    assert code == "InvalidIdentityPoolConfigurationException"


def test_guests_get_the_unauthenticated_role(fresh_lab):
    """A guest identity (no login) gets the unauthenticated role's credentials, if the pool
    allows guests.

    AWS: "Identity pools (federated identities) authentication flow"
    (cognito/latest/developerguide/authentication-flow.html).
    """
    lab = fresh_lab
    admin = lab.client("cognito-identity")
    pool = admin.describe_identity_pool(IdentityPoolId=lab.identity_pool_id)
    pool.pop("ResponseMetadata")
    admin.update_identity_pool(**{**pool, "AllowUnauthenticatedIdentities": True})
    guest = browser(lab).get_id(IdentityPoolId=lab.identity_pool_id)["IdentityId"]
    creds = browser(lab).get_credentials_for_identity(IdentityId=guest)["Credentials"]
    assert role_of(lab, creds) == "cognito-lab-GuestRole"
    admin.update_identity_pool(**{**pool, "AllowUnauthenticatedIdentities": False})
    code, message = error_of(lambda: browser(lab).get_credentials_for_identity(
        IdentityId=guest))
    assert (code, message) == ("NotAuthorizedException",
                               "Unauthenticated access is not supported for this identity pool.")


def test_open_id_token_is_what_sts_is_shown(lab):
    """GetOpenIdToken: the identity pool's own token, issuer cognito-identity.amazonaws.com,
    ``aud`` the identity pool, ``sub`` the identity, ``amr`` authenticated + provider, valid
    for 10 minutes; the template's role trusts it.

    AWS: "GetOpenIdToken" (cognitoidentity/latest/APIReference/API_GetOpenIdToken.html);
    "Role trust and permissions" (cognito/latest/developerguide/role-trust-and-permissions.html).
    """
    token = mint(lab, "bob")["IdToken"]
    identity_id = get_id(lab, token)
    answer = browser(lab).get_open_id_token(IdentityId=identity_id, Logins=logins(lab, token))
    body = claims(answer["Token"])
    assert body["iss"] == "https://cognito-identity.amazonaws.com"
    assert body["aud"] == lab.identity_pool_id
    assert body["sub"] == identity_id
    assert body["amr"][:2] == ["authenticated", provider(lab)]
    assert body["exp"] - body["iat"] == 600
    role = lab.client("iam").get_role(RoleName="cognito-lab-AuthenticatedRole")["Role"]
    document = role["AssumeRolePolicyDocument"]
    assert trusts(document, identity_pool_id=body["aud"], amr=body["amr"], identity_id=body["sub"])
    assert not trusts(document, identity_pool_id=body["aud"], amr=["unauthenticated"],
                      identity_id=body["sub"])


def test_trust_policy_evaluation():
    """The trust conditions identity pool roles use: StringEquals on aud,
    ForAnyValue:StringLike on amr, Deny wins, no condition trusts nobody.

    AWS: "Security best practices for Amazon Cognito identity pools"
    (cognito/latest/developerguide/identity-pools-security-best-practices.html).
    """
    pool = "us-east-1:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
    amr = ["authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_X"]
    base = json.loads(trust_policy(pool))
    assert trusts(base, identity_pool_id=pool, amr=amr, identity_id="i")
    assert not trusts(base, identity_pool_id="us-east-1:other", amr=amr, identity_id="i")
    assert not trusts(base, identity_pool_id=pool, amr=["unauthenticated"], identity_id="i")
    by_provider = json.loads(trust_policy(pool, amr="cognito-idp.*"))
    assert trusts(by_provider, identity_pool_id=pool, amr=amr, identity_id="i")
    no_condition = {"Statement": [{**base["Statement"][0]}]}
    del no_condition["Statement"][0]["Condition"]
    assert not trusts(no_condition, identity_pool_id=pool, amr=amr, identity_id="i")
    deny = {"Statement": [base["Statement"][0], {**base["Statement"][0], "Effect": "Deny"}]}
    assert not trusts(deny, identity_pool_id=pool, amr=amr, identity_id="i")
    wrong_principal = json.loads(json.dumps(base).replace("cognito-identity.amazonaws.com\"}",
                                                          "accounts.google.com\"}"))
    assert not trusts(wrong_principal, identity_pool_id=pool, amr=amr, identity_id="i")
    assert not trusts("not json", identity_pool_id=pool, amr=amr, identity_id="i")
    unknown_operator = {"Statement": [{**base["Statement"][0], "Condition": {
        "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}]}
    assert not trusts(unknown_operator, identity_pool_id=pool, amr=amr, identity_id="i")
