"""A user pool federating to an npm IdP, and the browser's part of a federated sign-in.

What the two federation tests share (test_federation_oidc_provider.py,
test_federation_saml_idp.py): a pool with plain usernames (moto refuses
``<Provider>_<sub>`` in an email-username pool, docs/fidelity.md), an app client that
supports the provider, the first hop at ``/oauth2/authorize?identity_provider=...``, the
browser following redirects one at a time, and the app's code redeemed and verified with
the kit's verifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests

from cognito_lab.api import CognitoJwtVerifier
from cognito_lab.client import pkce
from cognito_lab.cognito_ids import jwks_url

CALLBACK = "http://localhost:8000/callback"
APP_STATE = "app-state-1"
HOPS = 10


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@dataclass(frozen=True)
class FederatedPool:
    lab: Any
    pool_id: str
    client_id: str
    providers: tuple[str, ...]


def new_pool(lab: Any, name: str) -> str:
    """A user pool with plain usernames; its id (a SAML IdP needs it before the pool
    names the IdP: the pool's SP entity ID is ``urn:amazon:cognito:sp:<pool id>``)."""
    return lab.client("cognito-idp").create_user_pool(PoolName=name)["UserPool"]["Id"]


def federate(lab: Any, pool_id: str, providers: dict[str, dict[str, Any]]) -> FederatedPool:
    """Add each provider as an administrator does (CreateIdentityProvider: name ->
    {ProviderType, ProviderDetails, AttributeMapping}) and an app client whose
    SupportedIdentityProviders name them all."""
    cognito = lab.client("cognito-idp")
    for name, provider in providers.items():
        cognito.create_identity_provider(UserPoolId=pool_id, ProviderName=name, **provider)
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="federated-web", CallbackURLs=[CALLBACK],
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email", "profile"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO", *providers])["UserPoolClient"]["ClientId"]
    return FederatedPool(lab, pool_id, client_id, tuple(providers))


@dataclass
class SignIn:
    """One browser's federated sign-in: its cookies, its PKCE verifier, where it is."""

    pool: FederatedPool
    browser: requests.Session
    verifier: str
    at_idp: str             # where Cognito sent the browser first

    def follow(self, url: str, until: str) -> str:
        """GET ``url`` and each Location after it; return the first Location that starts
        with ``until`` (not requested)."""
        for _ in range(HOPS):
            answer = self.browser.get(url, allow_redirects=False, timeout=10)
            assert answer.status_code in (301, 302, 303, 307), \
                f"{url} answered {answer.status_code}: {answer.text[:500]}"
            url = urljoin(url, answer.headers["Location"])
            if url.startswith(until):
                return url
        raise AssertionError(f"no redirect to {until} within {HOPS} hops")

    def back_at_cognito(self, url: str, form: dict[str, str] | None = None) -> requests.Response:
        """The browser arrives at Cognito's IdP response endpoint: a GET of ``url`` (OIDC)
        or, given ``form``, a POST of it (SAML's HTTP-POST binding)."""
        if form is not None:
            return self.browser.post(url, data=form, allow_redirects=False, timeout=10)
        return self.browser.get(url, allow_redirects=False, timeout=10)

    def tokens_at_callback(self, answer: requests.Response) -> tuple[dict, dict]:
        """Cognito's answer to the IdP's response sends the browser to the app's callback
        with a code and the app's own state; the code redeemed, the verified claims of the
        ID and access tokens."""
        assert answer.status_code == 302, (answer.status_code, answer.headers,
                                           answer.text[:1000])
        location = answer.headers["Location"]
        assert location.startswith(CALLBACK), location
        back = query_of(location)
        assert back["state"] == APP_STATE and "error" not in back, back
        return verified_tokens(self.pool, self.redeem(back["code"]))

    def redeem(self, code: str) -> dict[str, str]:
        """The app's code grant (a public client with PKCE), as an app sends it."""
        answer = requests.post(f"{self.pool.lab.domain_url}/oauth2/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "client_id": self.pool.client_id, "code_verifier": self.verifier}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()


def first_hop(pool: FederatedPool, provider: str | None = None) -> SignIn:
    """The app sends the browser to ``/oauth2/authorize?identity_provider=<provider>``
    (the pool's first provider unless named); Cognito answers with a redirect to the IdP."""
    verifier = pkce.new_verifier()
    query = {"response_type": "code", "client_id": pool.client_id, "redirect_uri": CALLBACK,
             "scope": "openid email profile", "state": APP_STATE,
             "code_challenge": pkce.s256_challenge(verifier), "code_challenge_method": "S256",
             "identity_provider": provider or pool.providers[0]}
    browser = requests.Session()
    answer = browser.get(f"{pool.lab.domain_url}/oauth2/authorize?{urlencode(query)}",
                         allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return SignIn(pool, browser, verifier, answer.headers["Location"])


def verified_tokens(pool: FederatedPool, tokens: dict[str, str]) -> tuple[dict, dict]:
    """The ID and access tokens' claims, after the kit's verifier accepted them for the
    pool and its app client."""
    lab = pool.lab
    keys = jwks_url(f"{lab.endpoint_url}/{pool.pool_id}")
    claims = [CognitoJwtVerifier(user_pool_id=pool.pool_id, token_use=use,
                                 client_id=pool.client_id, region=lab.region, jwks_url=keys,
                                 clock=lab.clock).verify(tokens[f"{use}_token"])
              for use in ("id", "access")]
    return claims[0], claims[1]
