"""ExplicitAuthFlows: an app client signs users in only with the flows it allows."""

from __future__ import annotations

import pytest

from cognito_lab.client import secret_hash, srp

from .conftest import Accepted, Refused, Target, attempt, expect

SRP_ONLY = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def password_auth(target: Target, client_id: str, user, flow="USER_PASSWORD_AUTH", **extra):
    params = {"USERNAME": user.username, "PASSWORD": user.password, **extra}
    if flow.startswith("ADMIN"):
        return attempt(target.idp.admin_initiate_auth, UserPoolId=target.pool_id,
                       ClientId=client_id, AuthFlow=flow, AuthParameters=params)
    return attempt(target.idp.initiate_auth, ClientId=client_id, AuthFlow=flow,
                   AuthParameters=params)


def test_user_password_auth_needs_allow_user_password_auth(target):
    """USER_PASSWORD_AUTH on a client without ALLOW_USER_PASSWORD_AUTH is refused.

    AWS: "Authentication flows" (/cognito/latest/developerguide/
    amazon-cognito-user-pools-authentication-flow.html) and CreateUserPoolClient
    ExplicitAuthFlows (/cognito-user-identity-pools/latest/APIReference/
    API_CreateUserPoolClient.html).
    """
    out = password_auth(target, target.app("web").client_id, target.new_user())
    expect(target, out,
           aws=Refused("InvalidParameterException",
                       "USER_PASSWORD_AUTH flow not enabled for this client"),
           moto=Accepted(lambda r: "AuthenticationResult" in r))


def test_user_srp_auth_needs_allow_user_srp_auth(target):
    """USER_SRP_AUTH on a client without ALLOW_USER_SRP_AUTH is refused.

    AWS: "Authentication flows" (/cognito/latest/developerguide/
    amazon-cognito-user-pools-authentication-flow.html).
    """
    client = target.new_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                  "ALLOW_REFRESH_TOKEN_AUTH"])
    user = target.new_user()
    out = attempt(srp.sign_in, target.idp, pool_id=target.pool_id,
                  client_id=client["ClientId"], username=user.username, password=user.password)
    expect(target, out,
           aws=Refused("InvalidParameterException", "USER_SRP_AUTH is not enabled for the client."),
           moto=Accepted())


def test_admin_user_password_auth_needs_its_flow(target):
    """ADMIN_USER_PASSWORD_AUTH needs ALLOW_ADMIN_USER_PASSWORD_AUTH (the template's server
    client doesn't have it).

    AWS: AdminInitiateAuth (/cognito-user-identity-pools/latest/APIReference/
    API_AdminInitiateAuth.html) and "Authentication flows".
    """
    server = target.app("server")
    user = target.new_user()
    out = password_auth(target, server.client_id, user, flow="ADMIN_USER_PASSWORD_AUTH",
                        SECRET_HASH=secret_hash(user.username, server.client_id,
                                                server.client_secret))
    expect(target, out,
           aws=Refused("InvalidParameterException", "Auth flow not enabled for this client"),
           moto=Accepted(lambda r: "AuthenticationResult" in r))


def test_admin_flow_works_when_allowed(target):
    """With ALLOW_ADMIN_USER_PASSWORD_AUTH the admin flow signs the user in.

    AWS: AdminInitiateAuth (/cognito-user-identity-pools/latest/APIReference/
    API_AdminInitiateAuth.html).
    """
    client = target.new_client(ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])
    out = password_auth(target, client["ClientId"], target.new_user(),
                        flow="ADMIN_USER_PASSWORD_AUTH")
    expect(target, out, aws=Accepted(lambda r: "AuthenticationResult" in r),
           moto=Accepted(lambda r: "AuthenticationResult" in r))


def test_refresh_needs_allow_refresh_token_auth(target):
    """REFRESH_TOKEN_AUTH on a client without ALLOW_REFRESH_TOKEN_AUTH is refused.

    AWS: "Authentication flows" and "Refresh tokens" (/cognito/latest/developerguide/
    amazon-cognito-user-pools-using-the-refresh-token.html).
    """
    client = target.new_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    user = target.new_user()
    tokens = password_auth(target, client["ClientId"], user).value["AuthenticationResult"]
    out = attempt(target.idp.initiate_auth, ClientId=client["ClientId"],
                  AuthFlow="REFRESH_TOKEN_AUTH",
                  AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
    expect(target, out,
           aws=Refused("InvalidParameterException",
                       "Refresh Token flow not enabled for this client"),
           moto=Accepted(lambda r: "AccessToken" in r["AuthenticationResult"]))


def test_a_client_without_explicit_flows_allows_srp_not_passwords(target):
    """No ExplicitAuthFlows means ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH and
    ALLOW_REFRESH_TOKEN_AUTH: USER_PASSWORD_AUTH is refused, SRP works.

    AWS: CreateUserPoolClient, ExplicitAuthFlows ("If you don't specify a value ...")
    (/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
    """
    client = target.new_client()
    user = target.new_user()
    out = password_auth(target, client["ClientId"], user)
    expect(target, out,
           aws=Refused("InvalidParameterException",
                       "USER_PASSWORD_AUTH flow not enabled for this client"),
           moto=Accepted())
    if target.is_lab:
        signed_in = srp.sign_in(target.idp, pool_id=target.pool_id,
                                client_id=client["ClientId"], username=user.username,
                                password=user.password)
        assert "AccessToken" in signed_in["AuthenticationResult"]


@pytest.mark.parametrize("flows", [["ALLOW_FOO"], ["ALLOW_USER_SRP_AUTH", "USER_SRP_AUTH"]])
def test_unknown_explicit_auth_flows_are_refused(target, flows):
    """CreateUserPoolClient refuses values outside ExplicitAuthFlowsType.

    AWS: CreateUserPoolClient, ExplicitAuthFlows valid values
    (/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
    """
    out = attempt(target.new_client, ExplicitAuthFlows=flows)
    expect(target, out, aws=Refused("InvalidParameterException", contains="explicitAuthFlows"),
           moto=Accepted(lambda c: set(c["ExplicitAuthFlows"]) == set(flows)))


def test_legacy_and_allow_values_cannot_be_mixed(target):
    """Legacy values (ADMIN_NO_SRP_AUTH, ...) can't be combined with ALLOW_ values.

    AWS: CreateUserPoolClient, ExplicitAuthFlows ("You can't assign these legacy
    ExplicitAuthFlows values to user pool clients at the same time as values that begin
    with ALLOW_") (/cognito-user-identity-pools/latest/APIReference/
    API_CreateUserPoolClient.html).
    """
    out = attempt(target.new_client, ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH",
                                                          "ALLOW_USER_SRP_AUTH"])
    expect(target, out, aws=Refused("InvalidParameterException", contains="legacy"),
           moto=Accepted())


def test_update_user_pool_client_is_checked_too(target):
    """UpdateUserPoolClient refuses what CreateUserPoolClient refuses.

    AWS: UpdateUserPoolClient (/cognito-user-identity-pools/latest/APIReference/
    API_UpdateUserPoolClient.html).
    """
    client = target.new_client(ExplicitAuthFlows=SRP_ONLY)
    out = attempt(target.idp.update_user_pool_client, UserPoolId=target.pool_id,
                  ClientId=client["ClientId"], ExplicitAuthFlows=["ALLOW_FOO"])
    expect(target, out, aws=Refused("InvalidParameterException", contains="explicitAuthFlows"),
           moto=Accepted())
