"""Federation through managed login in real Chromium, end to end.

AWS, "OIDC user pool IdP authentication flow", "Login endpoint" and CreateUserPoolClient
(SupportedIdentityProviders: the IdPs managed login displays): the app sends the browser to
/oauth2/authorize; managed login shows "Sign in with Corp"; the user clicks it and lands on
the IdP's own sign-in page (``cognito_lab.idp.OidcProvider`` on 127.0.0.1), signs in there,
comes back through Cognito's /oauth2/idpresponse and ends at the app's callback with a
code; the app redeems it with its PKCE verifier and gets the tokens of ``Corp_<sub>``.

The same with SAML 2.0 (AWS, "SAML session initiation in Amazon Cognito user pools", "The
IdP SAML assertion endpoint", "SAML identity provider names and identifiers"): a link
"Sign in with Partner", or the corporate email whose domain is a provider's IdP
identifier, leads to ``cognito_lab.idp.saml_provider.SamlProvider``'s page; its Response is
posted by the browser to Cognito's /saml2/idpresponse, and the app gets the tokens of
``<ProviderName>_<NameID>``.

The callback is a tiny page served on 127.0.0.1 for the test (as in
test_hosted_ui_login.py: Playwright's routing does not see redirect hops); the redirect
hops themselves are seen through the page's ``request`` events.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cognito_lab import Lab
from cognito_lab.client.oauth import CognitoOAuth
from cognito_lab.idp import IdpUser, OidcProvider
from cognito_lab.idp.saml_provider import SamlProvider

from .app_pages import callback_server
from .federated_pages import hops_of, redeem, sign_in_at_idp
from .test_hosted_ui_login import CallbackApp

PROVIDER = "Corp"


@dataclass
class Federation:
    lab: Lab
    idp: OidcProvider
    saml: dict[str, SamlProvider]       # by ProviderName
    carol: IdpUser
    app: CallbackApp
    apps: dict[str, CognitoOAuth]       # app clients by what they offer


@pytest.fixture(scope="module")
def federation() -> Iterator[Federation]:
    carol = IdpUser("carol", "Corp-Passw0rd!",
                    {"email": "carol@corp.example", "email_verified": True,
                     "name": "Carol Corp"})
    with callback_server() as (base, app):
        callback = f"{base}/callback"
        with Lab.start() as lab, OidcProvider.start(
                users=[carol], redirect_uris=[f"{lab.domain_url}/oauth2/idpresponse"],
                title="Corp sign-in") as idp, \
                SamlProvider.start(users=[carol], title="Partner sign-in",
                                   acs_urls=[f"{lab.domain_url}/saml2/idpresponse"]) as partner, \
                SamlProvider.start(users=[carol], title="Corp SAML sign-in",
                                   acs_urls=[f"{lab.domain_url}/saml2/idpresponse"]) as corp_saml:
            cognito = lab.client("cognito-idp")
            # plain usernames: moto refuses "Corp_<sub>" in an email-username pool
            pool_id = cognito.create_user_pool(PoolName="federated")["UserPool"]["Id"]
            cognito.create_identity_provider(
                UserPoolId=pool_id, ProviderName=PROVIDER, ProviderType="OIDC",
                ProviderDetails={"client_id": idp.client_id,
                                 "client_secret": idp.client_secret,
                                 "authorize_scopes": "openid email profile",
                                 "attributes_request_method": "GET",
                                 "oidc_issuer": idp.issuer},
                AttributeMapping={"username": "sub", "email": "email", "name": "name"})
            for name, saml, identifiers in (("Partner", partner, []),
                                            ("CorpSAML", corp_saml, ["corp.example"])):
                cognito.create_identity_provider(
                    UserPoolId=pool_id, ProviderName=name, ProviderType="SAML",
                    ProviderDetails={"MetadataFile": saml.metadata_xml},
                    AttributeMapping={"email": "email", "name": "name"},
                    IdpIdentifiers=identifiers)

            def client(name: str, providers: list[str]) -> CognitoOAuth:
                client_id = cognito.create_user_pool_client(
                    UserPoolId=pool_id, ClientName=name, CallbackURLs=[callback],
                    LogoutURLs=[f"{base}/signed-out"],
                    AllowedOAuthFlows=["code"],
                    AllowedOAuthScopes=["openid", "email", "profile"],
                    AllowedOAuthFlowsUserPoolClient=True,
                    SupportedIdentityProviders=providers)["UserPoolClient"]["ClientId"]
                return CognitoOAuth(lab.domain_url, client_id, redirect_uri=callback)

            yield Federation(lab, idp, {"Partner": partner, "CorpSAML": corp_saml}, carol,
                             app, {
                "password-or-corp": client("password-or-corp", ["COGNITO", PROVIDER]),
                "corp-only": client("corp-only", [PROVIDER]),
                "saml": client("saml", ["COGNITO", "Partner", "CorpSAML"]),
            })


def sign_in_at_corp(page, fed: Federation) -> None:
    """On the IdP's own page (not Cognito's): the IdP's user signs in."""
    page.wait_for_url(re.compile("^" + re.escape(f"{fed.idp.issuer}/authorize?")))
    assert page.title() == "Corp sign-in: sign in"
    sign_in_at_idp(page, fed.carol)


