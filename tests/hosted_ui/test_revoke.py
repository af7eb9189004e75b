"""POST /oauth2/revoke.

AWS, "Revoke endpoint" (/cognito/latest/developerguide/revocation-endpoint.html): revokes a
refresh token and the access tokens issued from it; 400 invalid_request without a token or
when revocation is disabled, 400 unsupported_token_type for a non-refresh token, 401
invalid_client, 200 for an unknown token.
"""

from __future__ import annotations

import requests

from .helpers import redeem, sign_in_for_code, token


def revoke(lab, data: dict, auth=None) -> requests.Response:
    return requests.post(f"{lab.domain_url}/oauth2/revoke", data=data, auth=auth, timeout=10)


def test_revoking_the_refresh_token_revokes_its_access_tokens(lab):
    issued = sign_in_for_code(lab, client="server",
                              scope="openid aws.cognito.signin.user.admin")
    body = redeem(lab, issued, client="server").json()
    server = lab.app_clients["server"]
    response = revoke(lab, {"token": body["refresh_token"]},
                      auth=(server.client_id, server.client_secret))
    assert response.status_code == 200 and response.text == ""
    refreshed = token(lab, {"grant_type": "refresh_token",
                            "refresh_token": body["refresh_token"]},
                      auth=(server.client_id, server.client_secret))
    assert refreshed.json() == {"error": "invalid_grant"}
    idp = lab.client("cognito-idp")
    try:
        idp.get_user(AccessToken=body["access_token"])
        raise AssertionError("a revoked access token was accepted")
    except idp.exceptions.NotAuthorizedException as error:
        assert "revoked" in str(error)


def test_access_token_is_an_unsupported_token_type(lab):
    body = redeem(lab, sign_in_for_code(lab)).json()
    response = revoke(lab, {"token": body["access_token"],
                            "client_id": lab.app_clients["web"].client_id})
    assert response.status_code == 400 and response.json() == {"error": "unsupported_token_type"}


def test_unknown_token_is_answered_200(lab):
    response = revoke(lab, {"token": "not-a-token",
                            "client_id": lab.app_clients["web"].client_id})
    assert response.status_code == 200


def test_wrong_client_secret_is_401(lab):
    server = lab.app_clients["server"]
    response = revoke(lab, {"token": "x"}, auth=(server.client_id, "wrong"))
    assert response.status_code == 401 and response.json() == {"error": "invalid_client"}


def test_missing_token_is_an_invalid_request(lab):
    response = revoke(lab, {"client_id": lab.app_clients["web"].client_id})
    assert response.status_code == 400 and response.json() == {"error": "invalid_request"}
