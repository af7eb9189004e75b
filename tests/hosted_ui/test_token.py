"""POST /oauth2/token.

AWS, "Token endpoint" (/cognito/latest/developerguide/token-endpoint.html): codes for
tokens (ID token only with openid; a refresh token), refresh (new access and ID tokens,
no new refresh token), client credentials (an access token only, custom scopes, sub = the
client id); clients with a secret authenticate with HTTP Basic or in the body; errors are
``{"error": "..."}`` with HTTP 400.
"""

from __future__ import annotations

import jwt
import pytest

from .helpers import REASON, redeem, sign_in_for_code, token


def claims(value: str) -> dict:
    return jwt.decode(value, options={"verify_signature": False})


def test_code_for_tokens_with_granted_scopes_nonce_and_auth_time(lab):
    issued = sign_in_for_code(lab, scope="openid email orders/read", nonce="n-42")
    response = redeem(lab, issued)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert set(body) == {"access_token", "id_token", "refresh_token", "token_type",
                         "expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    access, identity = claims(body["access_token"]), claims(body["id_token"])
    assert access["scope"] == "openid email orders/read"
    assert access["client_id"] == issued.client_id and "username" in access
    assert identity["nonce"] == "n-42" and identity["aud"] == issued.client_id
    assert identity["email"] == lab.users["alice"].email
    assert identity["auth_time"] == access["auth_time"]


def test_no_id_token_without_openid(lab):
    issued = sign_in_for_code(lab, scope="orders/read")
    body = redeem(lab, issued).json()
    assert "id_token" not in body and "refresh_token" in body
    refreshed = token(lab, {"grant_type": "refresh_token", "client_id": issued.client_id,
                            "refresh_token": body["refresh_token"]}).json()
    assert "id_token" not in refreshed


def test_auth_time_is_the_sign_in_not_the_redemption(fresh_lab):
    issued = sign_in_for_code(fresh_lab)
    signed_in_at = int(fresh_lab.clock.now())
    fresh_lab.clock.advance(minutes=4)
    access = claims(redeem(fresh_lab, issued).json()["access_token"])
    assert abs(access["auth_time"] - signed_in_at) <= 1
    assert access["iat"] - access["auth_time"] >= 239


def test_refresh_gives_new_access_and_id_tokens_and_no_refresh_token(lab):
    issued = sign_in_for_code(lab)
    first = redeem(lab, issued).json()
    response = token(lab, {"grant_type": "refresh_token", "client_id": issued.client_id,
                           "refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "id_token", "token_type", "expires_in"}
    assert claims(body["access_token"])["origin_jti"] == claims(first["access_token"])["origin_jti"]
    assert claims(body["access_token"])["scope"] == "openid email"


def test_client_credentials_token_is_the_clients_own(lab):
    m2m = lab.app_clients["m2m"]
    response = token(lab, {"grant_type": "client_credentials"},
                     auth=(m2m.client_id, m2m.client_secret))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    access = claims(body["access_token"])
    assert access["sub"] == m2m.client_id == access["client_id"]
    assert access["scope"] == "orders/read"          # none requested: all allowed custom ones
    assert "username" not in access and "cognito:groups" not in access
    assert access["token_use"] == "access"


def test_client_credentials_with_client_secret_post(lab):
    m2m = lab.app_clients["m2m"]
    response = token(lab, {"grant_type": "client_credentials", "client_id": m2m.client_id,
                           "client_secret": m2m.client_secret, "scope": "orders/read"})
    assert response.status_code == 200


def test_confidential_code_flow_with_basic_auth(lab):
    issued = sign_in_for_code(lab, client="server", scope="openid orders/write")
    response = redeem(lab, issued, client="server")
    assert response.status_code == 200
    assert claims(response.json()["access_token"])["scope"] == "openid orders/write"


def test_access_token_works_on_the_user_pools_api_only_with_the_admin_scope(lab):
    """AWS, "Authorize endpoint": the access token can be used against Cognito user pools
    API only if aws.cognito.signin.user.admin was requested."""
    idp = lab.client("cognito-idp")
    with_admin = redeem(lab, issued := sign_in_for_code(
        lab, client="server", scope="openid aws.cognito.signin.user.admin"), client="server")
    assert issued.code
    user = idp.get_user(AccessToken=with_admin.json()["access_token"])
    assert user["UserAttributes"]
    without = redeem(lab, sign_in_for_code(lab, client="server", scope="openid"),
                     client="server").json()["access_token"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=without)


def test_errors_are_json_with_the_error_code_only(lab):
    response = token(lab, {"grant_type": "password"},
                     auth=(lab.app_clients["m2m"].client_id,
                           lab.app_clients["m2m"].client_secret))
    assert response.status_code == 400
    assert response.json() == {"error": "unsupported_grant_type"}
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers[REASON]


def test_missing_grant_type_and_wrong_content_type_are_invalid_requests(lab):
    web = lab.app_clients["web"]
    assert token(lab, {"client_id": web.client_id}).json() == {"error": "invalid_request"}
    import requests
    response = requests.post(f"{lab.domain_url}/oauth2/token", timeout=10,
                             json={"grant_type": "client_credentials"})
    assert response.status_code == 400 and response.json() == {"error": "invalid_request"}


def test_refresh_of_a_disabled_user_is_refused(fresh_lab):
    issued = sign_in_for_code(fresh_lab, user="bob")
    refresh_token = redeem(fresh_lab, issued).json()["refresh_token"]
    fresh_lab.client("cognito-idp").admin_disable_user(
        UserPoolId=fresh_lab.user_pool_id, Username=fresh_lab.users["bob"].username)
    response = token(fresh_lab, {"grant_type": "refresh_token", "client_id": issued.client_id,
                                 "refresh_token": refresh_token})
    assert response.json() == {"error": "invalid_grant"}


def test_refresh_token_expires_with_the_clients_validity(fresh_lab):
    issued = sign_in_for_code(fresh_lab)
    refresh_token = redeem(fresh_lab, issued).json()["refresh_token"]
    fresh_lab.clock.advance(days=31)                  # the web client: 30 days
    response = token(fresh_lab, {"grant_type": "refresh_token",
                                 "client_id": issued.client_id,
                                 "refresh_token": refresh_token})
    assert response.json() == {"error": "invalid_grant"}
    assert "expired" in response.headers[REASON]


def test_global_sign_out_revokes_hosted_ui_refresh_tokens(fresh_lab):
    issued = sign_in_for_code(fresh_lab, user="carol")
    refresh_token = redeem(fresh_lab, issued).json()["refresh_token"]
    fresh_lab.client("cognito-idp").admin_user_global_sign_out(
        UserPoolId=fresh_lab.user_pool_id, Username=fresh_lab.users["carol"].username)
    response = token(fresh_lab, {"grant_type": "refresh_token",
                                 "client_id": issued.client_id,
                                 "refresh_token": refresh_token})
    assert response.json() == {"error": "invalid_grant"}
