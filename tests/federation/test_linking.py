"""AdminLinkProviderForUser and AdminDisableProviderForUser, then a real federated sign-in
(AWS, "Linking federated users to an existing user profile")."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .conftest import PROVIDER
from .sign_ins import attributes_of, native_user, sign_in


def link(fed, destination: str, value: str, attribute: str = "Cognito_Subject",
         provider: str = PROVIDER, destination_provider: str = "Cognito") -> dict:
    return fed.lab.client("cognito-idp").admin_link_provider_for_user(
        UserPoolId=fed.pool_id,
        DestinationUser={"ProviderName": destination_provider,
                         "ProviderAttributeValue": destination},
        SourceUser={"ProviderName": provider, "ProviderAttributeName": attribute,
                    "ProviderAttributeValue": value})


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"]


def identities(fed, username: str) -> list[dict]:
    user = fed.lab.client("cognito-idp").admin_get_user(UserPoolId=fed.pool_id,
                                                        Username=username)
    return json.loads(attributes_of(user).get("identities", "[]"))


def test_a_linked_identity_signs_in_as_the_native_user(new_federation):
    """After AdminLinkProviderForUser the IdP identity signs in as the native user: their
    username and sub, the link in ``identities``; no ``Corp_<sub>`` profile is made and the
    native user stays CONFIRMED.

    AWS: "Linking federated users to an existing user profile"; AdminLinkProviderForUser.
    """
    fed = new_federation()
    native = native_user(fed, "carol-native", email="carol@corp.example")
    sub = attributes_of(native)["sub"]
    assert link(fed, "carol-native", fed.carol.sub)["ResponseMetadata"]["HTTPStatusCode"] == 200
    [entry] = identities(fed, "carol-native")
    assert entry["providerName"] == PROVIDER and entry["userId"] == fed.carol.sub
    assert entry["primary"] == "false"

    outcome = sign_in(fed)
    assert outcome.id_claims is not None, outcome.location
    assert outcome.id_claims["cognito:username"] == "carol-native"
    assert outcome.id_claims["sub"] == sub
    assert [i["providerName"] for i in outcome.id_claims["identities"]] == [PROVIDER]
    users = fed.lab.client("cognito-idp").list_users(UserPoolId=fed.pool_id)["Users"]
    assert [u["Username"] for u in users] == ["carol-native"]
    assert users[0]["UserStatus"] == "CONFIRMED"


def test_a_link_by_a_mapped_attribute_then_by_the_subject(new_federation):
    """A SourceUser named by a user pool attribute the provider maps (``email``) links; once
    the user has signed in, the link is the subject's: AdminDisableProviderForUser names it
    with ``Cognito_Subject``.

    AWS: AdminLinkProviderForUser (SourceUser: "set the user pool attribute name as the
    value of ProviderAttributeName"); AdminDisableProviderForUser.
    """
    fed = new_federation()
    native_user(fed, "carol-native", email="carol@corp.example")
    link(fed, "carol-native", "carol@corp.example", attribute="email")
    assert identities(fed, "carol-native")[0]["userId"] == "carol@corp.example"
    assert sign_in(fed).id_claims["cognito:username"] == "carol-native"
    assert identities(fed, "carol-native")[0]["userId"] == fed.carol.sub
    fed.lab.client("cognito-idp").admin_disable_provider_for_user(
        UserPoolId=fed.pool_id, User={"ProviderName": PROVIDER,
                                      "ProviderAttributeName": "Cognito_Subject",
                                      "ProviderAttributeValue": fed.carol.sub})
    assert identities(fed, "carol-native") == []


def test_unlinking_makes_the_next_sign_in_a_new_federated_user(new_federation):
    """AdminDisableProviderForUser removes the link: "When the external user signs in
    again ... the user must create a new user account" — ``Corp_<sub>``.

    AWS: AdminDisableProviderForUser.
    """
    fed = new_federation()
    native_user(fed, "carol-native")
    link(fed, "carol-native", fed.carol.sub)
    assert sign_in(fed).id_claims["cognito:username"] == "carol-native"
    fed.lab.client("cognito-idp").admin_disable_provider_for_user(
        UserPoolId=fed.pool_id, User={"ProviderName": PROVIDER,
                                      "ProviderAttributeName": "Cognito_Subject",
                                      "ProviderAttributeValue": fed.carol.sub})
    assert identities(fed, "carol-native") == []
    again = sign_in(fed)
    assert again.id_claims["cognito:username"] == f"{PROVIDER}_{fed.carol.sub}"


def test_disabling_a_signed_up_federated_user_stops_their_sign_in(new_federation):
    """AdminDisableProviderForUser on a federated user who signed up "prevents the user
    from signing in with the specified external ... IdP": the next sign-in is refused.

    AWS: AdminDisableProviderForUser; "Managed login and federation error responses".
    """
    fed = new_federation()
    assert sign_in(fed).id_claims is not None
    fed.lab.client("cognito-idp").admin_disable_provider_for_user(
        UserPoolId=fed.pool_id, User={"ProviderName": PROVIDER,
                                      "ProviderAttributeName": "Cognito_Subject",
                                      "ProviderAttributeValue": fed.carol.sub})
    again = sign_in(fed)
    assert again.refused and again.params["error"] == "invalid_request"


def test_link_errors_aws_names(new_federation):
    """A native SourceUser, a destination that doesn't exist, a provider the pool doesn't
    have, an attribute the provider doesn't map: refused, and nothing is linked.

    AWS: AdminLinkProviderForUser (Errors; SourceUser "must be a federated user ..., not
    another native user"; DestinationUser "If the user doesn't exist, Amazon Cognito
    generates an exception").
    """
    fed = new_federation()
    native_user(fed, "carol-native")
    cognito = fed.lab.client("cognito-idp")
    assert refused(link, fed, "carol-native", "someone", provider="Cognito") \
        == "InvalidParameterException"
    assert refused(link, fed, "nobody", fed.carol.sub) == "UserNotFoundException"
    assert refused(link, fed, "carol-native", fed.carol.sub, provider="Elsewhere") \
        == "InvalidParameterException"
    assert refused(link, fed, "carol-native", "engineering", attribute="custom:dept") \
        == "InvalidParameterException"
    assert identities(fed, "carol-native") == []
    assert refused(cognito.admin_disable_provider_for_user, UserPoolId=fed.pool_id,
                   User={"ProviderName": PROVIDER, "ProviderAttributeName": "Cognito_Subject",
                         "ProviderAttributeValue": "never-seen"}) == "UserNotFoundException"


def test_a_source_that_signed_up_or_is_linked_cant_be_linked(new_federation):
    """A SourceUser must not have signed in yet ("Merging is not currently supported"),
    and one identity links to one profile: a second link of it is refused.

    AWS: AdminLinkProviderForUser (SourceUser "for a user who doesn't exist yet in the user
    pool"; AliasExistsException).
    """
    fed = new_federation()
    native_user(fed, "carol-native")
    native_user(fed, "carol-other")
    link(fed, "carol-native", "subject-1")
    assert refused(link, fed, "carol-other", "subject-1") == "AliasExistsException"
    assert sign_in(fed).id_claims is not None            # Corp_<carol's sub> signs up
    assert refused(link, fed, "carol-other", fed.carol.sub) == "InvalidParameterException"
    assert identities(fed, "carol-other") == []


def test_at_most_five_linked_identities(new_federation):
    """"The maximum number of federated identities linked to a user is five."

    AWS: AdminLinkProviderForUser (LimitExceededException).
    """
    fed = new_federation()
    native_user(fed, "carol-native")
    for n in range(5):
        link(fed, "carol-native", f"subject-{n}")
    assert refused(link, fed, "carol-native", "subject-5") == "LimitExceededException"
    assert len(identities(fed, "carol-native")) == 5


def test_linking_to_a_federated_destination(new_federation):
    """"You can link federated users to either an existing federated user profile, or to a
    native user": DestinationUser names the IdP and its user id.

    AWS: "Linking federated users to an existing user profile"; AdminLinkProviderForUser.
    """
    fed = new_federation()
    username = sign_in(fed).id_claims["cognito:username"]
    link(fed, fed.carol.sub, "another-subject", destination_provider=PROVIDER)
    assert [i["userId"] for i in identities(fed, username)] == [fed.carol.sub,
                                                                "another-subject"]


def safe_linking_trigger(lab):
    """The pattern the notebook teaches: link only an email the IdP verified to the one
    native user whose email the pool verified."""
    def pre_sign_up(event, context):
        if event["triggerSource"] != "PreSignUp_ExternalProvider":
            return event
        attributes = event["request"]["userAttributes"]
        if attributes.get("email_verified") != "true":
            return event                       # unverified: a new, separate user
        cognito = lab.client("cognito-idp")
        found = cognito.list_users(UserPoolId=event["userPoolId"],
                                   Filter=f'email = "{attributes["email"]}"')["Users"]
        natives = [u for u in found if u["UserStatus"] != "EXTERNAL_PROVIDER"
                   and attributes_of(u).get("email_verified") == "true"]
        if len(natives) == 1:
            provider, _, subject = event["userName"].partition("_")
            cognito.admin_link_provider_for_user(
                UserPoolId=event["userPoolId"],
                DestinationUser={"ProviderName": "Cognito",
                                 "ProviderAttributeValue": natives[0]["Username"]},
                SourceUser={"ProviderName": provider, "ProviderAttributeName": "Cognito_Subject",
                            "ProviderAttributeValue": subject})
        return event
    return pre_sign_up


def test_pre_sign_up_links_only_a_verified_email(new_federation):
    """A PreSignUp_ExternalProvider trigger that calls AdminLinkProviderForUser: the first
    sign-in continues as the linked native user — only when both sides verified the email
    (linking on an unverified email is an account takeover).

    AWS: "Pre sign-up Lambda trigger" ("link users from a third-party IdP to a consolidated
    user profile"); "Linking federated users to an existing user profile".
    """
    fed = new_federation()
    native_user(fed, "carol-native", email="carol@corp.example", email_verified="true")
    fed.lab.emulator.triggers.for_pool(fed.pool_id).attach(
        "PreSignUp", safe_linking_trigger(fed.lab))
    assert sign_in(fed).id_claims["cognito:username"] == "carol-native"

    other = new_federation()
    native_user(other, "carol-native", email="carol@corp.example", email_verified="true")
    other.lab.emulator.triggers.for_pool(other.pool_id).attach(
        "PreSignUp", safe_linking_trigger(other.lab))
    other.carol.claims["email_verified"] = False
    try:
        outcome = sign_in(other)
    finally:
        other.carol.claims["email_verified"] = True
    assert outcome.id_claims["cognito:username"] == f"{PROVIDER}_{other.carol.sub}"
    assert identities(other, "carol-native") == []
