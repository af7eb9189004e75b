"""GET/POST /oauth2/userInfo.

AWS, "userInfo endpoint" (/cognito/latest/developerguide/userinfo-endpoint.html): needs an
access token from the token endpoint with the openid scope (API-issued tokens are refused);
the scopes decide which attributes come back; errors: 400 invalid_request, 401 invalid_token
with WWW-Authenticate.
"""

from __future__ import annotations

import requests

from cognito_lab.client import secret_hash

from .helpers import redeem, sign_in_for_code


def userinfo(lab, access_token: str | None, method: str = "GET") -> requests.Response:
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    return requests.request(method, f"{lab.domain_url}/oauth2/userInfo", headers=headers,
                            timeout=10)


def test_openid_email_returns_sub_email_and_username(lab):
    access = redeem(lab, sign_in_for_code(lab, scope="openid email")).json()["access_token"]
    response = userinfo(lab, access)
    assert response.status_code == 200
    body = response.json()
    alice = lab.users["alice"]
    assert body["email"] == alice.email and body["email_verified"] == "true"
    assert set(body) == {"sub", "email", "email_verified", "username"}


def test_openid_alone_returns_every_readable_attribute(lab):
    access = redeem(lab, sign_in_for_code(lab, scope="openid")).json()["access_token"]
    body = userinfo(lab, access, method="POST").json()
    assert body["custom:tenant_id"] == "acme" and body["email"] == lab.users["alice"].email


def test_profile_includes_custom_attributes_but_not_email(lab):
    access = redeem(lab, sign_in_for_code(lab, scope="openid profile")).json()["access_token"]
    body = userinfo(lab, access).json()
    assert body["custom:tenant_id"] == "acme" and "email" not in body


def test_token_without_openid_is_refused(lab):
    access = redeem(lab, sign_in_for_code(lab, scope="orders/read")).json()["access_token"]
    response = userinfo(lab, access)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


def test_api_issued_access_token_is_refused(lab):
    server = lab.app_clients["server"]
    alice = lab.users["alice"]
    result = lab.client("cognito-idp").initiate_auth(
        ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": alice.username, "PASSWORD": alice.password,
                        "SECRET_HASH": secret_hash(alice.username, server.client_id,
                                                   server.client_secret)})
    response = userinfo(lab, result["AuthenticationResult"]["AccessToken"])
    assert response.status_code == 401 and response.json()["error"] == "invalid_token"


def test_missing_token_is_an_invalid_request(lab):
    response = userinfo(lab, None)
    assert response.status_code == 400
    assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]


def test_expired_token_is_refused(fresh_lab):
    access = redeem(fresh_lab, sign_in_for_code(fresh_lab)).json()["access_token"]
    fresh_lab.clock.advance(minutes=61)
    assert userinfo(fresh_lab, access).status_code == 401
