"""A federated sign-in in which every party but Cognito is software nobody here wrote.

- The app: panva's openid-client (drive_openid_client.mjs). It discovers the pool from
  its issuer's /.well-known/openid-configuration, builds the authorization URL (PKCE S256,
  state, nonce, ``identity_provider=<provider>``), redeems the callback with
  ``authorizationCodeGrant`` (state, nonce, PKCE, the ID token's signature against the
  pool's JWKS) and reads the user's attributes from /oauth2/userInfo.
- Cognito: the lab.
- The IdP: panva's oidc-provider (oidc_provider_idp.mjs), or samlify (saml_idp.mjs), set
  up as in test_federation_oidc_provider.py and test_federation_saml_idp.py.
- The relying API: awslabs' aws-jwt-verify (judge_aws_jwt_verify.js) judges the federated
  user's ID and access tokens for the pool and the app client.

The test is only the browser: it follows redirects and fills in the IdP's sign-in form,
one request at a time, as federation_flow.py does.

AWS pages: "Authorize endpoint" (identity_provider), "OIDC user pool IdP authentication
flow", "Using SAML identity providers with a user pool", "IdP response endpoint", "The IdP
SAML assertion endpoint", "Token endpoint", "userInfo endpoint", "Using PKCE in
authorization code grants", "Verifying a JSON Web Token", "Understanding the identity
(ID) token" (``identities``, ``cognito:username``).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from cognito_lab.cognito_ids import issuer, jwks_url
from cognito_lab.lab import new_password

from .conftest import NodeSteps
from .federation_flow import (
    CALLBACK,
    FederatedPool,
    SignIn,
    federate,
    new_pool,
    query_of,
)
from .test_federation_oidc_provider import sign_in_at_idp
from .test_federation_saml_idp import EMAIL, NAME, at_the_idp, signing_key_and_certificate

APP = "drive_openid_client.mjs"
JUDGE = "judge_aws_jwt_verify.js"
OIDC_PROVIDER, SAML_PROVIDER = "CorpNodeApp", "CorpSamlApp"
SCOPE = "openid email profile"


def an_account(prefix: str) -> dict[str, str]:
    number = uuid.uuid4().hex[:8]
    return {"sub": f"{prefix}-{number}", "username": f"{prefix}-user-{number}",
            "password": new_password(), "email": f"{prefix}-{number}@corp.example",
            "name": f"{prefix.title()} Third-Party"}


@dataclass(frozen=True)
class Corp:
    """A pool federating to one npm IdP, and how the browser gets through that IdP."""

    pool: FederatedPool
    provider: str
    provider_type: str
    account: dict[str, str]
    idp_url: str                        # where Cognito's first hop must go
    through_idp: Callable[[SignIn], requests.Response]  # the IdP's pages; Cognito's answer


# -- the IdPs, each with its pool ----------------------------------------------------------


@pytest.fixture(scope="module")
def oidc_corp(node_project, lab) -> Iterator[Corp]:
    """oidc-provider, its client registered for the lab's /oauth2/idpresponse; a pool that
    names it by its issuer."""
    account = an_account("oidc")
    registration = {"clientId": f"cognito-{uuid.uuid4().hex[:8]}",
                    "clientSecret": secrets.token_urlsafe(32)}
    with node_project.steps("oidc_provider_idp.mjs", account=account, **registration,
                            redirectUri=f"{lab.domain_url}/oauth2/idpresponse") as idp:
        pool = federate(lab, new_pool(lab, "all-npm-oidc"), {OIDC_PROVIDER: {
            "ProviderType": "OIDC",
            "ProviderDetails": {
                "client_id": registration["clientId"],
                "client_secret": registration["clientSecret"],
                "authorize_scopes": SCOPE, "attributes_request_method": "GET",
                "oidc_issuer": idp.started["issuer"]},
            "AttributeMapping": {"username": "sub", "email": "email",
                                 "email_verified": "email_verified", "name": "name"}}})

        def through_idp(sign_in: SignIn) -> requests.Response:
            return sign_in.back_at_cognito(sign_in_at_idp(sign_in, account))

        authorize = requests.get(f"{idp.started['issuer']}/.well-known/openid-configuration",
                                 timeout=10).json()["authorization_endpoint"]
        yield Corp(pool, OIDC_PROVIDER, "OIDC", account, authorize, through_idp)


@pytest.fixture(scope="module")
def saml_corp(node_project, lab) -> Iterator[Corp]:
    """samlify's IdP, its service provider a new pool; the pool reads its metadata URL."""
    account = an_account("saml")
    pool_id = new_pool(lab, "all-npm-saml")
    key_pem, cert_pem = signing_key_and_certificate()
    with node_project.steps("saml_idp.mjs", spEntityId=f"urn:amazon:cognito:sp:{pool_id}",
                            acsUrl=f"{lab.domain_url}/saml2/idpresponse", keyPem=key_pem,
                            certPem=cert_pem, account=account) as idp:
        pool = federate(lab, pool_id, {SAML_PROVIDER: {
            "ProviderType": "SAML", "AttributeMapping": {"email": EMAIL, "name": NAME},
            "ProviderDetails": {"MetadataURL": idp.started["metadataUrl"]}}})

        def through_idp(sign_in: SignIn) -> requests.Response:
            acs, form = at_the_idp(sign_in, account)
            assert acs == f"{lab.domain_url}/saml2/idpresponse"
            return sign_in.back_at_cognito(acs, form)

        yield Corp(pool, SAML_PROVIDER, "SAML", account, idp.started["ssoUrl"], through_idp)


