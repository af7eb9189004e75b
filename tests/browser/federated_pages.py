"""What the federation browser tests share: the pages a federated sign-in passes through
in Chromium, and what the app does at its callback.

- :func:`hops_of`: every URL the page requests, redirect hops and form posts included;
- :func:`sign_in_at_idp`: the IdP's own sign-in form (OidcProvider's and SamlProvider's);
- :func:`redeem`: at the app's callback, the code redeemed with the PKCE verifier.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import jwt

from cognito_lab.client.oauth import AuthorizationRequest, CognitoOAuth
from cognito_lab.idp import IdpUser


def hops_of(page) -> list[str]:
    """Every URL the page requests from now on, redirect hops included."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def off_loopback(urls: list[str]) -> list[str]:
    """The URLs (http, https, ws...) whose host is not loopback; about: and data: have none."""
    return [url for url in urls if urlsplit(url).scheme not in ("about", "data", "blob")
            and (urlsplit(url).hostname or "") not in ("127.0.0.1", "localhost", "::1")]


def sign_in_at_idp(page, user: IdpUser) -> None:
    """The IdP's own form: username, password, "Sign in"."""
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Sign in").click()


def at_callback(page, oauth: CognitoOAuth) -> None:
    """Wait for the browser to reach the app's redirect URI."""
    page.wait_for_url(re.compile("^" + re.escape(oauth.redirect_uri)))


def redeem(page, oauth: CognitoOAuth, request: AuthorizationRequest) -> dict:
    """At the app's callback: check it, redeem the code with the PKCE verifier, and return
    the ID token's claims."""
    at_callback(page, oauth)
    assert page.locator("h1").inner_text() == "Signed in"
    tokens = oauth.exchange_code(request.check_callback(page.url),
                                 code_verifier=request.code_verifier)
    assert tokens.access_token and tokens.refresh_token
    return jwt.decode(tokens.id_token, options={"verify_signature": False})
