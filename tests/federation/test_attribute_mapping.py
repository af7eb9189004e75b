"""AWS, "Specifying identity provider attribute mappings for your user pool" (now "Mapping
IdP attributes to profiles and tokens"), its "Things to know about mappings", one test per
behaviour: required attributes need a mapping, mapped emails are unverified, the IdP's
tokens as mappable values (and their 2,048-character limit), a mapped value longer than
its attribute refuses the sign-in, and the username derived from the IdP's subject
(lowercased in a case-insensitive pool)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import jwt
import pytest
import requests

from cognito_lab.idp import GoogleProvider, IdpUser, SamlProvider

from .conftest import CALLBACK, PROVIDER, Federation
from .helpers import back_at_cognito, first_hop, query_of, redeem
from .saml_helpers import SamlFederation, post_to_cognito, sign_in_at_idp
from .saml_helpers import first_hop as saml_first_hop
from .saml_helpers import redeem as saml_redeem
from .sign_ins import attributes_of, sign_in

BASE = {"username": "sub", "name": "name"}
TOKEN_ATTRIBUTES = [   # "add a custom attribute with a maximum length of 2,048 characters"
    {"Name": name, "AttributeDataType": "String", "Mutable": True,
     "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"}}
    for name in ("idp_access", "idp_id")]
LONG = "x" * 2100      # more than any attribute holds, and makes the IdP's ID token longer


def as_user(fed, user: IdpUser):
    """The same federation, signing in as another of the IdP's users."""
    fed.idp.users[user.username] = user
    return replace(fed, carol=user)


def user_of(fed, username: str) -> dict[str, str]:
    return attributes_of(fed.lab.client("cognito-idp").admin_get_user(
        UserPoolId=fed.pool_id, Username=username))


def usernames(fed) -> list[str]:
    users = fed.lab.client("cognito-idp").list_users(UserPoolId=fed.pool_id)["Users"]
    return [user["Username"] for user in users]


# -- "a mapping must be present for each user pool attribute that your user pool requires" --
def test_a_required_attribute_nothing_maps_refuses_the_first_sign_in(new_federation):
    """A pool that requires ``email`` (Schema Required) refuses the first federated
    sign-in when the provider maps nothing to it, or maps a claim the IdP doesn't send:
    back to the app with ``error=invalid_request``, the description naming the attribute;
    no user is made and pre sign-up doesn't run. Mapped, the same user signs in.

    AWS: "Specifying identity provider attribute mappings for your user pool" ("a mapping
    must be present for each user pool attribute that your user pool requires"); "Managed
    login and federation error responses" ("Your IdP didn't send claims that map to
    required attributes"; the description is the lab's wording: AWS documents none).
    """
    required = {"Schema": [{"Name": "email", "AttributeDataType": "String",
                            "Required": True, "Mutable": True}]}
    seen: list[dict] = []

    def record(event, context):
        seen.append(event)
        return event

    for mapping in (BASE, {**BASE, "email": "work_email"}):      # carol has no work_email
        fed = new_federation(pool=required, mapping=mapping)
        fed.lab.emulator.triggers.for_pool(fed.pool_id).attach("PreSignUp", record)
        outcome = sign_in(fed)
        assert outcome.refused and outcome.params["error"] == "invalid_request"
        assert "email" in outcome.params["error_description"]
        assert "required" in outcome.params["error_description"]
        assert outcome.params["state"] == "app-state-1"
        assert usernames(fed) == []
    assert seen == []
    mapped = new_federation(pool=required, mapping={**BASE, "email": "email"})
    assert sign_in(mapped).id_claims["email"] == "carol@corp.example"


# -- "By default, mapped email addresses are unverified" ------------------------------------
def test_a_mapped_email_is_unverified_unless_email_verified_is_mapped(new_federation):
    """With ``email`` mapped and ``email_verified`` not, the federated user's email is not
    verified — also in a pool that auto-verifies email — and the ID token doesn't say it
    is; mapping the IdP's ``email_verified`` carries the IdP's verification status.

    AWS: "Specifying identity provider attribute mappings for your user pool" ("By default,
    mapped email addresses are unverified ... map an attribute from your IdP to get the
    verification status. For example, Google and most OIDC providers include the
    email_verified attribute").
    """
    pool = {"AutoVerifiedAttributes": ["email"]}
    unverified = new_federation(pool=pool, mapping={**BASE, "email": "email"})
    claims = sign_in(unverified).id_claims
    assert claims["email"] == "carol@corp.example"
    assert claims.get("email_verified") is not True
    stored = user_of(unverified, claims["cognito:username"])
    assert stored["email"] == "carol@corp.example"
    assert stored.get("email_verified", "false") == "false"

    verified = new_federation(pool=pool, mapping={**BASE, "email": "email",
                                                  "email_verified": "email_verified"})
    claims = sign_in(verified).id_claims
    assert claims["email_verified"] is True
    assert user_of(verified, claims["cognito:username"])["email_verified"] == "true"


