"""The sign-in page's external identity providers (AWS, CreateUserPoolClient:
SupportedIdentityProviders "sets the IdPs that managed login will display on the login page
for your app client"; "Login endpoint"; "Authorize endpoint").

Each provider is a link to /oauth2/authorize carrying the app's own request plus
``identity_provider=<ProviderName>``; SAML providers with IdP identifiers are reached
through one "corporate email" field instead (AWS, "SAML identity provider names and
identifiers"); an app client without COGNITO gets no password form and its sign-in page
refuses a password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
import requests

from cognito_lab.client import pkce
from cognito_lab.idp import IdpUser, OidcProvider
from cognito_lab.idp.saml_provider import SamlProvider

from .helpers import REASON, get, query_of

CALLBACK = "http://localhost:8000/callback"
EVIL = '<i>Evil"&\'</i>'          # a ProviderName AWS allows (symbols and punctuation)
LINK = re.compile(r'<a class="idp" href="([^"]*)">([^<]*)</a>')


@dataclass
class Pool:
    lab: object
    idp: OidcProvider
    saml: SamlProvider
    pool_id: str
    clients: dict[str, str]


@pytest.fixture(scope="module")
def pool(lab):
    carol = IdpUser("carol", "Corp-Passw0rd!", {"email": "carol@corp.example"})
    with OidcProvider.start(users=[carol],
                            redirect_uris=[f"{lab.domain_url}/oauth2/idpresponse"]) as idp, \
            SamlProvider.start(users=[carol]) as saml:
        cognito = lab.client("cognito-idp")
        pool_id = cognito.create_user_pool(PoolName="idp-buttons")["UserPool"]["Id"]
        oidc = {"client_id": idp.client_id, "client_secret": idp.client_secret,
                "authorize_scopes": "openid email", "attributes_request_method": "GET",
                "oidc_issuer": idp.issuer}
        for name, identifiers in (("Corp", ["oidc.example"]), (EVIL, [])):
            cognito.create_identity_provider(UserPoolId=pool_id, ProviderName=name,
                                             ProviderType="OIDC", ProviderDetails=oidc,
                                             AttributeMapping={"username": "sub"},
                                             IdpIdentifiers=identifiers)
        for name, identifiers in (("CorpSAML", ["Corp.Example", "corp.example.co.uk"]),
                                  ("Partner", [])):
            cognito.create_identity_provider(
                UserPoolId=pool_id, ProviderName=name, ProviderType="SAML",
                ProviderDetails={"MetadataFile": saml.metadata_xml},
                AttributeMapping={"email": "email"}, IdpIdentifiers=identifiers)
        cognito.create_identity_provider(
            UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
            ProviderDetails={"client_id": "lab-google-client", "client_secret": "not-used",
                             "authorize_scopes": "openid email"},
            AttributeMapping={"username": "sub"})

        def client(name: str, providers: list[str]) -> str:
            return cognito.create_user_pool_client(
                UserPoolId=pool_id, ClientName=name, CallbackURLs=[CALLBACK],
                AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"],
                AllowedOAuthFlowsUserPoolClient=True,
                SupportedIdentityProviders=providers)["UserPoolClient"]["ClientId"]

        yield Pool(lab, idp, saml, pool_id, {
            "mixed": client("mixed", ["COGNITO", "Corp", "Google"]),
            "corp-only": client("corp-only", ["Corp"]),
            "evil": client("evil", ["COGNITO", EVIL]),
            "none": client("none", []),
            "saml": client("saml", ["COGNITO", "Corp", "CorpSAML", "Partner"]),
            "saml-only": client("saml-only", ["CorpSAML"]),
        })


def request_of(pool: Pool, client: str, **extra: str) -> dict[str, str]:
    verifier = pkce.new_verifier()
    return {"response_type": "code", "client_id": pool.clients[client],
            "redirect_uri": CALLBACK, "scope": "openid email", "state": "app-state-7",
            "nonce": "app-nonce-7", "code_challenge": pkce.s256_challenge(verifier),
            "code_challenge_method": "S256", **extra}


@dataclass
class SignInPage:
    browser: requests.Session
    url: str
    html: str

    def links(self) -> dict[str, str]:
        """label -> href (as written: relative) of each identity provider link."""
        return {unescape(label): unescape(href) for href, label in LINK.findall(self.html)}

    def follow(self, label: str) -> str:
        """The absolute URL the link with this label points to."""
        return urljoin(self.url, self.links()[label])


def sign_in_page(pool: Pool, client: str, **extra: str) -> SignInPage:
    """/oauth2/authorize, then the sign-in page it sends the browser to."""
    browser = requests.Session()
    query = urlencode(request_of(pool, client, **extra))
    first = get(f"{pool.lab.domain_url}/oauth2/authorize?{query}", browser)
    assert first.status_code == 302, first.headers
    login_url = urljoin(first.url, first.headers["Location"])
    assert urlsplit(login_url).path == "/login"
    page = browser.get(login_url, timeout=10)
    assert page.status_code == 200
    return SignInPage(browser, login_url, page.text)


def test_each_external_provider_is_a_link_to_authorize_with_the_apps_request(pool):
    """AWS, CreateUserPoolClient (SupportedIdentityProviders) and Authorize endpoint
    (identity_provider): one link per provider, the app's query kept, the provider added."""
    page = sign_in_page(pool, "mixed")
    found = page.links()
    assert set(found) == {"Sign in with Corp", "Continue with Google"}
    sent = request_of(pool, "mixed")
    for label, name in (("Sign in with Corp", "Corp"), ("Continue with Google", "Google")):
        href = found[label]
        assert not href.startswith(("/", "http")), "relative, so a path prefix is kept"
        target = page.follow(label)
        assert urlsplit(target).path == "/oauth2/authorize"
        query = dict(parse_qsl(urlsplit(target).query))
        assert {k: v for k, v in query.items() if k != "code_challenge"} == {
            **{k: v for k, v in sent.items() if k != "code_challenge"},
            "client_id": pool.clients["mixed"], "identity_provider": name}
        assert "code_challenge" in query
    # COGNITO is in the list: the password form is there too
    assert 'name="password"' in page.html


