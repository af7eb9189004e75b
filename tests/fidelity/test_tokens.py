"""Token-bearing calls (GetUser & co.), token lifetimes, refresh, sign-out and RevokeToken."""

from __future__ import annotations

import jwt

from cognito_lab.client import secret_hash

from .conftest import (
    Accepted,
    Fails,
    Refused,
    Target,
    attempt,
    expect,
    moto_minting_in_the_past,
)


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def refresh(target: Target, user, refresh_token: str):
    server = target.app("server")
    return attempt(target.idp.initiate_auth, ClientId=server.client_id,
                   AuthFlow="REFRESH_TOKEN_AUTH",
                   AuthParameters={"REFRESH_TOKEN": refresh_token,
                                   "SECRET_HASH": secret_hash(user.username, server.client_id,
                                                              server.client_secret)})


def test_get_user_refuses_an_expired_access_token(fresh_target):
    """An access token past its ``exp`` is refused by GetUser.

    AWS: "Using the access token" (/cognito/latest/developerguide/
    amazon-cognito-user-pools-using-the-access-token.html) and GetUser.
    """
    target = fresh_target
    user = target.new_user()
    if target.is_lab:
        access = target.tokens(user)["AccessToken"]
        target.lab.clock.advance(hours=1, seconds=1)
    else:
        with moto_minting_in_the_past(2 * 3600):
            access = target.tokens(user)["AccessToken"]
    assert not target.is_lab or claims(access)["exp"] < target.lab.clock.now()
    out = attempt(target.idp.get_user, AccessToken=access)
    expect(target, out, aws=Refused("NotAuthorizedException", "Access Token has expired"),
           moto=Accepted())


def test_access_token_validity_follows_the_client(target):
    """AccessTokenValidity 5 minutes gives tokens that live 5 minutes.

    AWS: CreateUserPoolClient, AccessTokenValidity / TokenValidityUnits
    (/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
    """
    client = target.new_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
                               AccessTokenValidity=5, IdTokenValidity=5,
                               TokenValidityUnits={"AccessToken": "minutes",
                                                   "IdToken": "minutes"})
    user = target.new_user()
    result = target.idp.initiate_auth(
        ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password})
    tokens = result["AuthenticationResult"]
    lifetime = claims(tokens["AccessToken"])["exp"] - claims(tokens["AccessToken"])["iat"]
    if target.is_lab:
        assert lifetime == tokens["ExpiresIn"] == 300
    else:   # moto ignores the client's validity (whatever fixed lifetime it uses)
        assert lifetime != 300 and tokens["ExpiresIn"] != 300


def test_disabled_users_tokens_stop_working_at_once(target):
    """After AdminDisableUser, GetUser with the user's still-unexpired token is refused.

    AWS: AdminDisableUser and GetUser (/cognito-user-identity-pools/latest/APIReference/
    API_GetUser.html).
    """
    user = target.new_user()
    access = target.tokens(user)["AccessToken"]
    target.idp.admin_disable_user(UserPoolId=target.pool_id, Username=user.username)
    out = attempt(target.idp.get_user, AccessToken=access)
    expect(target, out, aws=Refused("NotAuthorizedException", "User is disabled."),
           moto=Refused("NotAuthorizedException"))


def test_refresh_fails_for_a_disabled_user(target):
    """REFRESH_TOKEN_AUTH for a disabled user is refused.

    AWS: "Refresh tokens" (/cognito/latest/developerguide/
    amazon-cognito-user-pools-using-the-refresh-token.html) and AdminDisableUser.
    """
    user = target.new_user()
    tokens = target.tokens(user)
    target.idp.admin_disable_user(UserPoolId=target.pool_id, Username=user.username)
    out = refresh(target, user, tokens["RefreshToken"])
    expect(target, out, aws=Refused("NotAuthorizedException", "User is disabled."),
           moto=Accepted())


