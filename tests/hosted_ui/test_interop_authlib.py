"""A client no one here wrote: Authlib's OAuth2Session against the lab's hosted UI.

If the lab's endpoints follow RFC 6749 / 7636 as Cognito does, a standard OAuth client
library completes the flows without knowing it talks to a lab.
"""

from __future__ import annotations

import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc6749.errors import MismatchingStateException

from cognito_lab.client.oauth import Browser


def test_authlib_completes_code_flow_with_pkce_then_refreshes(lab):
    web = lab.app_clients["web"]
    session = OAuth2Session(web.client_id, redirect_uri=web.callback_urls[0],
                            scope="openid email", code_challenge_method="S256",
                            token_endpoint_auth_method="none")
    verifier = generate_token(64)
    url, _state = session.create_authorization_url(f"{lab.domain_url}/oauth2/authorize",
                                                  code_verifier=verifier)
    assert "code_challenge_method=S256" in url
    alice = lab.users["alice"]
    callback = Browser().sign_in(url, alice.username, alice.password).callback_url
    token = session.fetch_token(f"{lab.domain_url}/oauth2/token",
                                authorization_response=callback, code_verifier=verifier)
    assert {"access_token", "id_token", "refresh_token", "expires_at"} <= set(token)
    assert session.get(f"{lab.domain_url}/oauth2/userInfo", timeout=10).json()["email"] == \
        alice.email
    refreshed = session.refresh_token(f"{lab.domain_url}/oauth2/token",
                                      refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]


def test_authlib_refuses_a_callback_with_a_forged_state(lab):
    web = lab.app_clients["web"]
    session = OAuth2Session(web.client_id, redirect_uri=web.callback_urls[0], scope="openid",
                            code_challenge_method="S256", token_endpoint_auth_method="none",
                            state="the-state-we-sent")
    with pytest.raises(MismatchingStateException):
        session.fetch_token(f"{lab.domain_url}/oauth2/token", code_verifier="v" * 43,
                            authorization_response=f"{web.callback_urls[0]}?code=x&state=forged")


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_authlib_client_credentials(lab, method):
    m2m = lab.app_clients["m2m"]
    session = OAuth2Session(m2m.client_id, m2m.client_secret, scope="orders/read",
                            token_endpoint_auth_method=method)
    token = session.fetch_token(f"{lab.domain_url}/oauth2/token",
                                grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and "refresh_token" not in token
