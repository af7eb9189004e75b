"""More federation through managed login in real Chromium: Google, SAML single logout, and
a federated sign-in that ends in an error at the app.

- "Continue with Google" (AWS, "Adding social identity providers to a user pool", "Login
  endpoint"): the link leads to the lab's Google stand-in
  (``cognito_lab.idp.GoogleProvider``, handed over with ``lab.play_google``), whose account
  chooser the user answers; Cognito signs in ``Google_<sub>``. The browser never leaves
  loopback: every request and navigation is recorded and checked.
- SAML single logout (AWS, "SAML sign-out flow", "Logout endpoint", CreateIdentityProvider
  ``IDPSignout``): the app's /logout goes to the IdP's SingleLogoutService, the IdP posts
  its LogoutResponse to Cognito's /saml2/logout, and the browser lands on the app's
  logout_uri; neither the IdP's session nor Cognito's survives.
- Errors (AWS, "Managed login and federation error responses"): a sign-in Cognito refuses
  (a mapped attribute the app client can't write) and an IdP's standard error both end at
  the app's callback with ``error``, ``error_description`` and the app's ``state``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from cognito_lab import Lab
from cognito_lab.client.oauth import AuthorizationDeniedError, CognitoOAuth
from cognito_lab.idp import GoogleProvider, IdpUser, OidcProvider, SamlProvider

from .app_pages import CallbackApp, callback_server
from .federated_pages import (
    at_callback,
    hops_of,
    off_loopback,
    redeem,
    sign_in_at_idp,
)

GOOGLE_CHOOSER = "Sign in – Google Accounts (lab stand-in)"


@dataclass
class MoreFederation:
    lab: Lab
    pool_id: str
    google: GoogleProvider
    ada: IdpUser               # a Google account
    corp: OidcProvider
    partner: SamlProvider      # IDPSignout "true": single logout
    carol: IdpUser             # a user of Corp and of Partner
    app: CallbackApp
    signed_out: str            # the app's logout_uri
    apps: dict[str, CognitoOAuth]


@pytest.fixture(scope="module")
def more() -> Iterator[MoreFederation]:
    ada = GoogleProvider.account("ada@gmail.com", "Analytical-Engine-1", "Ada Lovelace")
    grace = GoogleProvider.account("grace@gmail.com", "Compiler-A-0", "Grace Hopper")
    carol = IdpUser("carol", "Corp-Passw0rd!", {"email": "carol@corp.example",
                                                 "email_verified": True, "name": "Carol Corp"})
    with callback_server() as (base, app), Lab.start() as lab:
        idpresponse = f"{lab.domain_url}/oauth2/idpresponse"
        with lab.play_google(GoogleProvider.start(users=[ada, grace],
                                                  redirect_uris=[idpresponse])) as google, \
                OidcProvider.start(users=[carol], redirect_uris=[idpresponse],
                                   title="Corp sign-in") as corp, \
                SamlProvider.start(users=[carol], title="Partner sign-in",
                                   acs_urls=[f"{lab.domain_url}/saml2/idpresponse"],
                                   remember_sign_in=True) as partner:
            cognito = lab.client("cognito-idp")
            pool_id = cognito.create_user_pool(PoolName="more-federated")["UserPool"]["Id"]
            cognito.create_identity_provider(
                UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
                ProviderDetails={"client_id": google.client_id,
                                 "client_secret": google.client_secret,
                                 "authorize_scopes": "email profile openid"},
                AttributeMapping={"username": "sub", "email": "email",
                                  "email_verified": "email_verified", "name": "name"})
            cognito.create_identity_provider(
                UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC",
                ProviderDetails={"client_id": corp.client_id,
                                 "client_secret": corp.client_secret,
                                 "authorize_scopes": "openid email profile",
                                 "attributes_request_method": "GET",
                                 "oidc_issuer": corp.issuer},
                AttributeMapping={"username": "sub", "email": "email", "name": "name"})
            # AWS's steps for single logout: the IdP gets the pool's signing certificate and
            # Cognito's /saml2/logout; the provider signs its requests and has IDPSignout
            certificate = cognito.get_signing_certificate(UserPoolId=pool_id)["Certificate"]
            partner.trust_service_provider(certificate_pem=certificate,
                                           logout_url=f"{lab.domain_url}/saml2/logout")
            cognito.create_identity_provider(
                UserPoolId=pool_id, ProviderName="Partner", ProviderType="SAML",
                ProviderDetails={"MetadataFile": partner.metadata_xml, "IDPSignout": "true",
                                 "RequestSigningAlgorithm": "rsa-sha256"},
                AttributeMapping={"email": "email", "name": "name"})

            def client(name: str, providers: list[str], **settings) -> CognitoOAuth:
                client_id = cognito.create_user_pool_client(
                    UserPoolId=pool_id, ClientName=name, CallbackURLs=[f"{base}/callback"],
                    LogoutURLs=[f"{base}/signed-out"], AllowedOAuthFlows=["code"],
                    AllowedOAuthScopes=["openid", "email", "profile"],
                    AllowedOAuthFlowsUserPoolClient=True, SupportedIdentityProviders=providers,
                    **settings)["UserPoolClient"]["ClientId"]
                return CognitoOAuth(lab.domain_url, client_id, redirect_uri=f"{base}/callback")

            yield MoreFederation(lab, pool_id, google, ada, corp, partner, carol, app,
                                 f"{base}/signed-out", {
                "google": client("google", ["COGNITO", "Google"]),
                "partner": client("partner", ["COGNITO", "Partner"]),
                "corp": client("corp", ["Corp"]),
                # the Corp mapping writes email; this client may write only name
                "corp-name-only": client("corp-name-only", ["Corp"],
                                         WriteAttributes=["name"]),
            })


def every_url(page) -> list[str]:
    """Every request (redirect hops, form posts, subresources) of the page's context and
    every navigation of the page, from now on."""
    seen: list[str] = []
    page.context.on("request", lambda request: seen.append(request.url))
    page.on("framenavigated", lambda frame: seen.append(frame.url))
    return seen


def on_managed_login(page, oauth: CognitoOAuth, scope: str = "openid email profile"):
    """The app sends the browser to /oauth2/authorize; managed login's page shows."""
    request = oauth.begin(scope)
    page.goto(request.url)
    assert page.title() == "Sign in" and "/login?" in page.url
    return request