def test_get_user_needs_the_admin_scope(target):
    """A token without aws.cognito.signin.user.admin (e.g. from the hosted UI with only
    openid) can't call GetUser.

    AWS: GetUser ("Authorize this action with a signed-in user's access token. It must
    include the scope aws.cognito.signin.user.admin") (/cognito-user-identity-pools/latest/
    APIReference/API_GetUser.html).
    """
    user = target.new_user()
    if target.is_lab:
        emulator = target.lab.emulator
        client = emulator.directory.client(target.pool_id, target.app("web").client_id)
        profile = emulator.directory.user(target.pool_id, user.username)
        access = emulator.tokens.start_session(pool_id=target.pool_id, client=client,
                                               user=profile, scopes=["openid", "email"],
                                               with_refresh=False).access_token
        out = attempt(target.idp.get_user, AccessToken=access)
        Refused("NotAuthorizedException", "Access Token does not have required scopes").check(out)
    else:   # moto: every access token it mints has the admin scope, whatever the client
        access = target.tokens(user)["AccessToken"]
        assert "aws.cognito.signin.user.admin" in claims(access)["scope"].split()


def test_global_sign_out_revokes_access_and_refresh_tokens(target):
    """GlobalSignOut: the user's tokens stop working with the API, refresh fails.

    AWS: GlobalSignOut (/cognito-user-identity-pools/latest/APIReference/
    API_GlobalSignOut.html).
    """
    user = target.new_user()
    tokens = target.tokens(user)
    target.idp.global_sign_out(AccessToken=tokens["AccessToken"])
    out = attempt(target.idp.get_user, AccessToken=tokens["AccessToken"])
    expect(target, out, aws=Refused("NotAuthorizedException", "Access Token has been revoked"),
           moto=Refused("NotAuthorizedException"))
    again = refresh(target, user, tokens["RefreshToken"])
    expect(target, again, aws=Refused("NotAuthorizedException", "Refresh Token has been revoked"),
           moto=Refused("NotAuthorizedException"))


def revoke(target: Target, token: str, client: str = "server", secret: bool = True):
    app = target.app(client)
    extra = {"ClientSecret": app.client_secret} if secret and app.client_secret else {}
    return attempt(target.idp.revoke_token, Token=token, ClientId=app.client_id, **extra)


def test_revoke_token_revokes_the_refresh_token_and_its_access_tokens(target):
    """RevokeToken revokes the refresh token and every access token issued from it; other
    sessions of the same user keep working.

    AWS: "Revoking tokens" (/cognito/latest/developerguide/token-revocation.html) and
    RevokeToken.
    """
    user = target.new_user()
    first, second = target.tokens(user), target.tokens(user)
    out = revoke(target, first["RefreshToken"])
    expect(target, out, aws=Accepted(), moto=Fails())
    if target.is_lab:
        Refused("NotAuthorizedException", "Access Token has been revoked").check(
            attempt(target.idp.get_user, AccessToken=first["AccessToken"]))
        Refused("NotAuthorizedException", "Refresh Token has been revoked").check(
            refresh(target, user, first["RefreshToken"]))
        assert target.idp.get_user(AccessToken=second["AccessToken"])["Username"]


def test_revoke_token_refuses_access_tokens(target):
    """Only refresh tokens can be revoked: UnsupportedTokenTypeException for an access token.

    AWS: RevokeToken errors (/cognito-user-identity-pools/latest/APIReference/
    API_RevokeToken.html).
    """
    out = revoke(target, target.tokens(target.new_user())["AccessToken"])
    expect(target, out, aws=Refused("UnsupportedTokenTypeException"), moto=Fails())


def test_revoke_token_needs_token_revocation_enabled(target):
    """A client with EnableTokenRevocation false: UnsupportedOperationException.

    AWS: "Revoking tokens" ("You can revoke a refresh token for user pool client with token
    revocation enabled") (/cognito/latest/developerguide/token-revocation.html).
    """
    client = target.new_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                  "ALLOW_REFRESH_TOKEN_AUTH"],
                               EnableTokenRevocation=False)
    user = target.new_user()
    tokens = target.idp.initiate_auth(
        ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password}
    )["AuthenticationResult"]
    out = attempt(target.idp.revoke_token, Token=tokens["RefreshToken"],
                  ClientId=client["ClientId"])
    expect(target, out, aws=Refused("UnsupportedOperationException"), moto=Fails())


def test_revoke_token_needs_the_client_secret_of_a_confidential_client(target):
    """A confidential client revokes with its ClientSecret (not a SECRET_HASH).

    AWS: RevokeToken, ClientSecret (/cognito-user-identity-pools/latest/APIReference/
    API_RevokeToken.html).
    """
    out = revoke(target, target.tokens(target.new_user())["RefreshToken"], secret=False)
    expect(target, out, aws=Refused("UnauthorizedException"), moto=Fails())