def test_the_link_sends_the_browser_to_the_idp_with_the_apps_state_kept(pool):
    """AWS, Authorize endpoint: identity_provider redirects silently to the IdP; the app's
    state and PKCE challenge stay with Cognito."""
    page = sign_in_page(pool, "mixed")
    answer = get(page.follow("Sign in with Corp"), page.browser)
    assert answer.status_code == 302
    at_idp = answer.headers["Location"]
    assert at_idp.startswith(f"{pool.idp.issuer}/authorize?")
    sent = query_of(at_idp)
    assert sent["state"] != "app-state-7" and "code_challenge" not in sent


def test_a_request_that_named_cognito_gets_links_naming_only_their_provider(pool):
    """AWS, Authorize endpoint: identity_provider is single-valued; a link replaces the
    request's own choice (here COGNITO) rather than repeating the parameter."""
    page = sign_in_page(pool, "mixed", identity_provider="COGNITO")
    target = page.follow("Sign in with Corp")
    assert [v for k, v in parse_qsl(urlsplit(target).query)
            if k == "identity_provider"] == ["Corp"]
    assert get(target, page.browser).headers["Location"].startswith(pool.idp.issuer)


def test_without_cognito_there_is_no_password_form(pool):
    """AWS, CreateUserPoolClient: SupportedIdentityProviders sets what managed login shows;
    without COGNITO the user pool's own sign-in is not offered."""
    page = sign_in_page(pool, "corp-only")
    assert list(page.links()) == ["Sign in with Corp"]
    assert 'name="password"' not in page.html and 'name="username"' not in page.html
    assert "passkey" not in page.html.lower()


def test_without_cognito_a_posted_password_is_refused(pool):
    """AWS, CreateUserPoolClient (SupportedIdentityProviders): managed login signs users in
    only with the client's providers; a password posted anyway gets no code and no session."""
    page = sign_in_page(pool, "corp-only")
    csrf = page.browser.cookies.get("XSRF-TOKEN")     # the page has no form to read it from
    answer = page.browser.post(page.url, data={"_csrf": csrf, "username": "alice",
                                               "password": "Whatever-Passw0rd!"},
                               allow_redirects=False, timeout=10)
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert "cognito" not in answer.cookies
    assert "COGNITO" in answer.headers[REASON]


