"""OpenID Connect discovery for the hosted UI's endpoints.

AWS serves ``<issuer>/.well-known/openid-configuration`` (the issuer is
cognito-idp.<region>.amazonaws.com/<pool>); it names the endpoints on the user pool
domain. The domain itself serves no issuer-less ``/.well-known/openid-configuration``
(clients pointed at the domain fail discovery), and neither does the lab.
"""

from __future__ import annotations

import requests


def test_discovery_names_the_hosted_ui_endpoints_that_answer(lab):
    config = requests.get(f"{lab.endpoint_url}/{lab.user_pool_id}/.well-known/"
                          "openid-configuration", timeout=10).json()
    base = lab.domain_url
    assert config["authorization_endpoint"] == f"{base}/oauth2/authorize"
    assert config["token_endpoint"] == f"{base}/oauth2/token"
    assert config["userinfo_endpoint"] == f"{base}/oauth2/userInfo"
    assert config["revocation_endpoint"] == f"{base}/oauth2/revoke"
    assert config["end_session_endpoint"] == f"{base}/logout"
    assert config["issuer"] == lab.issuer
    assert set(config["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic", "client_secret_post"}
    for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint",
                 "revocation_endpoint", "end_session_endpoint"):
        answer = requests.get(config[name], timeout=10, allow_redirects=False)
        assert answer.status_code != 404, name        # each endpoint exists


def test_no_issuer_less_discovery_on_the_domain(lab):
    response = requests.get(f"{lab.domain_url}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 404
