"""Refresh-token rotation and GetTokensFromRefreshToken.

moto alone stores an app client's RefreshTokenRotation but has no GetTokensFromRefreshToken
and no token endpoint; the moto branch of each test says so.
"""

from __future__ import annotations

import requests

from cognito_lab.client import secret_hash
from cognito_lab.lab import DemoUser

from .conftest import Accepted, Fails, Refused, Target, attempt, expect

ROTATION = {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}


def signed_in(target: Target, client: dict, user: DemoUser) -> dict:
    return target.idp.initiate_auth(
        ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username,
                        "PASSWORD": user.password})["AuthenticationResult"]


def password_client(target: Target, **settings) -> dict:
    return target.new_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"], **settings)


def test_refresh_token_rotation_is_an_app_client_setting(target):
    """RefreshTokenRotation (Feature, RetryGracePeriodSeconds 0–60) is set by
    CreateUserPoolClient and UpdateUserPoolClient and shown by DescribeUserPoolClient; a
    grace period over 60 seconds is refused.

    AWS: RefreshTokenRotationType (/cognito-user-identity-pools/latest/APIReference/
    API_RefreshTokenRotationType.html); CreateUserPoolClient; UpdateUserPoolClient.
    """
    client = password_client(target, RefreshTokenRotation=ROTATION)
    assert client["RefreshTokenRotation"] == ROTATION
    target.idp.update_user_pool_client(UserPoolId=target.pool_id, ClientId=client["ClientId"],
                                       RefreshTokenRotation={"Feature": "DISABLED"})
    shown = target.idp.describe_user_pool_client(UserPoolId=target.pool_id,
                                                 ClientId=client["ClientId"])["UserPoolClient"]
    assert shown["RefreshTokenRotation"]["Feature"] == "DISABLED"
    out = attempt(target.new_client, RefreshTokenRotation={"Feature": "ENABLED",
                                                            "RetryGracePeriodSeconds": 61})
    expect(target, out, aws=Refused("InvalidParameterException"), moto=Accepted())


def test_get_tokens_from_refresh_token_without_rotation(target):
    """Without rotation, GetTokensFromRefreshToken issues new ID and access tokens only, and
    the refresh token keeps working.

    AWS: GetTokensFromRefreshToken (/cognito-user-identity-pools/latest/APIReference/
    API_GetTokensFromRefreshToken.html); "Refresh tokens" (/cognito/latest/developerguide/
    amazon-cognito-user-pools-using-the-refresh-token.html).
    """
    client = password_client(target)
    refresh = signed_in(target, client, target.users["alice"])["RefreshToken"]
    out = attempt(target.idp.get_tokens_from_refresh_token, ClientId=client["ClientId"],
                  RefreshToken=refresh)
    expect(target, out, moto=Fails(),
           aws=Accepted(lambda r: {"AccessToken", "IdToken"} <= set(r["AuthenticationResult"])
                        and "RefreshToken" not in r["AuthenticationResult"]))
    again = attempt(target.idp.get_tokens_from_refresh_token, ClientId=client["ClientId"],
                    RefreshToken=refresh)
    expect(target, again, aws=Accepted(), moto=Fails())


def test_rotation_replaces_the_refresh_token_after_the_grace_period(fresh_target):
    """With rotation on, each refresh returns a new refresh token; the old one still works
    for RetryGracePeriodSeconds, then RefreshTokenReuseException; the new one works. With a
    grace period of 0 the old one stops at once.

    AWS: "Refresh tokens" (refresh token rotation); RefreshTokenRotationType
    (RetryGracePeriodSeconds); GetTokensFromRefreshToken errors (RefreshTokenReuseException).
    """
    target = fresh_target
    client = password_client(target, RefreshTokenRotation=ROTATION)
    old = signed_in(target, client, target.users["alice"])["RefreshToken"]

    def refresh(token: str):
        return attempt(target.idp.get_tokens_from_refresh_token, ClientId=client["ClientId"],
                       RefreshToken=token)

    first = refresh(old)
    expect(target, first, moto=Fails(),
           aws=Accepted(lambda r: r["AuthenticationResult"]["RefreshToken"] != old))
    if not target.is_lab:
        return
    new = first.value["AuthenticationResult"]["RefreshToken"]
    assert refresh(old).accepted                     # a retry inside the grace period
    target.lab.clock.advance(seconds=11)
    Refused("RefreshTokenReuseException").check(refresh(old))
    assert refresh(new).accepted
    at_once = password_client(target, RefreshTokenRotation={"Feature": "ENABLED",
                                                             "RetryGracePeriodSeconds": 0})
    token = signed_in(target, at_once, target.users["alice"])["RefreshToken"]
    target.idp.get_tokens_from_refresh_token(ClientId=at_once["ClientId"], RefreshToken=token)
    out = attempt(target.idp.get_tokens_from_refresh_token, ClientId=at_once["ClientId"],
                  RefreshToken=token)
    Refused("RefreshTokenReuseException").check(out)


