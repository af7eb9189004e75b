"""The hosted UI's sign-in page in a real browser, end to end.

Chromium opens the authorize URL, is sent to the sign-in page, the test types the
credentials as a user would (finding the fields by their labels) and submits; Chromium
follows the redirect to the app's callback — a tiny page served on 127.0.0.1 for the test,
registered as a callback URL of the web client — and the app redeems the code with its
PKCE verifier. (Playwright's request routing does not see redirect hops, so the callback
is a real server rather than an intercepted route.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from cognito_lab import Lab
from cognito_lab.client.oauth import CognitoOAuth, parse_callback

from .app_pages import CallbackApp, callback_server

UPDATABLE = ("ClientName", "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity",
             "TokenValidityUnits", "ExplicitAuthFlows", "SupportedIdentityProviders",
             "CallbackURLs", "LogoutURLs", "AllowedOAuthFlows", "AllowedOAuthScopes",
             "AllowedOAuthFlowsUserPoolClient", "PreventUserExistenceErrors",
             "EnableTokenRevocation")


@pytest.fixture(scope="module")
def app_server() -> Iterator[tuple[str, CallbackApp]]:
    with callback_server() as served:
        yield served


@pytest.fixture(scope="module")
def browser_lab(app_server) -> Iterator[tuple[Lab, CognitoOAuth, CallbackApp]]:
    """A lab whose web client also calls back to the test's app server."""
    base, app = app_server
    with Lab.start() as lab:
        idp = lab.client("cognito-idp")
        web = lab.app_clients["web"]
        raw = idp.describe_user_pool_client(UserPoolId=lab.user_pool_id,
                                            ClientId=web.client_id)["UserPoolClient"]
        settings = {k: raw[k] for k in UPDATABLE if k in raw}
        settings["CallbackURLs"] = [*raw["CallbackURLs"], f"{base}/callback"]
        settings["LogoutURLs"] = [*raw["LogoutURLs"], f"{base}/signed-out"]
        idp.update_user_pool_client(UserPoolId=lab.user_pool_id, ClientId=web.client_id,
                                    **settings)
        oauth = CognitoOAuth(lab.domain_url, web.client_id, redirect_uri=f"{base}/callback")
        yield lab, oauth, app


def sign_in(page, lab: Lab, oauth: CognitoOAuth, user: str, password: str | None = None):
    request = oauth.begin("openid email orders/read")
    page.goto(request.url)
    assert page.title() == "Sign in" and "/login?" in page.url
    person = lab.users[user]
    page.get_by_label("Email address").fill(person.username)
    page.get_by_label("Password").fill(password or person.password)
    page.get_by_role("button", name="Sign in").click()
    return request


def test_sign_in_page_to_callback_and_code_exchange(browser_lab, page):
    lab, oauth, app = browser_lab
    before = len(app.seen)
    request = sign_in(page, lab, oauth, "alice")
    page.wait_for_url(re.compile("^" + re.escape(oauth.redirect_uri)))
    assert page.locator("h1").inner_text() == "Signed in"
    assert app.seen[before:] == [page.url]
    code = request.check_callback(page.url)
    tokens = oauth.exchange_code(code, code_verifier=request.code_verifier)
    assert tokens.id_token and tokens.refresh_token
    # the session cookie is HttpOnly: scripts on the hosted UI's pages cannot read it
    cookies = {c["name"]: c for c in page.context.cookies(lab.domain_url)}
    assert cookies["cognito"]["httpOnly"] and cookies["cognito"]["sameSite"] == "Lax"


def test_wrong_password_stays_on_the_page_with_an_alert(browser_lab, page):
    lab, oauth, app = browser_lab
    before = len(app.seen)
    sign_in(page, lab, oauth, "bob", password="Not-his-password-1")
    alert = page.get_by_role("alert")
    assert "Incorrect username or password." in alert.inner_text()
    assert "/login?" in page.url and len(app.seen) == before
    # the username is kept, the password is not
    assert page.get_by_label("Email address").input_value() == lab.users["bob"].username
    assert page.get_by_label("Password").input_value() == ""


def test_second_sign_in_is_silent_then_logout_asks_again(browser_lab, page):
    lab, oauth, _ = browser_lab
    sign_in(page, lab, oauth, "carol")
    page.wait_for_url(re.compile("^" + re.escape(oauth.redirect_uri)))

    second = oauth.begin()
    page.goto(second.url)                                  # no form this time
    page.wait_for_url(re.compile("^" + re.escape(oauth.redirect_uri)))
    assert parse_callback(page.url).state == second.state

    page.goto(oauth.logout_url(oauth.redirect_uri.replace("/callback", "/signed-out")))
    assert page.locator("h1").inner_text() == "Signed out"
    page.goto(oauth.begin().url)
    assert "/login?" in page.url and page.title() == "Sign in"
