"""GET /oauth2/authorize.

AWS, "Authorize endpoint" (/cognito/latest/developerguide/authorization-endpoint.html):
redirect URIs must be registered; S256 only; scopes must be allowed; errors with a valid
client_id and redirect_uri go back to the redirect_uri; a live ``cognito`` session cookie
signs the user in without the form.
"""

from __future__ import annotations

import requests

from cognito_lab.client import pkce
from cognito_lab.client.oauth import Browser

from .helpers import REASON, authorize_url, get, query_of, sign_in_for_code


def test_valid_request_without_session_goes_to_login_with_the_same_parameters(lab):
    url = authorize_url(lab, code_challenge=pkce.s256_challenge(pkce.new_verifier()),
                        code_challenge_method="S256")
    response = get(url)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("../login?")          # relative: survives a path prefix
    assert query_of(location) == query_of(url)


def test_sign_in_returns_a_code_and_the_state_to_the_callback(lab):
    issued = sign_in_for_code(lab)
    assert issued.callback_url.startswith("http://localhost:3000/callback?")
    assert len(issued.code) == 36                     # Cognito's codes are UUIDs


def test_session_cookie_signs_in_silently_until_it_expires(fresh_lab):
    browser = Browser()
    sign_in_for_code(fresh_lab, browser=browser)
    url = authorize_url(fresh_lab)
    again = get(url, browser.http)
    assert again.status_code == 302
    assert again.headers["Location"].startswith("http://localhost:3000/callback?code=")
    fresh_lab.clock.advance(minutes=61)
    expired = get(url, browser.http)
    assert expired.headers["Location"].startswith("../login?")


def test_reusing_the_session_extends_it_to_an_hour(fresh_lab):
    """AWS knowledge center: reusing the session resets the cookie's validity to 1 hour."""
    browser = Browser()
    sign_in_for_code(fresh_lab, browser=browser)
    url = authorize_url(fresh_lab)
    fresh_lab.clock.advance(minutes=50)
    assert "code=" in get(url, browser.http).headers["Location"]
    fresh_lab.clock.advance(minutes=50)               # 100 minutes after the sign-in
    assert "code=" in get(url, browser.http).headers["Location"]


def test_session_cookie_of_a_disabled_user_no_longer_signs_in(fresh_lab):
    browser = Browser()
    sign_in_for_code(fresh_lab, browser=browser, user="bob")
    fresh_lab.client("cognito-idp").admin_disable_user(
        UserPoolId=fresh_lab.user_pool_id, Username=fresh_lab.users["bob"].username)
    assert get(authorize_url(fresh_lab), browser.http).headers["Location"].startswith("../login?")


def test_global_sign_out_does_not_clear_the_hosted_ui_session(fresh_lab):
    """AWS API reference, GlobalSignOut: "This operation doesn't clear the managed login
    session cookie" (only /logout does)."""
    browser = Browser()
    sign_in_for_code(fresh_lab, browser=browser)
    fresh_lab.client("cognito-idp").admin_user_global_sign_out(
        UserPoolId=fresh_lab.user_pool_id, Username=fresh_lab.users["alice"].username)
    assert "code=" in get(authorize_url(fresh_lab), browser.http).headers["Location"]


def test_no_scope_requested_grants_all_the_clients_scopes(lab):
    issued = sign_in_for_code(lab, scope=None)
    from .helpers import redeem
    access = redeem(lab, issued).json()["access_token"]
    import jwt
    claims = jwt.decode(access, options={"verify_signature": False})
    assert claims["scope"].split() == list(lab.app_clients["web"].oauth_scopes)


def test_redirect_uri_keeps_its_own_query(fresh_lab):
    """RFC 6749 §3.1.2: the redirection endpoint's query component MUST be retained."""
    idp = fresh_lab.client("cognito-idp")
    web = fresh_lab.app_clients["web"]
    callback = "http://localhost:3000/callback?tenant=acme"
    raw = idp.describe_user_pool_client(UserPoolId=fresh_lab.user_pool_id,
                                        ClientId=web.client_id)["UserPoolClient"]
    idp.update_user_pool_client(
        UserPoolId=fresh_lab.user_pool_id, ClientId=web.client_id,
        CallbackURLs=[callback], LogoutURLs=raw["LogoutURLs"],
        AllowedOAuthFlows=raw["AllowedOAuthFlows"], AllowedOAuthScopes=raw["AllowedOAuthScopes"],
        AllowedOAuthFlowsUserPoolClient=True, SupportedIdentityProviders=["COGNITO"])
    fresh_lab.refresh_app_clients()
    issued = sign_in_for_code(fresh_lab)
    assert query_of(issued.callback_url)["tenant"] == "acme"


def test_implicit_grant_needs_the_implicit_flow(lab):
    response = get(authorize_url(lab, response_type="token"))
    assert response.status_code == 302
    assert query_of(response.headers["Location"])["error"] == "unauthorized_client"


def test_implicit_grant_puts_tokens_in_the_fragment_without_refresh_token(fresh_lab):
    """AWS "Authorize endpoint": token grant returns tokens in the fragment, never a
    refresh token; an ID token only with openid."""
    idp = fresh_lab.client("cognito-idp")
    web = fresh_lab.app_clients["web"]
    idp.update_user_pool_client(
        UserPoolId=fresh_lab.user_pool_id, ClientId=web.client_id,
        CallbackURLs=list(web.callback_urls), AllowedOAuthFlows=["code", "implicit"],
        AllowedOAuthScopes=list(web.oauth_scopes), AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO"])
    alice = fresh_lab.users["alice"]
    url = authorize_url(fresh_lab, response_type="token", scope="email openid")
    result = Browser().sign_in(url, alice.username, alice.password)
    fragment = query_of("?" + result.callback_url.split("#", 1)[1])
    assert {"access_token", "id_token", "token_type", "expires_in", "state"} <= set(fragment)
    assert "refresh_token" not in fragment and "?" not in result.callback_url.split("#")[0]


def test_authorize_is_get_only(lab):
    response = requests.post(authorize_url(lab), timeout=10, allow_redirects=False)
    assert response.status_code == 405


def test_error_redirect_carries_state_and_a_lab_reason(lab):
    response = get(authorize_url(lab, scope="openid orders/write", state="keep-me"))
    params = query_of(response.headers["Location"])
    assert params == {"error": "invalid_scope", "state": "keep-me"}
    assert "orders/write" in response.headers[REASON]