# -- the IdP's tokens as mapped values --------------------------------------------------------
def test_an_oidc_providers_access_and_id_tokens_map_to_custom_attributes(new_federation):
    """``access_token`` and ``id_token`` in an OIDC provider's AttributeMapping name the
    IdP's own tokens: the custom attributes hold an access token the IdP's userInfo
    endpoint accepts for the user and an ID token signed by the IdP for Cognito's client.

    AWS: "Specifying identity provider attribute mappings for your user pool" ("OIDC
    providers present an access and ID token ... map access_token or id_token from the IdP
    to the custom attribute").
    """
    fed = new_federation(pool={"Schema": TOKEN_ATTRIBUTES},
                         mapping={**BASE, "custom:idp_access": "access_token",
                                  "custom:idp_id": "id_token"})
    username = sign_in(fed).id_claims["cognito:username"]
    stored = user_of(fed, username)
    idp = fed.idp
    discovery = requests.get(f"{idp.issuer}/.well-known/openid-configuration",
                             timeout=10).json()
    info = requests.get(discovery["userinfo_endpoint"], timeout=10, headers={
        "Authorization": f"Bearer {stored['custom:idp_access']}"})
    assert info.status_code == 200 and info.json()["sub"] == fed.carol.sub
    key = jwt.PyJWK(idp.jwks["keys"][0]).key
    id_token = jwt.decode(stored["custom:idp_id"], key, algorithms=["RS256"],
                          audience=idp.client_id, issuer=idp.issuer)
    assert id_token["sub"] == fed.carol.sub


@pytest.fixture(scope="module")
def google(lab):
    ada = GoogleProvider.account("ada@gmail.com", "Analytical-Engine-1", "Ada Lovelace")
    with lab.play_google(GoogleProvider.start(users=[ada])) as played:
        yield played


def google_sign_in(lab, google, *, mapping: dict, pool: dict) -> dict:
    """A pool with a Google provider mapped by ``mapping``; ada signs in; the ID token's
    claims Cognito gives the app."""
    cognito = lab.client("cognito-idp")
    pool_id = cognito.create_user_pool(PoolName="mapped-google", **pool)["UserPool"]["Id"]
    cognito.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
        ProviderDetails={"client_id": google.client_id, "client_secret": google.client_secret,
                         "authorize_scopes": "email profile openid"},
        AttributeMapping=mapping)
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", CallbackURLs=[CALLBACK],
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["Google"])["UserPoolClient"]["ClientId"]
    [ada] = google.users.values()
    fed = Federation(lab, google, pool_id, client_id, ada)
    hop = first_hop(fed, identity_provider="Google")
    chosen = hop.browser.post(hop.at_idp, data={"username": ada.username,
                                                "password": ada.password},
                              allow_redirects=False, timeout=10)
    answer = back_at_cognito(hop, chosen.headers["Location"])
    back = query_of(answer.headers["Location"])
    assert "code" in back, back
    tokens = redeem(fed, back["code"], hop.verifier).json()
    return jwt.decode(tokens["id_token"], options={"verify_signature": False})


def test_a_social_provider_offers_its_access_token_only(lab, google):
    """Google, a social provider, presents an access token: ``access_token`` maps to a
    token Google's userInfo accepts for the user; ``id_token`` maps to nothing.

    AWS: "Specifying identity provider attribute mappings for your user pool" ("Social
    providers present an access token, and OIDC providers present an access and ID
    token").
    """
    claims = google_sign_in(lab, google, pool={"Schema": TOKEN_ATTRIBUTES}, mapping={
        "username": "sub", "email": "email", "custom:idp_access": "access_token",
        "custom:idp_id": "id_token"})
    [ada] = google.users.values()
    assert claims["cognito:username"] == f"Google_{ada.sub}"
    assert "custom:idp_id" not in claims
    info = requests.get(f"{google.local_url}{google.PATHS['userinfo']}", timeout=10,
                        headers={"Authorization": f"Bearer {claims['custom:idp_access']}"})
    assert info.status_code == 200 and info.json()["sub"] == ada.sub


