"""OIDC federation with an IdP nobody here wrote: panva's oidc-provider (npm, OpenID
Certified), configured through CreateIdentityProvider as a user configures Okta.

The IdP runs in node (oidc_provider_idp.mjs, on 127.0.0.1): one confidential client whose
redirect URI is the lab's /oauth2/idpresponse and whose token endpoint takes
client_secret_post only, one account, a sign-in form. The lab discovers its endpoints from
``oidc_issuer``; the browser is played here with ``requests``, one redirect at a time:
/oauth2/authorize -> the IdP's sign-in form -> /oauth2/idpresponse -> the app's callback;
the app redeems its code at /oauth2/token.

AWS pages: "Using OIDC identity providers with a user pool" (the IdP's requirements:
client_secret_post, not client_secret_basic), "OIDC user pool IdP authentication flow",
"IdP response endpoint", "Authorize endpoint", "Specifying identity provider attribute
mappings for your user pool", "Managed login and federation error responses";
API reference: CreateIdentityProvider.
"""

from __future__ import annotations

import json
import secrets
import uuid
from pathlib import Path

import pytest
import requests

from cognito_lab.lab import new_password

from .federation_flow import (
    APP_STATE,
    CALLBACK,
    FederatedPool,
    federate,
    first_hop,
    new_pool,
    query_of,
)

SCRIPT = "oidc_provider_idp.mjs"
PROVIDER = "CorpNode"
PACKAGE = "oidc-provider"


@pytest.fixture(scope="module")
def account() -> dict[str, str]:
    number = uuid.uuid4().hex[:8]
    return {"sub": f"corp-{number}", "username": f"dana-{number}", "password": new_password(),
            "email": f"dana-{number}@corp.example", "name": "Dana Node"}


@pytest.fixture(scope="module")
def registration() -> dict[str, str]:
    """The client the IdP's administrator registers for the user pool."""
    return {"clientId": f"cognito-{uuid.uuid4().hex[:8]}",
            "clientSecret": secrets.token_urlsafe(32)}


@pytest.fixture(scope="module")
def idp(node_project, lab, account, registration):
    """oidc-provider, its client registered for the lab's /oauth2/idpresponse."""
    with node_project.steps(SCRIPT, redirectUri=f"{lab.domain_url}/oauth2/idpresponse",
                            account=account, **registration) as driver:
        yield driver


@pytest.fixture(scope="module")
def corp(lab, idp, registration) -> FederatedPool:
    """The pool, with the IdP added as an administrator adds Okta: client id and secret,
    scopes, the userInfo method and the issuer; Cognito discovers the rest."""
    return federate(lab, new_pool(lab, "npm-oidc"), {PROVIDER: {
        "ProviderType": "OIDC",
        "ProviderDetails": {
            "client_id": registration["clientId"],
            "client_secret": registration["clientSecret"],
            "authorize_scopes": "openid email profile", "attributes_request_method": "GET",
            "oidc_issuer": idp.started["issuer"]},
        "AttributeMapping": {"username": "sub", "email": "email",
                             "email_verified": "email_verified", "name": "name"}}})


def discovery(idp) -> dict:
    answer = requests.get(f"{idp.started['issuer']}/.well-known/openid-configuration",
                          timeout=10)
    assert answer.status_code == 200
    return answer.json()


def sign_in_at_idp(sign_in, account, action: str = "sign-in") -> str:
    """The IdP's form, filled in: return the URL the IdP sends the browser back to."""
    form = sign_in.browser.get(sign_in.at_idp, timeout=10)        # /auth -> /interaction/…
    assert form.status_code == 200 and 'name="password"' in form.text, form.text[:500]
    posted = sign_in.browser.post(form.url, allow_redirects=False, timeout=10, data={
        "username": account["username"], "password": account["password"], "action": action})
    assert posted.status_code in (302, 303), posted.text[:500]
    return sign_in.follow(posted.headers["Location"],
                          until=f"{sign_in.pool.lab.domain_url}/oauth2/idpresponse")


def signed_in(corp, account) -> tuple[dict, dict]:
    """The whole flow: the ID token's and access token's claims."""
    sign_in = first_hop(corp)
    return sign_in.tokens_at_callback(sign_in.back_at_cognito(sign_in_at_idp(sign_in, account)))


def test_the_pinned_version_runs(idp):
    pinned = json.loads((Path(__file__).parent / "package.json").read_text())
    assert idp.started["version"] == pinned["dependencies"][PACKAGE]


