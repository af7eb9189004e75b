"""App-client settings Cognito refuses at CreateUserPoolClient / UpdateUserPoolClient."""

from __future__ import annotations

import pytest

from .conftest import Accepted, Refused, attempt, expect

OAUTH = {"AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthFlows": ["code"],
         "AllowedOAuthScopes": ["openid"]}


@pytest.mark.parametrize("url, problem", [
    ("http://app.example.com/callback", "HTTPS"),
    ("http://127.0.0.1:8888/callback", "HTTPS"),
    ("http://[::1]/callback", "HTTPS"),
    ("https://app.example.com/callback#done", "fragment"),
    ("/callback", "absolute"),
])
def test_callback_urls_must_be_absolute_https_without_fragment(target, url, problem):
    """Callback URLs: absolute, no fragment, HTTPS except for loopback.

    AWS: CreateUserPoolClient, CallbackURLs ("Be an absolute URI", "Not include a fragment
    component", "Amazon Cognito requires HTTPS over HTTP except for http://localhost for
    testing purposes only") (/cognito-user-identity-pools/latest/APIReference/
    API_CreateUserPoolClient.html). 127.0.0.1 and [::1] are not named, so not exempt.
    """
    out = attempt(target.new_client, CallbackURLs=[url], **OAUTH)
    expect(target, out, aws=Refused("InvalidParameterException", contains=problem),
           moto=Accepted())


@pytest.mark.parametrize("url", ["http://localhost:3000/cb", "myapp://signed-in",
                                 "https://app.example.com/callback"])
def test_loopback_http_and_app_schemes_are_allowed(target, url):
    """http://localhost and app schemes such as myapp:// are allowed.

    AWS: CreateUserPoolClient, CallbackURLs (/cognito-user-identity-pools/latest/
    APIReference/API_CreateUserPoolClient.html).
    """
    out = attempt(target.new_client, CallbackURLs=[url], LogoutURLs=[url], **OAUTH)
    expect(target, out, aws=Accepted(), moto=Accepted())


def test_sign_out_urls_follow_the_same_rules(target):
    """LogoutURLs over plain http to a public host are refused.

    AWS: "Application-specific settings with app clients", sign-out URLs
    (/cognito/latest/developerguide/user-pool-settings-client-apps.html).
    """
    out = attempt(target.new_client, CallbackURLs=["https://app.example.com/cb"],
                  LogoutURLs=["http://app.example.com/"], **OAUTH)
    expect(target, out, aws=Refused("InvalidParameterException", contains="HTTPS"),
           moto=Accepted())


def test_client_credentials_cannot_be_combined_with_code(target):
    """client_credentials can't be selected with code or implicit.

    AWS: CreateUserPoolClient, AllowedOAuthFlows ("you must add client_credentials as the
    only allowed OAuth flow") (/cognito-user-identity-pools/latest/APIReference/
    API_CreateUserPoolClient.html).
    """
    out = attempt(target.new_client, GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
                  AllowedOAuthFlows=["client_credentials", "code"],
                  AllowedOAuthScopes=["orders/read"],
                  CallbackURLs=["https://app.example.com/cb"])
    expect(target, out,
           aws=Refused("InvalidOAuthFlowException", "client_credentials flow can not be "
                       "selected along with code flow or implicit flow."),
           moto=Accepted())


def test_client_credentials_needs_a_secret(target):
    """client_credentials on a client without a secret.

    AWS: "Application-specific settings with app clients" ("Your app client must have a
    client secret to perform client_credentials grants") (/cognito/latest/developerguide/
    user-pool-settings-client-apps.html).
    """
    out = attempt(target.new_client, AllowedOAuthFlowsUserPoolClient=True,
                  AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["orders/read"])
    expect(target, out,
           aws=Refused("InvalidOAuthFlowException", "client_credentials flow can not be "
                       "selected if client does not have a client secret."),
           moto=Accepted())


@pytest.mark.parametrize("settings, problem", [
    ({"AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid"],
      "CallbackURLs": ["https://app.example.com/cb"]}, "AllowedOAuthFlowsUserPoolClient"),
    ({"AllowedOAuthFlowsUserPoolClient": True, "AllowedOAuthFlows": ["code"],
      "CallbackURLs": ["https://app.example.com/cb"]}, "AllowedOAuthScopes"),
])
def test_oauth_flows_need_the_oauth_switch_and_scopes(target, settings, problem):
    """OAuth flows need AllowedOAuthFlowsUserPoolClient: true and at least one scope.

    AWS: CreateUserPoolClient, AllowedOAuthFlowsUserPoolClient ("This parameter must have a
    value of true before you can configure ... AllowedOAuthScopes ... AllowedOAuthFlows")
    (/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
    """
    out = attempt(target.new_client, **settings)
    expect(target, out, aws=Refused("InvalidParameterException", contains=problem),
           moto=Accepted())