def test_an_idp_token_longer_than_2048_characters_refuses_the_sign_in(new_federation):
    """An ID token of more than 2,048 characters (the IdP states a long claim) mapped to a
    custom attribute refuses the sign-in, back to the app, naming the attribute; the same
    user signs in when only the (short) access token is mapped.

    AWS: "Specifying identity provider attribute mappings for your user pool" ("Amazon
    Cognito doesn't support mapping IdP tokens to custom attributes when the tokens are
    more than 2,048 characters long"; a value too long for its attribute: "Amazon Cognito
    reports an error when users sign in").
    """
    erin = IdpUser("erin", "Corp-Passw0rd!", {"email": "erin@corp.example", "motto": LONG})
    both = as_user(new_federation(pool={"Schema": TOKEN_ATTRIBUTES}, mapping={
        **BASE, "custom:idp_access": "access_token", "custom:idp_id": "id_token"}), erin)
    outcome = sign_in(both)
    assert outcome.refused and outcome.params["error"] == "invalid_request"
    assert "custom:idp_id" in outcome.params["error_description"]
    assert "2048" in outcome.params["error_description"]
    assert usernames(both) == []
    access_only = as_user(new_federation(pool={"Schema": TOKEN_ATTRIBUTES}, mapping={
        **BASE, "custom:idp_access": "access_token"}), erin)
    assert sign_in(access_only).id_claims["custom:idp_access"]


# -- "the maximum value length ... must be large enough" ---------------------------------------
def test_a_mapped_value_longer_than_its_attribute_refuses_the_sign_in(new_federation):
    """A claim longer than the custom attribute's MaxLength refuses the sign-in; so does
    one longer than 2,048 characters mapped to a standard attribute. The description names
    the attribute; a MaxLength that fits signs in.

    AWS: "Specifying identity provider attribute mappings for your user pool" ("For each
    mapped user pool attribute, the maximum value length of 2,048 characters must be large
    enough for the value that Amazon Cognito obtains from the IdP. Otherwise, Amazon
    Cognito reports an error when users sign in"); SchemaAttributeType
    StringAttributeConstraints.
    """
    def dept(max_length: str) -> dict:
        return {"Schema": [{"Name": "dept", "AttributeDataType": "String", "Mutable": True,
                            "StringAttributeConstraints": {"MinLength": "0",
                                                           "MaxLength": max_length}}]}

    short = new_federation(pool=dept("5"), mapping={**BASE, "custom:dept": "department"})
    outcome = sign_in(short)                       # carol's department: "engineering"
    assert outcome.refused and outcome.params["error"] == "invalid_request"
    assert "custom:dept" in outcome.params["error_description"]
    assert usernames(short) == []

    frank = IdpUser("frank", "Corp-Passw0rd!", {"email": "frank@corp.example",
                                                "motto": LONG})
    standard = as_user(new_federation(mapping={"username": "sub", "nickname": "motto"}),
                       frank)
    outcome = sign_in(standard)
    assert outcome.refused and "nickname" in outcome.params["error_description"]

    fits = new_federation(pool=dept("20"), mapping={**BASE, "custom:dept": "department"})
    assert sign_in(fits).id_claims["custom:dept"] == "engineering"


# -- the username: "Amazon Cognito derives the username attribute ... from specific claims" --
def test_an_oidc_users_username_is_the_provider_name_and_sub(new_federation):
    """OIDC: ``<ProviderName>_<sub>``, whatever the AttributeMapping maps to ``username``
    (here the email); the ``identities`` userId is the ``sub``.

    AWS: "Specifying identity provider attribute mappings for your user pool" (Amazon
    Cognito derives the username from the IdP's claims: OIDC ``sub``, SAML NameID, Google
    ``sub``, and prefixes the IdP's name).
    """
    fed = new_federation(mapping={"username": "email", "email": "email"})
    claims = sign_in(fed).id_claims
    assert claims["cognito:username"] == f"{PROVIDER}_{fed.carol.sub}"
    [identity] = claims["identities"]
    assert identity["userId"] == fed.carol.sub