def test_create_identity_provider_discovers_the_idps_endpoints(corp, idp):
    """AWS, CreateIdentityProvider / "Using OIDC identity providers with a user pool":
    Cognito reads the issuer's discovery document and keeps the endpoints it names."""
    described = corp.lab.client("cognito-idp").describe_identity_provider(
        UserPoolId=corp.pool_id, ProviderName=PROVIDER)["IdentityProvider"]
    details, found = described["ProviderDetails"], discovery(idp)
    assert found["issuer"] == idp.started["issuer"] == details["oidc_issuer"]
    assert details["authorize_url"] == found["authorization_endpoint"]
    assert details["token_url"] == found["token_endpoint"]
    assert details["attributes_url"] == found["userinfo_endpoint"]
    assert details["jwks_uri"] == found["jwks_uri"]


def test_first_hop_is_an_authorization_request_the_idp_accepts(corp, idp, registration):
    """AWS, Authorize endpoint (identity_provider) and "OIDC user pool IdP authentication
    flow": the browser goes to the IdP's authorization endpoint with Cognito's client id,
    its /oauth2/idpresponse, the provider's scopes and Cognito's own state and nonce; the
    IdP accepts it and shows its sign-in form."""
    sign_in = first_hop(corp)
    assert sign_in.at_idp.startswith(f"{discovery(idp)['authorization_endpoint']}?")
    sent = query_of(sign_in.at_idp)
    assert sent["client_id"] == registration["clientId"]
    assert sent["redirect_uri"] == f"{corp.lab.domain_url}/oauth2/idpresponse"
    assert sent["response_type"] == "code" and sent["scope"] == "openid email profile"
    assert sent["state"] != APP_STATE and sent["nonce"]
    form = sign_in.browser.get(sign_in.at_idp, timeout=10)
    assert form.status_code == 200 and 'name="password"' in form.text


def test_the_whole_flow_signs_in_a_federated_user(corp, idp, account):
    """AWS, "OIDC user pool IdP authentication flow", "IdP response endpoint" and
    "Specifying identity provider attribute mappings for your user pool": the user is
    ``<ProviderName>_<sub>`` with ``identities`` and the mapped attributes; the app's code
    redeems for tokens the kit's verifier accepts."""
    claims, access = signed_in(corp, account)
    username = f"{PROVIDER}_{account['sub']}"
    assert claims["cognito:username"] == username and access["username"] == username
    assert access["sub"] == claims["sub"]
    assert claims["email"] == account["email"] and claims["name"] == account["name"]
    assert claims["email_verified"] is True
    assert claims["cognito:groups"] == [f"{corp.pool_id}_{PROVIDER}"]
    [identity] = claims["identities"]
    assert identity["userId"] == account["sub"] and identity["providerName"] == PROVIDER
    assert identity["providerType"] == "OIDC" and identity["primary"] == "true"


def test_cognito_authenticates_with_client_secret_post_and_reads_userinfo(corp, idp, account):
    """AWS, "Using OIDC identity providers with a user pool": the IdP must support
    client_secret_post; Cognito doesn't support client_secret_basic. This IdP's client
    accepts client_secret_post only. The email and name reach the user pool from the
    userInfo endpoint (attributes_request_method GET): oidc-provider keeps scope claims out
    of an ID token issued beside an access token (OIDC Core 5.4)."""
    before = len(idp.ok("requests")["requests"])
    claims, _ = signed_in(corp, account)
    made = idp.ok("requests")["requests"][before:]
    [token] = [r for r in made if r["path"] == "/token"]
    assert token["method"] == "POST" and token["status"] == 200
    assert token["authorization"] is None                    # no HTTP Basic
    assert {"client_id", "client_secret", "code", "grant_type",
            "redirect_uri"} <= set(token["bodyKeys"])
    assert "email" not in token["idTokenClaims"] and "name" not in token["idTokenClaims"]
    [userinfo] = [r for r in made if r["path"] == "/me"]
    assert userinfo["method"] == "GET" and userinfo["status"] == 200
    assert userinfo["authorization"] == "Bearer"
    assert claims["email"] == account["email"]


def test_signing_in_again_is_the_same_user(corp, account):
    """AWS, "OIDC user pool IdP authentication flow": Cognito creates *or updates* the
    user: a second sign-in through the IdP finds the same user pool user."""
    first, _ = signed_in(corp, account)
    second, _ = signed_in(corp, account)
    assert second["sub"] == first["sub"]
    assert second["cognito:username"] == first["cognito:username"]


def test_the_idps_error_goes_back_to_the_app(corp, account):
    """AWS, "Managed login and federation error responses": when an OIDC IdP returns a
    standard error, Cognito redirects the user to the callback URL with it in ``error``.
    The user cancels at the IdP's form; oidc-provider answers access_denied."""
    sign_in = first_hop(corp)
    answer = sign_in.back_at_cognito(sign_in_at_idp(sign_in, account, action="cancel"))
    assert answer.status_code == 302, answer.headers
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK)
    back = query_of(location)
    assert back["error"] == "access_denied" and back["error_description"]
    assert back["state"] == APP_STATE and "code" not in back
