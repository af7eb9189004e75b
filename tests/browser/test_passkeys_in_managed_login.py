"""Passkeys through managed login in real Chromium, with its virtual authenticator.

AWS, "Passkey sign-in" (Authentication flows) and "User-interactive managed login
endpoints" (/passkeys/add): a user signs in with a password, managed login offers to add a
passkey, the browser makes one (navigator.credentials.create with the options of
StartWebAuthnRegistration); later, on a browser with no session, the user signs in with the
passkey alone (navigator.credentials.get with the WEB_AUTHN challenge's options) and the app
gets a code, which it redeems for tokens.

WebAuthn needs a secure context and a relying party id the page's host belongs to: the pool's
WebAuthnRelyingPartyID is set to ``localhost`` and Chromium opens the hosted UI at
http://localhost:<port> (an IP address can't be an RP id). The authenticator is Chromium's
virtual one (DevTools protocol, ``WebAuthn`` domain): it belongs to one page target, so the
"other browser" of the sign-in gets a new authenticator holding the same credential
(``WebAuthn.getCredentials`` → ``WebAuthn.addCredential``), as a synced passkey would.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from cognito_lab import Lab
from cognito_lab.client.oauth import CognitoOAuth

from .app_pages import CallbackApp
from .test_hosted_ui_login import UPDATABLE

AUTHENTICATOR = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True}
# A page script can't change what the authenticator signed; a tampering extension or a
# man-in-the-browser can change what the page posts: flip the signature's last byte.
TAMPER = """
(() => {
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = async (options) => {
    const real = await get(options);
    const signature = new Uint8Array(real.response.signature.slice(0));
    signature[signature.length - 1] ^= 1;
    return {
      id: real.id, rawId: real.rawId, type: real.type,
      authenticatorAttachment: real.authenticatorAttachment,
      getClientExtensionResults: () => ({}),
      response: {clientDataJSON: real.response.clientDataJSON,
                 authenticatorData: real.response.authenticatorData,
                 signature: signature.buffer, userHandle: real.response.userHandle},
    };
  };
})();
"""


@pytest.fixture(scope="module")
def passkey_lab() -> Iterator[tuple[Lab, CognitoOAuth, CallbackApp]]:
    """A lab whose pool's passkeys belong to localhost, and whose web client also calls back
    to the test's app (served at http://localhost:<port>)."""
    app = CallbackApp()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://localhost:{server.server_port}"
    try:
        with Lab.start() as lab:
            idp = lab.client("cognito-idp")
            idp.set_user_pool_mfa_config(
                UserPoolId=lab.user_pool_id,
                WebAuthnConfiguration={"RelyingPartyId": "localhost",
                                       "UserVerification": "required"})
            web = lab.app_clients["web"]
            raw = idp.describe_user_pool_client(UserPoolId=lab.user_pool_id,
                                                ClientId=web.client_id)["UserPoolClient"]
            settings = {k: raw[k] for k in UPDATABLE if k in raw}
            settings["CallbackURLs"] = [*raw["CallbackURLs"], f"{base}/callback"]
            idp.update_user_pool_client(UserPoolId=lab.user_pool_id, ClientId=web.client_id,
                                        **settings)
            hosted_ui = lab.domain_url.replace("127.0.0.1", "localhost")
            yield lab, CognitoOAuth(hosted_ui, web.client_id,
                                    redirect_uri=f"{base}/callback"), app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def virtual_authenticator(page) -> tuple[object, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    made = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return cdp, made["authenticatorId"]


def at_callback(page, oauth: CognitoOAuth) -> None:
    page.wait_for_url(re.compile("^" + re.escape(oauth.redirect_uri)))
    assert page.locator("h1").inner_text() == "Signed in"


def register_passkey(page, lab: Lab, oauth: CognitoOAuth, user: str) -> None:
    """Password sign-in, then "Add a passkey" on the page managed login shows next."""
    request = oauth.begin("openid email")
    page.goto(request.url)
    person = lab.users[user]
    page.get_by_label("Email address").fill(person.username)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_selector("h1:text('Add a passkey')")
    page.get_by_role("button", name="Add a passkey").click()
    at_callback(page, oauth)
    tokens = oauth.exchange_code(request.check_callback(page.url),
                                 code_verifier=request.code_verifier)
    assert tokens.access_token


def passkey_sign_in(page, lab: Lab, oauth: CognitoOAuth, user: str):
    request = oauth.begin("openid email")
    page.goto(request.url)
    assert page.title() == "Sign in" and page.url.startswith("http://localhost:")
    page.get_by_label("Email address").fill(lab.users[user].username)
    page.get_by_role("button", name="Sign in with passkey").click()
    return request


def new_browser_with(browser, credentials: list[dict]):
    """A browser with no cookies, whose authenticator holds the user's passkey."""
    context = browser.new_context()
    page = context.new_page()
    cdp, authenticator = virtual_authenticator(page)
    for credential in credentials:
        cdp.send("WebAuthn.addCredential", {"authenticatorId": authenticator,
                                            "credential": credential})
    return context, page


def test_register_a_passkey_then_sign_in_with_it_alone(passkey_lab, browser, page):
    lab, oauth, _ = passkey_lab
    cdp, authenticator = virtual_authenticator(page)
    register_passkey(page, lab, oauth, "alice")
    credentials = cdp.send("WebAuthn.getCredentials",
                           {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1
    assert credentials[0]["rpId"] == "localhost" and credentials[0]["userHandle"]
    idp = lab.client("cognito-idp")
    listed = idp.admin_get_user_auth_factors(UserPoolId=lab.user_pool_id,
                                             Username=lab.users["alice"].username)
    assert "WEB_AUTHN" in listed["ConfiguredUserAuthFactors"]

    context, other = new_browser_with(browser, credentials)
    try:
        request = passkey_sign_in(other, lab, oauth, "alice")
        at_callback(other, oauth)
        tokens = oauth.exchange_code(request.check_callback(other.url),
                                     code_verifier=request.code_verifier)
        assert tokens.id_token and tokens.refresh_token
        assert any(c["name"] == "cognito" for c in context.cookies())
    finally:
        context.close()


def test_the_page_refuses_a_tampered_assertion(passkey_lab, browser, page):
    lab, oauth, app = passkey_lab
    cdp, authenticator = virtual_authenticator(page)
    register_passkey(page, lab, oauth, "bob")
    credentials = cdp.send("WebAuthn.getCredentials",
                           {"authenticatorId": authenticator})["credentials"]
    context, other = new_browser_with(browser, credentials)
    try:
        other.add_init_script(TAMPER)
        before = len(app.seen)
        passkey_sign_in(other, lab, oauth, "bob")
        alert = other.get_by_role("alert")
        alert.wait_for()
        assert "Your passkey could not be verified" in alert.inner_text()
        assert "/login?" in other.url and len(app.seen) == before
        assert not any(c["name"] == "cognito" for c in context.cookies())
    finally:
        context.close()