@contextmanager
def saml_pool(lab, *, case_sensitive: bool) -> Iterator[SamlFederation]:
    """A SAML IdP whose user's NameID (emailAddress) is ``TestUser@example.com``, and a pool
    (case sensitive or not) federating to it as ``MySAML``, the name in AWS's example."""
    testuser = IdpUser("testuser", "Test-Passw0rd!", {"email": "TestUser@example.com"})
    acs = f"{lab.domain_url}/saml2/idpresponse"
    with SamlProvider.start(users=[testuser], acs_urls=[acs],
                            name_id_format="emailAddress") as idp:
        cognito = lab.client("cognito-idp")
        pool_id = cognito.create_user_pool(
            PoolName="mapped-saml",
            UsernameConfiguration={"CaseSensitive": case_sensitive})["UserPool"]["Id"]
        cognito.create_identity_provider(
            UserPoolId=pool_id, ProviderName="MySAML", ProviderType="SAML",
            ProviderDetails={"MetadataURL": idp.metadata_url, "IDPInit": "false"},
            AttributeMapping={"email": "email"})
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web", CallbackURLs=[CALLBACK],
            AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
            AllowedOAuthFlowsUserPoolClient=True,
            SupportedIdentityProviders=["MySAML"])["UserPoolClient"]["ClientId"]
        try:
            yield SamlFederation(lab, idp, pool_id, client_id, client_id, testuser)
        finally:
            cognito.delete_user_pool(UserPoolId=pool_id)


def saml_sign_in(fed: SamlFederation) -> dict:
    hop = saml_first_hop(fed, identity_provider="MySAML")
    answer = post_to_cognito(hop.browser, sign_in_at_idp(fed, hop.browser, hop.at_idp))
    back = query_of(answer.headers["Location"])
    assert "code" in back, back
    tokens = saml_redeem(fed, back["code"], hop.verifier)
    assert tokens.status_code == 200, tokens.text
    return jwt.decode(tokens.json()["id_token"], options={"verify_signature": False})


@pytest.mark.parametrize(("case_sensitive", "expected"), [
    (True, "MySAML_TestUser@example.com"), (False, "MySAML_testuser@example.com")])
def test_a_saml_users_username_is_the_name_id_lowercased_in_a_case_insensitive_pool(
        lab, case_sensitive, expected):
    """SAML: ``<ProviderName>_<NameID>``; in a case-insensitive pool the NameID (the
    username source) is lowercased, the provider's name kept: ``MySAML_testuser@example.com``
    for the NameID ``TestUser@example.com``. The next sign-in is the same user, whom
    AdminGetUser finds and shows EXTERNAL_PROVIDER.

    AWS: "Specifying identity provider attribute mappings for your user pool" (the username
    table; case-insensitive user pools lowercase the username source, e.g.
    ``MySAML_testuser@example.com``); "User pool case sensitivity".
    """
    with saml_pool(lab, case_sensitive=case_sensitive) as fed:
        claims = saml_sign_in(fed)
        assert claims["cognito:username"] == expected
        again = saml_sign_in(fed)
        assert again["sub"] == claims["sub"]
        assert usernames(fed) == [expected]
        user = fed.lab.client("cognito-idp").admin_get_user(UserPoolId=fed.pool_id,
                                                            Username=expected)
        assert user["UserStatus"] == "EXTERNAL_PROVIDER"
        [identity] = json.loads(attributes_of(user)["identities"])
        assert f"MySAML_{identity['userId']}" == expected


def test_an_oidc_sub_is_lowercased_in_a_case_insensitive_pool(new_federation):
    """OIDC in a case-insensitive pool: ``<ProviderName>_<sub lowercased>``; the user
    signs in again as the same profile (EXTERNAL_PROVIDER). In a case-sensitive pool the
    ``sub`` keeps its case.

    AWS: "Specifying identity provider attribute mappings for your user pool" (username
    table; the username source is lowercased in case-insensitive pools); "User pool case
    sensitivity".
    """
    dana = IdpUser("dana", "Corp-Passw0rd!", {"email": "dana@corp.example"},
                   sub="Dana-MixedCase-42")
    insensitive = as_user(new_federation(
        pool={"UsernameConfiguration": {"CaseSensitive": False}}), dana)
    first = sign_in(insensitive).id_claims
    assert first["cognito:username"] == f"{PROVIDER}_dana-mixedcase-42"
    assert sign_in(insensitive).id_claims["sub"] == first["sub"]
    assert usernames(insensitive) == [f"{PROVIDER}_dana-mixedcase-42"]
    got = insensitive.lab.client("cognito-idp").admin_get_user(
        UserPoolId=insensitive.pool_id, Username=f"{PROVIDER}_dana-mixedcase-42")
    assert got["UserStatus"] == "EXTERNAL_PROVIDER"

    sensitive = as_user(new_federation(), dana)
    assert sign_in(sensitive).id_claims["cognito:username"] == f"{PROVIDER}_Dana-MixedCase-42"