@pytest.mark.parametrize("settings", [
    {"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}},
    {"IdTokenValidity": 2, "TokenValidityUnits": {"IdToken": "days"}},
    {"RefreshTokenValidity": 30, "TokenValidityUnits": {"RefreshToken": "minutes"}},
    {"RefreshTokenValidity": 3651},
])
def test_token_validity_bounds(target, settings):
    """Access/ID tokens: 5 minutes to 1 day; refresh tokens: 1 hour to 10 years.

    AWS: "Application-specific settings with app clients", token expiration
    (/cognito/latest/developerguide/user-pool-settings-client-apps.html) and
    CreateUserPoolClient.
    """
    out = attempt(target.new_client, **settings)
    expect(target, out, aws=Refused("InvalidParameterException",
                                    "Invalid range for token validity."),
           moto=Accepted())


def test_custom_scopes_must_be_defined_by_a_resource_server(target):
    """A client may name only custom scopes its pool's resource servers define.

    AWS: CreateUserPoolClient, Errors — "ScopeDoesNotExistException: This exception is
    thrown when the specified scope doesn't exist." (/cognito-user-identity-pools/latest/
    APIReference/API_CreateUserPoolClient.html). The message wording is the lab's.
    """
    settings = {**OAUTH, "CallbackURLs": ["https://app.example.com/cb"]}
    out = attempt(target.new_client, **{**settings,
                                        "AllowedOAuthScopes": ["openid", "orders/delete"]})
    expect(target, out, aws=Refused("ScopeDoesNotExistException", contains="orders/delete"),
           moto=Accepted())
    defined = attempt(target.new_client, **{**settings,
                                            "AllowedOAuthScopes": ["openid", "orders/write"]})
    expect(target, defined, aws=Accepted(), moto=Accepted())


# -- UpdateUserPoolClient replaces; it does not merge -----------------------------------------
HARDENED_SPA = {"GenerateSecret": False,
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "SupportedIdentityProviders": ["COGNITO"],
                "CallbackURLs": ["https://app.example.com/cb"],
                "LogoutURLs": ["https://app.example.com/"], **OAUTH,
                "PreventUserExistenceErrors": "ENABLED", "EnableTokenRevocation": False,
                "AccessTokenValidity": 30, "TokenValidityUnits": {"AccessToken": "minutes"},
                "ReadAttributes": ["email"]}
LEFT_OUT = ("CallbackURLs", "LogoutURLs", "AllowedOAuthFlows", "AllowedOAuthScopes",
            "SupportedIdentityProviders", "PreventUserExistenceErrors", "AccessTokenValidity",
            "TokenValidityUnits", "ReadAttributes")


def test_update_user_pool_client_resets_what_it_leaves_out(target):
    """Settings an update leaves out go back to their defaults; the id, name and secret stay.

    AWS: UpdateUserPoolClient ("If you don't provide a value for an attribute, Amazon
    Cognito sets it to its default value") (/cognito-user-identity-pools/latest/
    APIReference/API_UpdateUserPoolClient.html) and "Updating user pool and app client
    configuration" (/cognito/latest/developerguide/cognito-user-pool-updating.html).
    """
    client = target.new_client(**HARDENED_SPA)
    out = attempt(target.idp.update_user_pool_client, UserPoolId=target.pool_id,
                  ClientId=client["ClientId"], ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    assert out.accepted, out
    after = target.idp.describe_user_pool_client(UserPoolId=target.pool_id,
                                                 ClientId=client["ClientId"])["UserPoolClient"]
    assert after["ExplicitAuthFlows"] == ["ALLOW_USER_SRP_AUTH"]
    assert after["ClientName"] == client["ClientName"]
    if target.is_lab:
        assert [name for name in LEFT_OUT if name in after] == []
        assert after["AllowedOAuthFlowsUserPoolClient"] is False   # CreateUserPoolClient's
        assert after["EnableTokenRevocation"] is True               # defaults
        assert out.value["UserPoolClient"] == after
    else:   # moto merges: every setting left out keeps its value
        assert {name: after.get(name) for name in LEFT_OUT} == \
            {name: client[name] for name in LEFT_OUT}
        assert after["EnableTokenRevocation"] is False


def test_update_user_pool_client_is_checked_on_the_reset_settings(target):
    """An update naming OAuth flows without AllowedOAuthFlowsUserPoolClient is refused,
    even on a client that had it: left out, it is false again.

    AWS: UpdateUserPoolClient, AllowedOAuthFlowsUserPoolClient ("must have a value of true
    before you can configure ... AllowedOAuthFlows") (/cognito-user-identity-pools/latest/
    APIReference/API_UpdateUserPoolClient.html).
    """
    client = target.new_client(**HARDENED_SPA)
    out = attempt(target.idp.update_user_pool_client, UserPoolId=target.pool_id,
                  ClientId=client["ClientId"], CallbackURLs=HARDENED_SPA["CallbackURLs"],
                  AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"])
    expect(target, out, aws=Refused("InvalidParameterException",
                                    contains="AllowedOAuthFlowsUserPoolClient"),
           moto=Accepted())