def test_sign_in_with_corp_from_managed_login_to_the_apps_tokens(federation, page):
    """AWS: OIDC user pool IdP authentication flow; SAML session initiation in Amazon
    Cognito user pools; The IdP SAML assertion endpoint; Login endpoint."""
    fed = federation
    oauth = fed.apps["password-or-corp"]
    hops = hops_of(page)
    before = len(fed.app.seen)
    request = oauth.begin("openid email profile")
    page.goto(request.url)
    assert page.title() == "Sign in" and "/login?" in page.url
    assert page.get_by_label("Password").is_visible()       # COGNITO is offered too
    page.get_by_role("link", name=f"Sign in with {PROVIDER}").click()
    sign_in_at_corp(page, fed)
    claims = redeem(page, oauth, request)

    assert claims["cognito:username"] == f"{PROVIDER}_{fed.carol.sub}"
    assert claims["email"] == "carol@corp.example" and claims["name"] == "Carol Corp"
    assert claims["nonce"] == request.nonce
    [identity] = claims["identities"]
    assert identity["providerName"] == PROVIDER and identity["userId"] == fed.carol.sub
    # the way back passed through Cognito's IdP response endpoint, then the app, once
    assert any(url.startswith(f"{fed.lab.domain_url}/oauth2/idpresponse?") for url in hops)
    assert fed.app.seen[before:] == [page.url]

    # the managed login session now belongs to the federated user: the next sign-in is silent
    second = oauth.begin("openid")
    page.goto(second.url)
    assert redeem(page, oauth, second)["cognito:username"] == claims["cognito:username"]


def test_an_app_client_without_cognito_offers_only_its_idp(federation, page):
    """AWS: OIDC user pool IdP authentication flow; SAML session initiation in Amazon
    Cognito user pools; The IdP SAML assertion endpoint; Login endpoint."""
    fed = federation
    oauth = fed.apps["corp-only"]
    request = oauth.begin("openid email")
    page.goto(request.url)
    assert page.title() == "Sign in" and "/login?" in page.url
    assert page.get_by_label("Password").count() == 0
    assert page.get_by_role("link").all_inner_texts() == [f"Sign in with {PROVIDER}"]
    page.get_by_role("link", name=f"Sign in with {PROVIDER}").click()
    sign_in_at_corp(page, fed)
    claims = redeem(page, oauth, request)
    assert claims["cognito:username"] == f"{PROVIDER}_{fed.carol.sub}"
    assert claims["aud"] == oauth.client_id



def sign_in_with_saml(page, fed: Federation, provider: str) -> None:
    """On the SAML IdP's page: sign in; its Response goes to Cognito in a POST."""
    saml = fed.saml[provider]
    page.wait_for_url(re.compile("^" + re.escape(f"{saml.sso_url}?")))
    assert page.title() == f"{saml.title}: sign in"
    sign_in_at_idp(page, fed.carol)


def test_sign_in_with_a_saml_provider_from_its_link(federation, page):
    """AWS: OIDC user pool IdP authentication flow; SAML session initiation in Amazon
    Cognito user pools; The IdP SAML assertion endpoint; Login endpoint."""
    fed = federation
    oauth = fed.apps["saml"]
    hops = hops_of(page)
    request = oauth.begin("openid email profile")
    page.goto(request.url)
    assert "/login?" in page.url
    page.get_by_role("link", name="Sign in with Partner").click()
    sign_in_with_saml(page, fed, "Partner")
    claims = redeem(page, oauth, request)
    assert claims["cognito:username"] == f"Partner_{fed.carol.sub}"    # persistent NameID
    assert claims["email"] == "carol@corp.example" and claims["nonce"] == request.nonce
    [identity] = claims["identities"]
    assert identity["providerName"] == "Partner" and identity["providerType"] == "SAML"
    assert any(url == f"{fed.lab.domain_url}/saml2/idpresponse" for url in hops)


def test_sign_in_with_saml_by_corporate_email(federation, page):
    """AWS: OIDC user pool IdP authentication flow; SAML session initiation in Amazon
    Cognito user pools; The IdP SAML assertion endpoint; Login endpoint."""
    fed = federation
    oauth = fed.apps["saml"]
    request = oauth.begin("openid email")
    page.goto(request.url)
    assert page.get_by_role("link").all_inner_texts() == ["Sign in with Partner"]
    page.get_by_label("Corporate email").fill("carol@corp.example")
    page.get_by_role("button", name="Sign in with your corporate email").click()
    sign_in_with_saml(page, fed, "CorpSAML")
    claims = redeem(page, oauth, request)
    assert claims["cognito:username"] == f"CorpSAML_{fed.carol.sub}"
    assert claims["aud"] == oauth.client_id

def test_logout_ends_a_federated_session(federation, page):
    """AWS, Logout endpoint: /logout ends the managed login session, whoever it is for;
    the next sign-in asks again."""
    fed = federation
    oauth = fed.apps["corp-only"]
    request = oauth.begin("openid")
    page.goto(request.url)
    page.get_by_role("link", name=f"Sign in with {PROVIDER}").click()
    sign_in_at_corp(page, fed)
    redeem(page, oauth, request)
    page.goto(oauth.logout_url(oauth.redirect_uri.replace("/callback", "/signed-out")))
    assert page.locator("h1").inner_text() == "Signed out"
    page.goto(oauth.begin("openid").url)
    assert "/login?" in page.url and page.title() == "Sign in"
