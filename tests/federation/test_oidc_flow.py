"""OIDC federation end to end over HTTP (AWS, "OIDC user pool IdP authentication flow")."""

from __future__ import annotations

import json

import jwt
import requests

from .conftest import CALLBACK, PROVIDER
from .helpers import back_at_cognito, first_hop, query_of, redeem, sign_in_at_idp


def test_identity_provider_is_stored_with_discovered_endpoints(federation):
    """AWS, CreateIdentityProvider: Cognito adds the endpoints it discovers from oidc_issuer."""
    described = federation.lab.client("cognito-idp").describe_identity_provider(
        UserPoolId=federation.pool_id, ProviderName=PROVIDER)["IdentityProvider"]
    details = described["ProviderDetails"]
    issuer = federation.idp.issuer
    assert details["authorize_url"] == f"{issuer}/authorize"
    assert details["token_url"] == f"{issuer}/token"
    assert details["attributes_url"] == f"{issuer}/userinfo"
    assert details["jwks_uri"] == f"{issuer}/jwks.json"


def test_first_hop_goes_to_the_idp_with_cognitos_own_state_and_nonce(federation):
    """AWS, Authorize endpoint (identity_provider): the browser goes to the IdP."""
    hop = first_hop(federation)
    assert hop.at_idp.startswith(f"{federation.idp.issuer}/authorize?")
    sent = query_of(hop.at_idp)
    assert sent["client_id"] == federation.idp.client_id
    assert sent["redirect_uri"] == f"{federation.lab.domain_url}/oauth2/idpresponse"
    assert sent["scope"] == "openid email profile"
    assert sent["state"] != "app-state-1" and len(sent["state"]) >= 32
    assert sent["nonce"]
    assert "code_challenge" not in sent     # the app's PKCE stays with Cognito


def test_idp_identifier_picks_the_provider(federation):
    """AWS, Authorize endpoint: idp_identifier names a provider by its IdpIdentifiers."""
    hop = first_hop(federation, identity_provider=None, idp_identifier="corp.example")
    assert hop.at_idp.startswith(f"{federation.idp.issuer}/authorize?")


def test_the_whole_flow_signs_in_a_federated_user(federation):
    """AWS, OIDC user pool IdP authentication flow; attribute mappings; groups."""
    hop = first_hop(federation)
    idp_response = sign_in_at_idp(federation, hop)
    assert idp_response.startswith(f"{federation.lab.domain_url}/oauth2/idpresponse?")
    answer = back_at_cognito(hop, idp_response)
    assert answer.status_code == 302, answer.headers
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    back = query_of(location)
    assert back["state"] == "app-state-1"
    tokens = redeem(federation, back["code"], hop.verifier)
    assert tokens.status_code == 200, tokens.text
    claims = jwt.decode(tokens.json()["id_token"], options={"verify_signature": False})
    sub = federation.carol.sub
    assert claims["cognito:username"] == f"{PROVIDER}_{sub}"
    assert claims["email"] == "carol@corp.example"
    assert claims["name"] == "Carol Corp"
    assert claims["cognito:groups"] == [f"{federation.pool_id}_{PROVIDER}"]
    [identity] = claims["identities"]
    assert identity["userId"] == sub and identity["providerName"] == PROVIDER
    assert identity["providerType"] == "OIDC" and identity["primary"] == "true"
    assert identity["issuer"] is None     # null for OIDC providers, as AWS's tokens show
    access = jwt.decode(tokens.json()["access_token"], options={"verify_signature": False})
    assert access["username"] == f"{PROVIDER}_{sub}"


def test_attribute_mapping_applies_on_every_sign_in(federation):
    """AWS, Specifying identity provider attribute mappings: updated at each sign-in."""
    carol = federation.carol
    carol.claims["name"] = "Carol Renamed"
    try:
        hop = first_hop(federation)
        answer = back_at_cognito(hop, sign_in_at_idp(federation, hop))
        code = query_of(answer.headers["Location"])["code"]
        claims = jwt.decode(redeem(federation, code, hop.verifier).json()["id_token"],
                            options={"verify_signature": False})
        assert claims["name"] == "Carol Renamed"
    finally:
        carol.claims["name"] = "Carol Corp"
    user = federation.lab.client("cognito-idp").admin_get_user(
        UserPoolId=federation.pool_id, Username=f"{PROVIDER}_{carol.sub}")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert json.loads(attributes["identities"])[0]["userId"] == carol.sub


def test_unknown_provider_goes_back_to_the_app(federation):
    """AWS, Authorize endpoint: a provider the client doesn't support is refused."""
    answer = requests.get(f"{federation.lab.domain_url}/oauth2/authorize", params={
        "response_type": "code", "client_id": federation.client_id, "redirect_uri": CALLBACK,
        "state": "s", "identity_provider": "Nope"}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    assert query_of(answer.headers["Location"])["error"] == "invalid_request"


def test_session_cookie_covers_the_whole_domain(federation):
    """AWS, Logout endpoint: /logout ends the session a federated sign-in started, so the
    ``cognito`` cookie set at /oauth2/idpresponse must reach /logout and /login: its Path
    is the domain's root (behind jupyter-server-proxy, the prefix's root), not /oauth2."""
    for prefix, expected in (("", "/"), ("/user/ada/proxy/8123", "/user/ada/proxy/8123/")):
        hop = first_hop(federation)
        headers = {"X-Forwarded-Prefix": prefix} if prefix else {}
        answer = hop.browser.get(sign_in_at_idp(federation, hop), headers=headers,
                                 allow_redirects=False, timeout=10)
        assert answer.status_code == 302
        cookie = answer.headers["Set-Cookie"]
        assert cookie.startswith("cognito=")
        assert f"Path={expected};" in cookie or cookie.endswith(f"Path={expected}")