@pytest.fixture(params=["oidc_corp", "saml_corp"])
def corp(request) -> Corp:
    return request.getfixturevalue(request.param)


# -- the app -------------------------------------------------------------------------------


@contextmanager
def app_for(node_project, corp: Corp) -> Iterator[NodeSteps]:
    """openid-client for the pool's app client (public: PKCE, no secret), configured by
    discovery at the pool's issuer."""
    lab, pool_id = corp.pool.lab, corp.pool.pool_id
    pool_issuer = issuer(lab.region, pool_id)
    clients = {"app": {"clientId": corp.pool.client_id, "clientSecret": None,
                       "redirectUri": CALLBACK}}
    with node_project.steps(APP, issuer=pool_issuer, labUrl=lab.endpoint_url,
                            domainUrl=lab.domain_url, userPoolId=pool_id,
                            jwksUrl=jwks_url(f"{lab.endpoint_url}/{pool_id}"),
                            clients=clients) as driver:
        found = driver.ok("configure", name="app", client="app", source="discovery",
                          auth="none")
        assert found["issuer"] == pool_issuer
        assert found["jwks_uri"] == jwks_url(f"{lab.endpoint_url}/{pool_id}")
        yield driver


@pytest.fixture
def app(node_project, corp) -> Iterator[NodeSteps]:
    with app_for(node_project, corp) as driver:
        yield driver


def to_the_idp(app: NodeSteps, corp: Corp) -> tuple[dict[str, Any], SignIn]:
    """openid-client's authorization URL naming the IdP, opened by a new browser: Cognito
    sends it on to the IdP (no Cognito sign-in page)."""
    started = app.ok("authorizationUrl", name="app", scope=SCOPE,
                     parameters={"identity_provider": corp.provider})
    browser = requests.Session()
    first = browser.get(started["url"], allow_redirects=False, timeout=10)
    assert first.status_code == 302, first.text[:500]
    at_idp = first.headers["Location"]
    assert at_idp.startswith(f"{corp.idp_url}?"), at_idp
    # openid-client holds the PKCE verifier: SignIn.redeem is not used here
    return started, SignIn(corp.pool, browser, verifier="", at_idp=at_idp)


def at_the_app(back: requests.Response) -> str:
    """Cognito's last redirect: the app's callback URL."""
    assert back.status_code == 302, (back.status_code, back.text[:500])
    callback = back.headers["Location"]
    assert callback.startswith(f"{CALLBACK}?"), callback
    return callback


# -- the relying API -----------------------------------------------------------------------


def aws_jwt_verify(node_project, corp: Corp, tokens: dict[str, Any],
                   client_id: str) -> dict[str, dict[str, Any]]:
    """aws-jwt-verify's verdicts on the ID and access tokens for the pool and
    ``client_id``, at the lab's now, with the pool's JWKS as the lab serves it."""
    lab = corp.pool.lab
    keys = requests.get(jwks_url(f"{lab.endpoint_url}/{corp.pool.pool_id}"), timeout=10)
    assert keys.status_code == 200
    cases = [{"name": use, "token": tokens[f"{use}_token"], "jwks": keys.json(),
              "now_ms": int(lab.clock.now() * 1000),
              "verifier": {"userPoolId": corp.pool.pool_id, "tokenUse": use,
                           "clientId": client_id}}
             for use in ("id", "access")]
    answer = node_project.run_json(JUDGE, {"cases": cases})
    return {verdict["name"]: verdict for verdict in answer["verdicts"]}


