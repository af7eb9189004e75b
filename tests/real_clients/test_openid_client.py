"""openid-client v6 (npm; panva's certified OpenID Connect client) against the hosted UI.

The app's side runs in node (drive_openid_client.mjs: authorization URL with PKCE, nonce and
state; code grant with ID-token validation; refresh; userinfo; revocation; client
credentials); the user's browser is played here, filling in the sign-in form the lab
serves (cognito_lab.client.oauth.Browser, as tests/hosted_ui does).

The server metadata: issuer = the AWS issuer the tokens carry, endpoints on the lab,
jwks_uri = lab.jwks_url; given directly (``new Configuration(...)``) or discovered from
the AWS issuer's /.well-known/openid-configuration, its requests carried to the lab.
openid-client checks the ID token's signature (enableNonRepudiationChecks), iss, aud,
exp/iat and nonce; it does not check at_hash in the code flow (OpenID Connect Core
3.1.3.6 makes it optional there), so the test does (3.1.3.8).

AWS pages: "Authorize endpoint", "Token endpoint", "userInfo endpoint", "Revoke endpoint",
"Using PKCE in authorization code grants", "Scopes, M2M, and resource servers".
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from cognito_lab.client.oauth import Browser

from .helpers import fresh_user, verified

SCRIPT = "drive_openid_client.mjs"


def left_half_sha256(value: str) -> str:
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


@pytest.fixture(scope="module")
def plus_m2m(lab):
    """A client_credentials client whose (AWS-shaped) secret contains '+': RFC 6749's
    client_secret_basic form-urlencodes it to %2B before base64, which openid-client does."""
    idp = lab.client("cognito-idp")
    for attempt in range(40):
        made = idp.create_user_pool_client(
            UserPoolId=lab.user_pool_id, ClientName=f"m2m-plus-{attempt}", GenerateSecret=True,
            AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
        if "+" in made["ClientSecret"]:
            return made
    pytest.fail("40 new client secrets without a '+'")


@pytest.fixture
def oidc(node_project, lab, plus_m2m):
    clients = {name: {"clientId": app.client_id, "clientSecret": app.client_secret,
                      "redirectUri": (app.callback_urls or (None,))[0]}
               for name, app in lab.app_clients.items()}
    clients["m2m-plus"] = {"clientId": plus_m2m["ClientId"],
                           "clientSecret": plus_m2m["ClientSecret"], "redirectUri": None}
    with node_project.steps(SCRIPT, issuer=lab.issuer, labUrl=lab.endpoint_url,
                            domainUrl=lab.domain_url, jwksUrl=lab.jwks_url,
                            userPoolId=lab.user_pool_id, clients=clients) as driver:
        yield driver


def sign_in(oidc, lab, name: str, user, scope: str = "openid email profile") -> dict:
    """authorization URL (node) -> the sign-in form (the browser) -> code grant (node)."""
    started = oidc.ok("authorizationUrl", name=name, scope=scope)
    callback = Browser().sign_in(started["url"], user.username, user.password).callback_url
    granted = oidc.ok("callback", name=name, callbackUrl=callback)
    granted["nonce"], granted["callbackUrl"] = started["nonce"], callback
    return granted


def check_code_flow_tokens(lab, granted: dict, client: str, user) -> dict:
    tokens = granted["tokens"]
    claims = verified(lab, tokens["id_token"], "id", client)
    access = verified(lab, tokens["access_token"], "access", client)
    assert tokens["claims"] == claims                    # what openid-client validated
    assert claims["nonce"] == granted["nonce"]
    assert claims["at_hash"] == left_half_sha256(tokens["access_token"])
    assert claims["email"] == user.username and access["sub"] == claims["sub"]
    assert tokens["token_type"].lower() == "bearer" and tokens["refresh_token"]
    return claims


def test_the_pinned_version_runs(oidc):
    pinned = json.loads((Path(__file__).parent / "package.json").read_text())
    assert oidc.started["version"] == pinned["dependencies"]["openid-client"]


def test_discovery_from_the_aws_issuer_names_the_lab_endpoints(oidc, lab):
    found = oidc.ok("configure", name="web", client="web", source="discovery", auth="none")
    assert [r["url"] for r in found["requests"]] == [
        f"{lab.endpoint_url}/{lab.user_pool_id}/.well-known/openid-configuration"]
    assert found["issuer"] == lab.issuer
    assert found["authorization_endpoint"] == f"{lab.domain_url}/oauth2/authorize"
    assert found["token_endpoint"] == f"{lab.domain_url}/oauth2/token"
    assert found["userinfo_endpoint"] == f"{lab.domain_url}/oauth2/userInfo"
    assert found["revocation_endpoint"] == f"{lab.domain_url}/oauth2/revoke"
    assert found["jwks_uri"] == lab.jwks_url


@pytest.mark.parametrize("source", ["metadata", "discovery"])
def test_code_pkce_and_nonce_for_the_public_client(oidc, lab, source):
    oidc.ok("configure", name="web", client="web", source=source, auth="none")
    user = fresh_user(lab, "oidc")
    granted = sign_in(oidc, lab, "web", user)
    check_code_flow_tokens(lab, granted, "web", user)
    token_call = [r for r in granted["requests"] if r["url"].endswith("/oauth2/token")]
    assert len(token_call) == 1
    assert token_call[0]["authorization"] is None          # a public client: no secret
    assert token_call[0]["body"]["client_id"] == lab.app_clients["web"].client_id
    assert "code_verifier" in token_call[0]["body"]["keys"]
    # the same code again: refused by the lab (RFC 6749 §4.1.2: use once)
    replay = oidc.refused("callback", name="web", callbackUrl=granted["callbackUrl"])
    assert replay["error"] == "invalid_grant"


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_code_flow_for_the_confidential_client(oidc, lab, auth):
    oidc.ok("configure", name="server", client="server", source="metadata", auth=auth)
    user = fresh_user(lab, "oidcsrv")
    granted = sign_in(oidc, lab, "server", user, scope="openid email orders/read")
    check_code_flow_tokens(lab, granted, "server", user)
    access = verified(lab, granted["tokens"]["access_token"], "access", "server",
                      scope="orders/read")
    assert set(access["scope"].split()) == {"openid", "email", "orders/read"}
    token_calls = [r for r in granted["requests"] if r["url"].endswith("/oauth2/token")]
    assert len(token_calls) == 1
    token_call = token_calls[0]
    server = lab.app_clients["server"]
    if auth == "basic":
        assert token_call["authorization"] == "Basic"
        assert token_call["basic"] == f"{quote_plus(server.client_id)}:" \
                                      f"{quote_plus(server.client_secret)}"
        assert "client_secret" not in token_call["body"]["keys"]
    else:
        assert token_call["authorization"] is None
        assert token_call["body"]["client_secret"] == server.client_secret


def test_refresh_gives_a_new_validated_id_token(oidc, lab):
    oidc.ok("configure", name="web", client="web", source="metadata", auth="none")
    user = fresh_user(lab, "oidcrefresh")
    granted = sign_in(oidc, lab, "web", user)
    first = check_code_flow_tokens(lab, granted, "web", user)
    lab.clock.advance(seconds=5)
    refreshed = oidc.ok("refresh", name="web",
                        refreshToken=granted["tokens"]["refresh_token"])["tokens"]
    claims = verified(lab, refreshed["id_token"], "id", "web")
    access = verified(lab, refreshed["access_token"], "access", "web")
    assert refreshed["claims"] == claims
    assert claims["sub"] == first["sub"] and claims["iat"] > first["iat"]
    assert access["sub"] == first["sub"]
    assert refreshed["refresh_token"] is None     # no rotation: the old one stays valid


def test_userinfo_answers_for_the_tokens_subject(oidc, lab):
    oidc.ok("configure", name="web", client="web", source="metadata", auth="none")
    user = fresh_user(lab, "oidcinfo")
    granted = sign_in(oidc, lab, "web", user)
    claims = check_code_flow_tokens(lab, granted, "web", user)
    info = oidc.ok("userinfo", name="web", accessToken=granted["tokens"]["access_token"],
                   sub=claims["sub"])["userinfo"]
    assert info["sub"] == claims["sub"]
    assert info["email"] == user.username
    assert info["email_verified"] == "true"        # a string, as Cognito stores it


def test_revoking_the_refresh_token_ends_the_session(oidc, lab):
    oidc.ok("configure", name="web", client="web", source="metadata", auth="none")
    user = fresh_user(lab, "oidcrevoke")
    granted = sign_in(oidc, lab, "web", user)
    claims = check_code_flow_tokens(lab, granted, "web", user)
    tokens = granted["tokens"]
    revoked = oidc.ok("revoke", name="web", token=tokens["refresh_token"])
    assert [r["url"] for r in revoked["requests"]] == [f"{lab.domain_url}/oauth2/revoke"]
    refused = oidc.refused("refresh", name="web", refreshToken=tokens["refresh_token"])
    assert refused["error"] == "invalid_grant"
    # the access tokens that refresh token issued are revoked with it
    info = oidc.refused("userinfo", name="web", accessToken=tokens["access_token"],
                        sub=claims["sub"])
    assert info["status"] == 401


@pytest.mark.parametrize("auth", ["basic", "post"])
@pytest.mark.parametrize("client", ["m2m", "m2m-plus"])
def test_client_credentials(oidc, lab, plus_m2m, client, auth):
    oidc.ok("configure", name=client, client=client, source="metadata", auth=auth)
    granted = oidc.ok("clientCredentials", name=client, scope="orders/read")
    tokens = granted["tokens"]
    assert tokens["id_token"] is None and tokens["refresh_token"] is None
    client_id = (lab.app_clients["m2m"].client_id if client == "m2m"
                 else plus_m2m["ClientId"])
    secret = (lab.app_clients["m2m"].client_secret if client == "m2m"
              else plus_m2m["ClientSecret"])
    access = verified(lab, tokens["access_token"], "access", client_id=client_id,
                      scope="orders/read")
    assert access["sub"] == client_id and access["scope"] == "orders/read"
    call = granted["requests"][0]
    if auth == "basic":
        assert call["basic"] == f"{quote_plus(client_id)}:{quote_plus(secret)}"
    else:
        assert call["authorization"] is None and call["body"]["client_secret"] == secret
