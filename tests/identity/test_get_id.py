"""GetId: checked logins, one identity per user, guests only when the pool allows them."""

from __future__ import annotations

import pytest

from .helpers import browser, claims, error_of, get_id, logins, mint, provider, resign


def _get_id(lab, login_map: dict | None):
    params = {"IdentityPoolId": lab.identity_pool_id}
    if login_map is not None:
        params["Logins"] = login_map
    return lambda: browser(lab).get_id(**params)


def test_same_user_gets_the_same_identity_every_time(lab):
    """GetId returns the same IdentityId for the same user, sign-in after sign-in.

    AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html) and "Identity pools
    (federated identities) authentication flow"
    (cognito/latest/developerguide/authentication-flow.html). moto returns a new id per call.
    """
    first = get_id(lab, mint(lab, "alice")["IdToken"])
    again = get_id(lab, mint(lab, "alice")["IdToken"])           # another session's token
    bob = get_id(lab, mint(lab, "bob")["IdToken"])
    assert first == again
    assert bob != first
    region, _, guid = first.partition(":")
    assert region == lab.region and len(guid) == 36


def test_a_tampered_signature_is_refused(lab):
    """A token whose signature does not verify against the user pool's keys is refused.

    AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html), NotAuthorizedException.
    """
    token = mint(lab, "alice")["IdToken"]
    head, body, signature = token.split(".")
    forged = f"{head}.{body}.{signature[:-6]}AAAAAA"
    code, message = error_of(_get_id(lab, logins(lab, forged)))
    assert (code, message) == ("NotAuthorizedException",
                               "Invalid login token. Couldn't verify signed token.")


def test_changed_claims_break_the_signature(lab):
    """Claims cannot be edited: a token whose payload was changed no longer verifies.

    AWS: "Verifying a JSON Web Token" (cognito/latest/developerguide/
    amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
    """
    token = mint(lab, "bob")["IdToken"]
    head, _, signature = token.split(".")
    other_body = mint(lab, "alice")["IdToken"].split(".")[1]
    code, message = error_of(_get_id(lab, logins(lab, f"{head}.{other_body}.{signature}")))
    assert code == "NotAuthorizedException"
    assert message == "Invalid login token. Couldn't verify signed token."


