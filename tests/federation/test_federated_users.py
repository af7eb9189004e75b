"""The federated user as Cognito keeps it: the pre sign-up trigger at the first sign-in,
attribute mapping the app client must be able to write, UserStatus EXTERNAL_PROVIDER,
email-username pools, and the providers an app client may name."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .conftest import CALLBACK, PROVIDER
from .sign_ins import native_user, sign_in

MAPPED = {"username": "sub", "email": "email", "name": "name",
          "email_verified": "email_verified"}


def test_pre_sign_up_runs_once_with_the_external_provider_source(new_federation):
    """The first federated sign-in invokes pre sign-up with triggerSource
    ``PreSignUp_ExternalProvider``, the would-be username and the mapped attributes; a
    later sign-in doesn't (the user exists).

    AWS: "Pre sign-up Lambda trigger" ("first sign-in with a trusted identity provider";
    userAttributes "successfully been mapped from provider attributes"); "Customizing user
    pool workflows with Lambda triggers" (trigger sources).
    """
    fed = new_federation()
    seen: list[dict] = []

    def record(event, context):
        seen.append(event)
        return event

    fed.lab.emulator.triggers.for_pool(fed.pool_id).attach("PreSignUp", record)
    assert sign_in(fed).id_claims is not None
    [event] = seen
    assert event["triggerSource"] == "PreSignUp_ExternalProvider"
    assert event["userName"] == f"{PROVIDER}_{fed.carol.sub}"
    assert event["callerContext"]["clientId"] == fed.client_id
    assert event["request"]["userAttributes"]["email"] == "carol@corp.example"
    assert event["request"]["userAttributes"]["email_verified"] == "true"
    assert sign_in(fed).id_claims is not None
    assert len(seen) == 1


def test_pre_sign_up_can_refuse_a_federated_sign_up(new_federation):
    """A pre sign-up trigger that fails refuses the first sign-in: back to the app with
    ``error=invalid_request`` and "PreSignUp failed with error ...", no code, no user.

    AWS: "Pre sign-up Lambda trigger"; "Managed login and federation error responses".
    """
    fed = new_federation()

    def not_invited(event, context):
        raise ValueError("Not on the guest list")

    fed.lab.emulator.triggers.for_pool(fed.pool_id).attach("PreSignUp", not_invited)
    outcome = sign_in(fed)
    assert outcome.refused and outcome.params["error"] == "invalid_request"
    assert "PreSignUp failed with error Not on the guest list" \
        in outcome.params["error_description"]
    assert outcome.params["state"] == "app-state-1"
    users = fed.lab.client("cognito-idp").list_users(UserPoolId=fed.pool_id)["Users"]
    assert users == []


def test_a_mapped_attribute_the_client_cannot_write_refuses_the_sign_in(new_federation):
    """"In the app client settings ... the mapped attributes must be writable": the
    client and the mapping are accepted as configured, but a sign-in whose mapped
    attribute the client can't write is refused; a client that can write them all signs in.

    AWS: "Specifying identity provider attribute mappings for your user pool";
    UserPoolClientType WriteAttributes ("If your app client does not have write access to a
    mapped attribute, Amazon Cognito throws an error").
    """
    fed = new_federation(client={"WriteAttributes": ["name", "email_verified"]})
    outcome = sign_in(fed)
    assert outcome.refused and outcome.params["error"] == "invalid_request"
    assert "email" in outcome.params["error_description"]
    assert fed.lab.client("cognito-idp").list_users(UserPoolId=fed.pool_id)["Users"] == []

    able = new_federation(client={"WriteAttributes": ["name", "email", "email_verified"]})
    assert sign_in(able).id_claims["email"] == "carol@corp.example"


def test_an_immutable_mapped_attribute_refuses_the_next_sign_in(new_federation):
    """Mapped attributes "must be mutable": Cognito updates each one at every sign-in, so
    the first sign-in sets an immutable attribute and the second is refused.

    AWS: "Specifying identity provider attribute mappings for your user pool";
    SchemaAttributeType Mutable ("If an attribute is immutable, Amazon Cognito throws an
    error when it attempts to update the attribute").
    """
    fed = new_federation(
        pool={"Schema": [{"Name": "dept", "AttributeDataType": "String", "Mutable": False}]},
        mapping={**MAPPED, "custom:dept": "department"})
    first = sign_in(fed)
    assert first.id_claims["custom:dept"] == "engineering"
    second = sign_in(fed)
    assert second.refused and "custom:dept" in second.params["error_description"]


def test_federated_users_have_the_status_external_provider(new_federation):
    """AdminGetUser and ListUsers show a federated user as EXTERNAL_PROVIDER ("User signed
    in with a third-party IdP"), a native user as CONFIRMED, and a ListUsers Filter on
    ``cognito:user_status`` sees the same statuses.

    AWS: UserType UserStatus; ListUsers (Filter).
    """
    fed = new_federation()
    native_user(fed, "native-nora")
    username = sign_in(fed).id_claims["cognito:username"]
    cognito = fed.lab.client("cognito-idp")
    got = cognito.admin_get_user(UserPoolId=fed.pool_id, Username=username)
    assert got["UserStatus"] == "EXTERNAL_PROVIDER"
    statuses = {u["Username"]: u["UserStatus"]
                for u in cognito.list_users(UserPoolId=fed.pool_id)["Users"]}
    assert statuses == {username: "EXTERNAL_PROVIDER", "native-nora": "CONFIRMED"}
    only = cognito.list_users(UserPoolId=fed.pool_id,
                              Filter='cognito:user_status = "EXTERNAL_PROVIDER"')["Users"]
    assert [u["Username"] for u in only] == [username]
    trimmed = cognito.list_users(UserPoolId=fed.pool_id, AttributesToGet=["email"])["Users"]
    assert {u["Username"]: u["UserStatus"] for u in trimmed} == statuses
    assert all(a["Name"] == "email" for u in trimmed for a in u.get("Attributes", []))


def test_federation_into_an_email_username_pool(new_federation):
    """In a pool whose users sign in with their email (UsernameAttributes), the federated
    user is still ``<ProviderName>_<sub>``; the pool keeps its UsernameAttributes and
    native users still get generated usernames.

    AWS: "Adding user pool sign-in through a third party"; "User pool attributes"
    (UsernameAttributes).
    """
    fed = new_federation(pool={"UsernameAttributes": ["email"]})
    claims = sign_in(fed).id_claims
    assert claims["cognito:username"] == f"{PROVIDER}_{fed.carol.sub}"
    assert claims["email"] == "carol@corp.example"
    cognito = fed.lab.client("cognito-idp")
    pool = cognito.describe_user_pool(UserPoolId=fed.pool_id)["UserPool"]
    assert pool["UsernameAttributes"] == ["email"]
    native = cognito.admin_create_user(UserPoolId=fed.pool_id, Username="nora@example.com",
                                       MessageAction="SUPPRESS")["User"]
    assert native["Username"] != "nora@example.com"
    assert sign_in(fed).id_claims["cognito:username"] == f"{PROVIDER}_{fed.carol.sub}"


def test_a_native_user_named_like_the_federated_user_is_not_signed_in(new_federation):
    """A native user who took the name ``Corp_<sub>`` is not who the IdP identity signs in
    as: the sign-in is refused and the native user is left as it was.

    AWS: "Adding user pool sign-in through a third party" (the federated username is
    ``<ProviderName>_<subject>``); Lab vs AWS: AWS doesn't say what such a name collision
    does, the lab refuses rather than hand a native profile to the IdP.
    """
    fed = new_federation()
    squatter = native_user(fed, f"{PROVIDER}_{fed.carol.sub}", name="Mallory")
    outcome = sign_in(fed)
    assert outcome.refused and outcome.params["error"] == "invalid_request"
    after = fed.lab.client("cognito-idp").admin_get_user(UserPoolId=fed.pool_id,
                                                         Username=squatter["Username"])
    assert after["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in after["UserAttributes"]}["name"] == "Mallory"


def test_an_unrun_inbound_federation_trigger_refuses_the_sign_in(new_federation):
    """The lab does not run the inbound federation trigger; a pool that names one refuses
    federated sign-in with a description saying so, rather than skip the trigger.

    AWS: "Inbound federation Lambda trigger"; LambdaConfigType InboundFederation.
    """
    fed = new_federation()
    arn = fed.lab.emulator.triggers.function_arn("inbound")
    fed.lab.client("cognito-idp").update_user_pool(
        UserPoolId=fed.pool_id,
        LambdaConfig={"InboundFederation": {"LambdaVersion": "V1_0", "LambdaArn": arn}})
    outcome = sign_in(fed)
    assert outcome.refused and "inbound federation" in outcome.params["error_description"]


def test_supported_identity_providers_must_exist_in_the_pool(new_federation):
    """CreateUserPoolClient and UpdateUserPoolClient refuse a SupportedIdentityProviders
    name that is neither COGNITO nor one of the pool's IdPs.

    AWS: CreateUserPoolClient, UpdateUserPoolClient (SupportedIdentityProviders;
    InvalidParameterException "The provider ... does not exist for User Pool ...").
    """
    fed = new_federation()
    cognito = fed.lab.client("cognito-idp")
    settings = {"UserPoolId": fed.pool_id, "ClientName": "web", "CallbackURLs": [CALLBACK],
                "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid"],
                "AllowedOAuthFlowsUserPoolClient": True}
    with pytest.raises(ClientError) as caught:
        cognito.create_user_pool_client(**settings,
                                        SupportedIdentityProviders=["COGNITO", "Okta"])
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    with pytest.raises(ClientError) as caught:
        cognito.update_user_pool_client(**settings, ClientId=fed.client_id,
                                        SupportedIdentityProviders=["Google"])
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"
    described = cognito.describe_user_pool_client(UserPoolId=fed.pool_id,
                                                  ClientId=fed.client_id)["UserPoolClient"]
    assert described["SupportedIdentityProviders"] == ["COGNITO", PROVIDER]
    made = cognito.create_user_pool_client(**settings,
                                           SupportedIdentityProviders=["COGNITO", PROVIDER])
    assert made["UserPoolClient"]["SupportedIdentityProviders"] == ["COGNITO", PROVIDER]