def test_refresh_token_auth_is_refused_while_rotation_is_on(target):
    """REFRESH_TOKEN_AUTH can't be used by an app client with rotation on, even one that
    lists ALLOW_REFRESH_TOKEN_AUTH: refresh with GetTokensFromRefreshToken instead.

    AWS: "Refresh tokens" ("You can't authenticate with REFRESH_TOKEN_AUTH in app clients
    with refresh token rotation enabled"); RefreshTokenRotationType.
    """
    client = target.new_client(
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation=ROTATION)
    refresh = signed_in(target, client, target.users["alice"])["RefreshToken"]
    out = attempt(target.idp.initiate_auth, ClientId=client["ClientId"],
                  AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh})
    expect(target, out, aws=Refused("InvalidParameterException", contains="rotation"),
           moto=Accepted())


def test_get_tokens_from_refresh_token_checks_the_client_secret(target):
    """A client with a secret sends it as ClientSecret: missing or wrong is
    NotAuthorizedException; right gives tokens. A client without one may not send one.

    AWS: GetTokensFromRefreshToken (ClientSecret: "The client secret of the requested app
    client, if the client has a secret").
    """
    server, user = target.app("server"), target.users["alice"]
    refresh = target.tokens(user)["RefreshToken"]

    def refresh_with(**extra):
        return attempt(target.idp.get_tokens_from_refresh_token, ClientId=server.client_id,
                       RefreshToken=refresh, **extra)

    expect(target, refresh_with(), aws=Refused("NotAuthorizedException"), moto=Fails())
    expect(target, refresh_with(ClientSecret="x" * 51),
           aws=Refused("NotAuthorizedException"), moto=Fails())
    expect(target, refresh_with(ClientSecret=server.client_secret), aws=Accepted(),
           moto=Fails())
    public = password_client(target)
    token = signed_in(target, public, user)["RefreshToken"]
    out = attempt(target.idp.get_tokens_from_refresh_token, ClientId=public["ClientId"],
                  RefreshToken=token, ClientSecret="x" * 51)
    expect(target, out, aws=Refused("InvalidParameterException"), moto=Fails())


def test_the_token_endpoint_rotates_refresh_tokens(fresh_target, moto_server):
    """The refresh_token grant of /oauth2/token returns a new refresh token when the client
    rotates them; the old one is refused (invalid_grant) after the grace period.

    AWS: "Refresh tokens" (OAuth token endpoint: "optionally (with refresh token rotation)
    refresh tokens"); "Token endpoint" (/cognito/latest/developerguide/token-endpoint.html).
    """
    target = fresh_target
    client = target.new_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
                               RefreshTokenRotation=ROTATION, AllowedOAuthFlowsUserPoolClient=True,
                               AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"],
                               CallbackURLs=["https://app.example.com/cb"])
    old = signed_in(target, client, target.users["alice"])["RefreshToken"]
    url = f"{target.lab.domain_url if target.lab else moto_server}/oauth2/token"

    def grant(token: str) -> requests.Response:
        return requests.post(url, data={"grant_type": "refresh_token", "refresh_token": token,
                                        "client_id": client["ClientId"]}, timeout=10)

    answer = grant(old)
    if not target.is_lab:
        assert answer.status_code >= 400             # moto serves no token endpoint
        return
    assert answer.status_code == 200, answer.text
    new = answer.json()["refresh_token"]
    assert new != old and {"access_token", "id_token"} <= set(answer.json())
    target.lab.clock.advance(seconds=11)
    refused = grant(old)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    assert grant(new).status_code == 200


def test_secret_hash_still_works_for_refresh_token_auth_without_rotation(target):
    """Without rotation, REFRESH_TOKEN_AUTH keeps working (with the client's SECRET_HASH),
    next to GetTokensFromRefreshToken.

    AWS: RefreshTokenRotationType ("With refresh token rotation disabled, you can complete
    token refresh with GetTokensFromRefreshToken and with REFRESH_TOKEN_AUTH").
    """
    server, user = target.app("server"), target.users["alice"]
    refresh = target.tokens(user)["RefreshToken"]
    out = attempt(target.idp.initiate_auth, ClientId=server.client_id,
                  AuthFlow="REFRESH_TOKEN_AUTH",
                  AuthParameters={"REFRESH_TOKEN": refresh, "SECRET_HASH": secret_hash(
                      user.username, server.client_id, server.client_secret)})
    expect(target, out, aws=Accepted(), moto=Accepted())