def test_continue_with_google_signs_in_on_the_stand_in_and_never_leaves_loopback(more, page):
    """AWS, "Adding social identity providers to a user pool" and "Login endpoint"
    (SupportedIdentityProviders: managed login displays Google); "Specifying identity
    provider attribute mappings" (Google's sub is the username source): the user picks
    their account on Google's page and the app gets the tokens of ``Google_<sub>``, with
    ``identities`` naming the provider type Google. Lab vs AWS: Google's page is the lab's
    stand-in on 127.0.0.1 (docs/fidelity.md), so nothing the browser asks leaves loopback."""
    oauth = more.apps["google"]
    urls = every_url(page)
    request = on_managed_login(page, oauth)
    page.get_by_role("link", name="Continue with Google").click()

    page.wait_for_url(re.compile("^" + re.escape(f"{more.google.local_url}/o/oauth2/v2/auth?")))
    assert page.title() == GOOGLE_CHOOSER
    assert "not Google" in page.get_by_role("note").inner_text()
    page.get_by_role("radio", name=re.compile(re.escape(more.ada.username))).check()
    page.get_by_label("Password").fill(more.ada.password)
    page.get_by_role("button", name="Next").click()
    claims = redeem(page, oauth, request)

    sub = more.ada.sub
    assert claims["cognito:username"] == f"Google_{sub}"
    [identity] = claims["identities"]
    assert identity["providerType"] == "Google" and identity["providerName"] == "Google"
    assert identity["userId"] == sub
    assert claims["email"] == more.ada.username and claims["name"] == "Ada Lovelace"
    assert claims["nonce"] == request.nonce and claims["aud"] == oauth.client_id

    # the record saw the whole way (so an empty check below means something)...
    assert any(url.startswith(f"{more.google.local_url}/o/oauth2/v2/auth?") for url in urls)
    assert any(url.startswith(f"{more.lab.domain_url}/oauth2/idpresponse?") for url in urls)
    assert any(url.startswith(oauth.redirect_uri) for url in urls)
    # ...and none of it went anywhere but loopback
    assert off_loopback(urls) == []