def test_a_client_with_no_identity_provider_is_refused(pool):
    """AWS, Authorize endpoint: an app client that supports no IdP cannot sign anyone in
    (unauthorized_client back at the registered redirect URI)."""
    query = urlencode(request_of(pool, "none"))
    answer = get(f"{pool.lab.domain_url}/oauth2/authorize?{query}")
    assert answer.status_code == 302
    back = query_of(answer.headers["Location"])
    assert back["error"] == "unauthorized_client" and back["state"] == "app-state-7"


def test_provider_names_are_escaped(pool):
    """A ProviderName may hold < > " & ' (AWS, CreateIdentityProvider's pattern): the page
    shows it as text and keeps it intact in the link's query."""
    page = sign_in_page(pool, "evil")
    assert "<i>Evil" not in page.html
    assert "&lt;i&gt;Evil&#34;&amp;&#39;&lt;/i&gt;" in page.html
    target = page.follow(f"Sign in with {EVIL}")
    assert dict(parse_qsl(urlsplit(target).query))["identity_provider"] == EVIL


def corporate_email(page: SignInPage, email: str) -> requests.Response:
    form = re.search(r'<form class="idp-email" method="post" action="([^"]+)">', page.html)
    assert form, "the page has no corporate email field"
    return page.browser.post(urljoin(page.url, unescape(form.group(1))), data={
        "_csrf": page.browser.cookies.get("XSRF-TOKEN"), "_action": "idp_email",
        "email": email}, allow_redirects=False, timeout=10)


def test_saml_providers_with_identifiers_are_reached_by_email(pool):
    """AWS, SAML identity provider names and identifiers: with identifiers in a domain
    format, managed login asks for the user's email address; a SAML provider without
    identifiers, and any other provider, keeps its own link."""
    page = sign_in_page(pool, "saml")
    assert set(page.links()) == {"Sign in with Corp", "Sign in with Partner"}
    assert 'id="corporate_email"' in page.html and 'name="password"' in page.html


def test_the_email_domain_picks_the_saml_provider_and_keeps_the_apps_request(pool):
    """AWS, SAML identity provider names and identifiers: managed login "evaluates the
    domain in their email address, and redirects them to the IdP that corresponds to their
    domain", through the Authorize endpoint's idp_identifier."""
    page = sign_in_page(pool, "saml")
    answer = corporate_email(page, "carol@CORP.example")
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith("oauth2/authorize?"), "relative, so a path prefix is kept"
    query = parse_qsl(urlsplit(urljoin(page.url, location)).query)
    sent = request_of(pool, "saml")
    assert {k for k, _ in query} == {*sent, "idp_identifier"}
    assert dict(query)["idp_identifier"] == "Corp.Example"     # as registered
    assert dict(query)["state"] == "app-state-7" and dict(query)["nonce"] == "app-nonce-7"
    assert "cognito" not in answer.cookies


def test_an_email_no_saml_provider_claims_stays_on_the_page(pool):
    """AWS, SAML identity provider names and identifiers: email-address matching is for
    SAML providers, so neither an unknown domain nor an OIDC provider's identifier
    (oidc.example) sends the browser anywhere."""
    page = sign_in_page(pool, "saml")
    for email in ("carol@elsewhere.example", "carol@oidc.example", "no-domain"):
        answer = corporate_email(page, email)
        assert answer.status_code == 200 and "Location" not in answer.headers
        assert 'role="alert"' in answer.text


def test_a_saml_only_client_asks_for_the_email_alone(pool):
    """AWS, CreateUserPoolClient (SupportedIdentityProviders) and SAML identity provider
    names and identifiers: no password form, no link, the email field."""
    page = sign_in_page(pool, "saml-only")
    assert page.links() == {}
    assert 'id="corporate_email"' in page.html and 'name="password"' not in page.html
    answer = corporate_email(page, "carol@corp.example.co.uk")
    assert dict(parse_qsl(urlsplit(answer.headers["Location"]).query))[
        "idp_identifier"] == "corp.example.co.uk"