# -- the test ------------------------------------------------------------------------------


def test_openid_client_signs_in_through_the_idp_and_aws_jwt_verify_accepts(
        node_project, lab, corp, app):
    """AWS, "Authorize endpoint" (identity_provider), "OIDC user pool IdP authentication
    flow" / "Using SAML identity providers with a user pool", "Token endpoint", "userInfo
    endpoint", "Verifying a JSON Web Token": the app's authorization request with
    ``identity_provider`` sends the browser straight to the IdP; after the IdP's sign-in
    Cognito redirects to the app with a code and the app's state; openid-client's checks
    of the code grant (state, PKCE, nonce, the ID token's signature) and of userInfo pass;
    aws-jwt-verify accepts both tokens for the pool and the app client; the user is
    ``<ProviderName>_<subject at the IdP>`` with a primary ``identities`` entry."""
    # the browser: the app's URL -> (Cognito) -> the IdP -> (Cognito) -> the app's callback
    started, sign_in = to_the_idp(app, corp)
    asked = query_of(started["url"])
    assert started["url"].startswith(f"{lab.domain_url}/oauth2/authorize?")
    assert asked["identity_provider"] == corp.provider
    assert asked["client_id"] == corp.pool.client_id and asked["redirect_uri"] == CALLBACK
    assert asked["code_challenge_method"] == "S256" and asked["code_challenge"]
    assert asked["state"] == started["state"] and asked["nonce"] == started["nonce"]
    callback = at_the_app(corp.through_idp(sign_in))

    granted = app.ok("callback", name="app", callbackUrl=callback)
    tokens = granted["tokens"]
    [token_call] = [r for r in granted["requests"] if r["url"].endswith("/oauth2/token")]
    assert "code_verifier" in token_call["body"]["keys"]
    assert token_call["body"]["client_id"] == corp.pool.client_id

    subject = corp.account["sub"]
    username = f"{corp.provider}_{subject}"
    claims = tokens["claims"]                               # what openid-client validated
    assert claims["cognito:username"] == username
    assert claims["nonce"] == started["nonce"] and claims["aud"] == corp.pool.client_id
    assert claims["email"] == corp.account["email"] and claims["name"] == corp.account["name"]
    [identity] = claims["identities"]
    assert identity["userId"] == subject and identity["providerName"] == corp.provider
    assert identity["providerType"] == corp.provider_type and identity["primary"] == "true"

    info = app.ok("userinfo", name="app", accessToken=tokens["access_token"],
                  sub=claims["sub"])["userinfo"]
    assert info["sub"] == claims["sub"] and info["username"] == username
    assert info["email"] == corp.account["email"]

    judged = aws_jwt_verify(node_project, corp, tokens, corp.pool.client_id)
    assert judged["id"]["valid"] and judged["access"]["valid"], judged
    assert judged["id"]["claims"] == claims
    assert judged["access"]["claims"]["username"] == username
    assert judged["access"]["claims"]["sub"] == claims["sub"]
    assert judged["access"]["claims"]["client_id"] == corp.pool.client_id
    assert set(judged["access"]["claims"]["scope"].split()) == set(SCOPE.split())

    # the same tokens for another app client: aws-jwt-verify refuses them (it does check)
    other = aws_jwt_verify(node_project, corp, tokens, lab.app_clients["web"].client_id)
    assert not other["id"]["valid"] and not other["access"]["valid"], other


def test_the_idps_refusal_reaches_openid_client_as_its_oauth_error(node_project, oidc_corp):
    """AWS, "Managed login and federation error responses": an OIDC IdP's standard error
    goes back to the app's callback in ``error`` with the app's state. The user cancels
    at oidc-provider's form (access_denied); openid-client, having checked the state,
    reports the authorization server's error and redeems nothing."""
    with app_for(node_project, oidc_corp) as app:
        _, sign_in = to_the_idp(app, oidc_corp)
        callback = at_the_app(sign_in.back_at_cognito(
            sign_in_at_idp(sign_in, oidc_corp.account, action="cancel")))
        refused = app.refused("callback", name="app", callbackUrl=callback)
    assert refused["error"] == "access_denied", refused