def test_saml_single_logout_in_the_browser_then_the_idp_asks_again(more, page):
    """AWS, "SAML sign-out flow" and "Logout endpoint" (With single logout for SAML 2.0
    IdPs, Cognito "first redirects your user to the SLO endpoint" and, after the IdP sends
    them back to saml2/logout, to the logout_uri); CreateIdentityProvider (IDPSignout). The
    IdP remembers its sign-ins (``remember_sign_in``), so only single logout makes the
    next sign-in ask for the password: "when users want to sign in to your application
    again, they must authenticate with their SAML IdP"."""
    oauth = more.apps["partner"]
    partner = more.partner
    request = on_managed_login(page, oauth, "openid email")
    page.get_by_role("link", name="Sign in with Partner").click()
    page.wait_for_url(re.compile("^" + re.escape(f"{partner.sso_url}?")))
    sign_in_at_idp(page, more.carol)
    claims = redeem(page, oauth, request)
    assert claims["cognito:username"] == f"Partner_{more.carol.sub}"
    assert [s.username for s in partner.sessions] == [more.carol.username]

    hops = hops_of(page)
    page.goto(oauth.logout_url(more.signed_out))
    page.wait_for_url(more.signed_out)
    assert page.locator("h1").inner_text() == "Signed out"
    to_idp = [i for i, url in enumerate(hops) if url.startswith(f"{partner.slo_url}?")]
    assert to_idp, f"/logout did not send the browser to the IdP's SLO: {hops}"
    at_idp = to_idp[0]
    assert {"SAMLRequest", "RelayState", "SigAlg", "Signature"} <= set(
        parse_qs(urlsplit(hops[at_idp]).query))
    back = hops.index(f"{more.lab.domain_url}/saml2/logout", at_idp)   # the IdP's POST
    assert hops[back + 1:] == [more.signed_out]
    assert partner.sessions == ()                          # the IdP signed carol out
    assert "cognito" not in {c["name"] for c in page.context.cookies(more.lab.domain_url)}

    again = on_managed_login(page, oauth, "openid email")  # no Cognito session: the form
    page.get_by_role("link", name="Sign in with Partner").click()
    page.wait_for_url(re.compile("^" + re.escape(f"{partner.sso_url}?")))
    assert page.title() == f"{partner.title}: sign in"     # no IdP session: it asks again
    assert page.get_by_label("Password").is_visible()
    sign_in_at_idp(page, more.carol)
    assert redeem(page, oauth, again)["cognito:username"] == claims["cognito:username"]


def error_at_callback(page, oauth: CognitoOAuth, request) -> dict[str, str]:
    """The app's callback carrying an error for *this* request: its parameters."""
    at_callback(page, oauth)
    with pytest.raises(AuthorizationDeniedError):          # the state is the app's own
        request.check_callback(page.url)
    params = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert params["state"] == request.state and "code" not in params
    return params


def test_a_refused_federated_sign_in_ends_at_the_callback_with_the_error(more, page):
    """AWS, "Managed login and federation error responses" (errors go to the callback URL
    as ``error`` and ``error_description``; one cause: Cognito "couldn't validate attribute
    information"); "Specifying identity provider attribute mappings" and
    UserPoolClientType WriteAttributes ("If your app client does not have write access to a
    mapped attribute, Amazon Cognito throws an error"). Nothing signs in: no user, no
    session."""
    oauth = more.apps["corp-name-only"]
    before = len(more.app.seen)
    request = on_managed_login(page, oauth, "openid email")
    page.get_by_role("link", name="Sign in with Corp").click()
    page.wait_for_url(re.compile("^" + re.escape(f"{more.corp.issuer}/authorize?")))
    sign_in_at_idp(page, more.carol)

    params = error_at_callback(page, oauth, request)
    assert params["error"] == "invalid_request"
    assert "email" in params["error_description"]          # names what it couldn't write
    assert len(more.app.seen) == before + 1                # the app was called once
    users = more.lab.client("cognito-idp").list_users(UserPoolId=more.pool_id)["Users"]
    assert f"Corp_{more.carol.sub}" not in {u["Username"] for u in users}
    on_managed_login(page, oauth, "openid")                # no session: the page again


def test_an_idps_error_answer_reaches_the_app(more, page):
    """AWS, "Managed login and federation error responses" ("When an OIDC or OAuth 2.0 IdP
    returns an error that conforms to standards, Amazon Cognito redirects your user to the
    callback URL and adds the provider error response to the error request parameters",
    with the provider's name); RFC 6749 §4.1.2.1 (the IdP's ``error=access_denied`` to the
    redirect URI, with the state it was sent). The lab's OidcProvider has no "Cancel" on its
    form: the test plays that redirect, as the IdP would send it, from the IdP's page."""
    oauth = more.apps["corp"]
    request = on_managed_login(page, oauth, "openid email")
    page.get_by_role("link", name="Sign in with Corp").click()
    page.wait_for_url(re.compile("^" + re.escape(f"{more.corp.issuer}/authorize?")))
    sent = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert sent["state"] != request.state                  # Cognito's own, not the app's
    page.goto(f"{sent['redirect_uri']}?" + urlencode({
        "error": "access_denied", "error_description": "The user cancelled the sign-in",
        "state": sent["state"]}))

    params = error_at_callback(page, oauth, request)
    assert params["error"] == "access_denied"
    assert "Corp" in params["error_description"]
    assert "The user cancelled the sign-in" in params["error_description"]
