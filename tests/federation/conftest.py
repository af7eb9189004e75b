"""A lab, a corporate OIDC IdP beside it, and a user pool that federates to it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from cognito_lab.idp import IdpUser, OidcProvider

CALLBACK = "http://localhost:8000/callback"
PROVIDER = "Corp"


@dataclass
class Federation:
    lab: object
    idp: OidcProvider
    pool_id: str
    client_id: str
    carol: IdpUser


@pytest.fixture(scope="module")
def federation(lab):
    carol = IdpUser("carol", "Corp-Passw0rd!",
                    {"email": "carol@corp.example", "email_verified": True,
                     "name": "Carol Corp", "department": "engineering"})
    with OidcProvider.start(users=[carol],
                            redirect_uris=[f"{lab.domain_url}/oauth2/idpresponse"]) as idp:
        cognito = lab.client("cognito-idp")
        # a pool with plain usernames (an email-username pool: test_federated_users.py)
        pool_id = cognito.create_user_pool(PoolName="federated")["UserPool"]["Id"]
        cognito.create_identity_provider(
            UserPoolId=pool_id, ProviderName=PROVIDER, ProviderType="OIDC",
            ProviderDetails={"client_id": idp.client_id, "client_secret": idp.client_secret,
                             "authorize_scopes": "openid email profile",
                             "attributes_request_method": "GET", "oidc_issuer": idp.issuer},
            AttributeMapping={"username": "sub", "email": "email", "name": "name",
                              "email_verified": "email_verified"},
            IdpIdentifiers=["corp.example"])
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="federated-web", CallbackURLs=[CALLBACK],
            AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
            AllowedOAuthFlowsUserPoolClient=True,
            SupportedIdentityProviders=["COGNITO", PROVIDER])["UserPoolClient"]["ClientId"]
        yield Federation(lab, idp, pool_id, client_id, carol)


MAPPING = {"username": "sub", "email": "email", "name": "name",
           "email_verified": "email_verified"}


@pytest.fixture
def new_federation(federation):
    """Make a pool of one's own federating to the same IdP: ``new_federation(pool={...},
    mapping={...}, client={...})`` (CreateUserPool, the Corp provider's AttributeMapping,
    CreateUserPoolClient settings); each pool is deleted after the test."""
    cognito = federation.lab.client("cognito-idp")
    made: list[str] = []

    def make(*, pool: dict | None = None, mapping: dict | None = None,
             client: dict | None = None) -> Federation:
        idp = federation.idp
        pool_id = cognito.create_user_pool(
            PoolName=f"federated-{len(made)}-{uuid.uuid4().hex[:8]}",
            **(pool or {}))["UserPool"]["Id"]
        made.append(pool_id)
        cognito.create_identity_provider(
            UserPoolId=pool_id, ProviderName=PROVIDER, ProviderType="OIDC",
            ProviderDetails={"client_id": idp.client_id, "client_secret": idp.client_secret,
                             "authorize_scopes": "openid email profile",
                             "attributes_request_method": "GET", "oidc_issuer": idp.issuer},
            AttributeMapping=MAPPING if mapping is None else mapping)
        client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id, ClientName="federated-web", CallbackURLs=[CALLBACK],
            AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
            AllowedOAuthFlowsUserPoolClient=True,
            SupportedIdentityProviders=["COGNITO", PROVIDER],
            **(client or {}))["UserPoolClient"]["ClientId"]
        return Federation(federation.lab, idp, pool_id, client_id, federation.carol)

    yield make
    for pool_id in made:
        cognito.delete_user_pool(UserPoolId=pool_id)


@pytest.fixture(scope="module")
def saml_federation(lab):
    """A lab, a corporate SAML IdP beside it, and a user pool that federates to it
    (saml_helpers.py): a web client (COGNITO and the SAML provider) and a portal client
    (the SAML provider alone, as IdP-initiated sign-in requires)."""
    from .saml_helpers import saml_federation_on

    with saml_federation_on(lab) as federated:
        yield federated
