"""Client-secret rotation (Add/List/DeleteUserPoolClientSecret) and GetClientToken.

moto alone has none of these operations; the moto branch of each test says so.
"""

from __future__ import annotations

import jwt
import requests

from cognito_lab.client import secret_hash

from .conftest import Accepted, Fails, Refused, Target, attempt, expect


def confidential_client(target: Target) -> dict:
    return target.new_client(GenerateSecret=True, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
                             AllowedOAuthFlowsUserPoolClient=True,
                             AllowedOAuthFlows=["client_credentials"],
                             AllowedOAuthScopes=["orders/read"])


def test_an_app_client_has_at_most_two_secrets(target):
    """AddUserPoolClientSecret adds a second secret (its value returned once, when Cognito
    generated it); a third is LimitExceededException; ListUserPoolClientSecrets lists both,
    never with their values. A public client has no secret to rotate.

    AWS: AddUserPoolClientSecret ("up to 2 active secrets per app client"),
    ListUserPoolClientSecrets (/cognito-user-identity-pools/latest/APIReference/).
    """
    client = confidential_client(target)
    ids = {"UserPoolId": target.pool_id, "ClientId": client["ClientId"]}
    added = attempt(target.idp.add_user_pool_client_secret, **ids)
    expect(target, added, moto=Fails(), aws=Accepted(
        lambda r: r["ClientSecretDescriptor"]["ClientSecretId"].startswith(
            client["ClientId"] + "--") and len(r["ClientSecretDescriptor"]["ClientSecretValue"])
        == 51))
    third = attempt(target.idp.add_user_pool_client_secret, **ids)
    expect(target, third, aws=Refused("LimitExceededException"), moto=Fails())
    listed = attempt(target.idp.list_user_pool_client_secrets, **ids)
    expect(target, listed, moto=Fails(), aws=Accepted(
        lambda r: len(r["ClientSecrets"]) == 2
        and not any("ClientSecretValue" in s for s in r["ClientSecrets"])))
    public = target.new_client()
    out = attempt(target.idp.add_user_pool_client_secret, UserPoolId=target.pool_id,
                  ClientId=public["ClientId"])
    expect(target, out, aws=Refused("InvalidParameterException"), moto=Fails())


def test_every_active_secret_works_and_a_deleted_one_is_refused(target, moto_server):
    """Both secrets are good for SECRET_HASH and /oauth2/token while they exist; after
    DeleteUserPoolClientSecret the deleted one is refused; the last secret can't be deleted.
    A secret the caller chooses is not echoed back.

    AWS: AddUserPoolClientSecret (ClientSecret, ClientSecretValue), DeleteUserPoolClientSecret
    ("You cannot delete the last remaining secret"); "Computing secret hash values";
    "Token endpoint".
    """
    client = confidential_client(target)
    ids = {"UserPoolId": target.pool_id, "ClientId": client["ClientId"]}
    chosen = "rotated+secret+" + "a" * 30
    added = attempt(target.idp.add_user_pool_client_secret, ClientSecret=chosen, **ids)
    expect(target, added, moto=Fails(), aws=Accepted(
        lambda r: "ClientSecretValue" not in r["ClientSecretDescriptor"]))
    if not target.is_lab:
        return
    user = target.users["alice"]
    original = client["ClientSecret"]

    def sign_in(secret: str):
        return attempt(target.idp.initiate_auth, ClientId=client["ClientId"],
                       AuthFlow="USER_PASSWORD_AUTH",
                       AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                                       "SECRET_HASH": secret_hash(user.username,
                                                                  client["ClientId"], secret)})

    def token_status(secret: str) -> int:
        return requests.post(f"{target.lab.domain_url}/oauth2/token", timeout=10, data={
            "grant_type": "client_credentials", "client_id": client["ClientId"],
            "client_secret": secret}).status_code

    assert sign_in(original).accepted and sign_in(chosen).accepted
    assert token_status(original) == token_status(chosen) == 200
    first = added.value["ClientSecretDescriptor"]["ClientSecretId"]
    old = next(s["ClientSecretId"] for s in target.idp.list_user_pool_client_secrets(
        **ids)["ClientSecrets"] if s["ClientSecretId"] != first)
    target.idp.delete_user_pool_client_secret(ClientSecretId=old, **ids)
    Refused("NotAuthorizedException").check(sign_in(original))
    assert token_status(original) == 400 and token_status(chosen) == 200
    assert sign_in(chosen).accepted
    last = attempt(target.idp.delete_user_pool_client_secret, ClientSecretId=first, **ids)
    Refused("InvalidParameterException").check(last)


def client_token_client(target: Target, flows: list[str]) -> dict:
    return target.new_client(GenerateSecret=True, ExplicitAuthFlows=flows,
                             AllowedOAuthFlowsUserPoolClient=True,
                             AllowedOAuthFlows=["client_credentials"],
                             AllowedOAuthScopes=["orders/read"])


def test_allow_client_token_auth_must_be_the_only_flow(target):
    """ALLOW_CLIENT_TOKEN_AUTH "is mutually exclusive with user authentication flows. It
    must be the only authentication flow that you configure for the app client."

    AWS: GetClientToken (/cognito-user-identity-pools/latest/APIReference/
    API_GetClientToken.html).
    """
    out = attempt(client_token_client, target,
                  ["ALLOW_CLIENT_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
    expect(target, out, aws=Refused("InvalidParameterException"), moto=Accepted())
    alone = attempt(client_token_client, target, ["ALLOW_CLIENT_TOKEN_AUTH"])
    expect(target, alone, aws=Accepted(), moto=Accepted())


def test_get_client_token_issues_machine_access_tokens(target):
    """GetClientToken: a client with a secret and ALLOW_CLIENT_TOKEN_AUTH gets an access token
    (sub = client id, the client's custom scopes, no ID or refresh token); a wrong secret is
    NotAuthorizedException; a client without the flow is refused.

    AWS: GetClientToken (/cognito-user-identity-pools/latest/APIReference/
    API_GetClientToken.html); "Scopes, M2M, and resource servers".
    """
    client = client_token_client(target, ["ALLOW_CLIENT_TOKEN_AUTH"])
    out = attempt(target.idp.get_client_token, ClientId=client["ClientId"],
                  Secret=client["ClientSecret"])

    def machine_token(result: dict) -> bool:
        token = result["ClientAuthenticationResult"]
        claims = jwt.decode(token["AccessToken"], options={"verify_signature": False})
        return (claims["sub"] == claims["client_id"] == client["ClientId"]
                and claims["scope"] == "orders/read" and token["TokenType"] == "Bearer"
                and set(token) == {"AccessToken", "ExpiresIn", "TokenType"})

    expect(target, out, aws=Accepted(machine_token), moto=Fails())
    wrong = attempt(target.idp.get_client_token, ClientId=client["ClientId"], Secret="x" * 51)
    expect(target, wrong, aws=Refused("NotAuthorizedException"), moto=Fails())
    other = confidential_client(target)
    out = attempt(target.idp.get_client_token, ClientId=other["ClientId"],
                  Secret=other["ClientSecret"])
    expect(target, out, aws=Refused("InvalidParameterException"), moto=Fails())