def test_an_issuer_other_than_the_provider_is_refused(lab):
    """The token's ``iss`` must be the provider named in Logins.

    AWS: "Integrating a user pool with an identity pool"
    (cognito/latest/developerguide/amazon-cognito-integrating-user-pools-with-identity-pools.html).
    """
    token = resign(lab, mint(lab, "alice")["IdToken"],
                   iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")
    code, message = error_of(_get_id(lab, logins(lab, token)))
    assert (code, message) == ("NotAuthorizedException",
                               "Invalid login token. Issuer doesn't match providerName")


def test_a_token_for_another_app_client_is_refused(lab):
    """The ``aud`` must be one of the app clients configured for the provider.

    AWS: "CognitoIdentityProvider" (cognitoidentity/latest/APIReference/
    API_CognitoIdentityProvider.html): ClientId of the user pool app client.
    """
    token = mint(lab, "alice", client="server")["IdToken"]
    assert claims(token)["aud"] == lab.app_clients["server"].client_id
    code, message = error_of(_get_id(lab, logins(lab, token)))
    assert (code, message) == ("NotAuthorizedException",
                               "Token is not from a supported provider of this identity pool.")


def test_an_expired_token_is_refused(fresh_lab):
    """An expired ID token is refused, by the lab's clock.

    AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html); the message is the one
    AWS answers: "Invalid login token. Token expired: <now> >= <exp>".
    """
    lab = fresh_lab
    token = mint(lab, "alice")["IdToken"]
    exp = claims(token)["exp"]
    assert get_id(lab, token)
    lab.clock.advance(seconds=exp - lab.clock.now() + 1)
    code, message = error_of(_get_id(lab, logins(lab, token)))
    assert code == "NotAuthorizedException"
    assert message.startswith("Invalid login token. Token expired: ")
    now, _, expiry = message.rsplit(": ", 1)[1].partition(" >= ")
    assert int(expiry) == exp and int(now) >= exp


def test_an_access_token_is_refused(lab):
    """Identity pools take the ID token: an access token has no ``aud``.

    AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html): "For ... an Amazon
    Cognito user pool provider ... always include the id_token".
    """
    token = mint(lab, "alice")["AccessToken"]
    code, message = error_of(_get_id(lab, logins(lab, token)))
    assert (code, message) == ("NotAuthorizedException",
                               "Invalid login token. Missing a required claim: aud")


def test_garbage_is_refused(lab):
    """Not a JWT at all: refused with NotAuthorizedException, never a server error.

    AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html).
    """
    code, message = error_of(_get_id(lab, logins(lab, "not-a-token")))
    assert code == "NotAuthorizedException"
    assert message.startswith("Invalid login token.")


def test_a_provider_the_pool_does_not_trust_is_refused(lab):
    """A login from a user pool that is not among CognitoIdentityProviders is refused.

    AWS: "Integrating a user pool with an identity pool"
    (cognito/latest/developerguide/amazon-cognito-integrating-user-pools-with-identity-pools.html).
    """
    token = mint(lab, "alice")["IdToken"]
    other = {"cognito-idp.us-east-1.amazonaws.com/us-east-1_NotThisOne": token}
    code, message = error_of(_get_id(lab, other))
    assert (code, message) == ("NotAuthorizedException",
                               "Token is not from a supported provider of this identity pool.")


def test_no_login_is_refused_when_guests_are_not_allowed(lab):
    """Without Logins, GetId creates an unauthenticated identity only if the pool allows it.

    AWS: "Identity pools (federated identities) authentication flow"
    (cognito/latest/developerguide/authentication-flow.html).
    """
    pool = lab.client("cognito-identity").describe_identity_pool(
        IdentityPoolId=lab.identity_pool_id)
    assert pool["AllowUnauthenticatedIdentities"] is False
    code, message = error_of(_get_id(lab, None))
    assert (code, message) == ("NotAuthorizedException",
                               "Unauthenticated access is not supported for this identity pool.")


def test_guests_get_a_new_identity_each_time_when_allowed(fresh_lab):
    """With AllowUnauthenticatedIdentities, every GetId without Logins is a new guest.

    AWS: "Identity pools (federated identities) authentication flow"
    (cognito/latest/developerguide/authentication-flow.html).
    """
    lab = fresh_lab
    admin = lab.client("cognito-identity")
    pool = admin.describe_identity_pool(IdentityPoolId=lab.identity_pool_id)
    pool.pop("ResponseMetadata")
    admin.update_identity_pool(**{**pool, "AllowUnauthenticatedIdentities": True})
    first = browser(lab).get_id(IdentityPoolId=lab.identity_pool_id)["IdentityId"]
    second = browser(lab).get_id(IdentityPoolId=lab.identity_pool_id)["IdentityId"]
    assert first != second
    described = admin.describe_identity(IdentityId=first)
    assert described["Logins"] == []


def test_an_unknown_identity_pool_is_not_found(lab):
    """AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html),
    ResourceNotFoundException."""
    missing = "us-east-1:00000000-0000-0000-0000-000000000000"
    code, message = error_of(lambda: browser(lab).get_id(
        IdentityPoolId=missing, Logins=logins(lab, mint(lab, "alice")["IdToken"])))
    assert (code, message) == ("ResourceNotFoundException", f"IdentityPool '{missing}' not found.")


def test_identities_are_described_and_listed(lab):
    """DescribeIdentity and ListIdentities show the identities GetId created, with their logins.

    AWS: "DescribeIdentity" (cognitoidentity/latest/APIReference/API_DescribeIdentity.html),
    "ListIdentities" (cognitoidentity/latest/APIReference/API_ListIdentities.html).
    """
    carol = get_id(lab, mint(lab, "carol")["IdToken"])
    admin = lab.client("cognito-identity")
    described = admin.describe_identity(IdentityId=carol)
    assert described["IdentityId"] == carol
    assert described["Logins"] == [provider(lab)]
    listed = admin.list_identities(IdentityPoolId=lab.identity_pool_id, MaxResults=60)
    assert carol in [i["IdentityId"] for i in listed["Identities"]]
    code, _ = error_of(lambda: admin.describe_identity(
        IdentityId="us-east-1:00000000-0000-0000-0000-000000000000"))
    assert code == "ResourceNotFoundException"


@pytest.mark.parametrize("bad", [{"provider": 42}, "a string"])
def test_malformed_logins_are_a_clear_error(lab, bad):
    """A Logins value that is not a map of strings gets an AWS error, never a crash.

    AWS: "GetId" (cognitoidentity/latest/APIReference/API_GetId.html), Logins is a map of
    string to string (boto3 itself refuses other shapes, so this goes over raw HTTP). AWS's
    reader refuses wrong JSON types before GetId runs: SerializationException (as
    aws/aws-sdk-js-v3#2831 saw from cognito-identity); tests/emulator/test_boundary_validation.py.
    """
    import json

    import requests

    response = requests.post(lab.endpoint_url, data=json.dumps(
        {"IdentityPoolId": lab.identity_pool_id, "Logins": bad}), headers={
        "X-Amz-Target": "AWSCognitoIdentityService.GetId",
        "Content-Type": "application/x-amz-json-1.1"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["__type"] == "SerializationException"
