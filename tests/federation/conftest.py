"""A lab, a corporate OIDC IdP beside it, and a user pool that federates to it."""

from __future__ import annotations

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
        # a pool with plain usernames: moto refuses "Corp_<sub>" in an email-username pool
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
