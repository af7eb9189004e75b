"""A SAML IdP beside a lab, a pool federating to it, and the two hops driven over HTTP.

The browser is a ``requests.Session`` following no redirects, so a test sees every hop:
Cognito's redirect to the IdP (the AuthnRequest), the IdP's sign-in form, the IdP's
auto-submitting form (the SAMLResponse), Cognito's redirect back to the app.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode, urljoin

import requests
from lxml import etree, html

from cognito_lab.client import pkce
from cognito_lab.idp import IdpUser, SamlProvider

from .conftest import CALLBACK
from .helpers import query_of

SAML_PROVIDER = "CorpSAML"
SIGNED_OUT = "http://localhost:8000/signed-out"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
MAPPING = {"email": "email", "name": "name", "custom:department": "department",
           "custom:groups": "groups"}


@dataclass
class SamlFederation:
    lab: object
    idp: SamlProvider
    pool_id: str
    client_id: str            # COGNITO and the SAML provider (SP-initiated sign-in)
    portal_client_id: str     # the SAML provider only (IdP-initiated sign-in allowed)
    carol: IdpUser

    @property
    def acs_url(self) -> str:
        return f"{self.lab.domain_url}/saml2/idpresponse"

    @property
    def audience(self) -> str:
        return f"urn:amazon:cognito:sp:{self.pool_id}"


@contextmanager
def saml_federation_on(lab, *, idp_init: str = "true", provider_details: dict | None = None,
                       **idp_options) -> Iterator[SamlFederation]:
    """A pool federating to a SamlProvider started with ``idp_options``; the provider's
    ProviderDetails get ``provider_details`` too (RequestSigningAlgorithm, IDPSignout)."""
    provider_details = provider_details or {}
    carol = IdpUser("carol", "Corp-Passw0rd!",
                    {"email": "carol@corp.example", "name": "Carol Corp",
                     "department": "engineering", "groups": ["staff", "admins"]})
    acs = f"{lab.domain_url}/saml2/idpresponse"
    with SamlProvider.start(users=[carol], acs_urls=[acs], **idp_options) as idp:
        cognito = lab.client("cognito-idp")
        pool_id = cognito.create_user_pool(PoolName="saml-federated", Schema=[
            {"Name": name, "AttributeDataType": "String", "Mutable": True}
            for name in ("department", "groups")])["UserPool"]["Id"]
        details = {"MetadataURL": idp.metadata_url, "IDPInit": "false", **provider_details}
        cognito.create_identity_provider(
            UserPoolId=pool_id, ProviderName=SAML_PROVIDER, ProviderType="SAML",
            ProviderDetails=details, AttributeMapping=MAPPING,
            IdpIdentifiers=["corp-saml.example"])

        def client(name: str, providers: list[str]) -> str:
            return cognito.create_user_pool_client(
                UserPoolId=pool_id, ClientName=name, CallbackURLs=[CALLBACK],
                LogoutURLs=[SIGNED_OUT], AllowedOAuthFlows=["code"],
                AllowedOAuthScopes=["openid", "email", "profile"],
                AllowedOAuthFlowsUserPoolClient=True,
                SupportedIdentityProviders=providers)["UserPoolClient"]["ClientId"]

        web, portal = client("web", ["COGNITO", SAML_PROVIDER]), client("portal",
                                                                        [SAML_PROVIDER])
        # AWS refuses an app client that adds COGNITO beside an IDPInit provider
        # (client_rules.py); IDPInit turned on afterwards is refused at sign-in instead.
        cognito.update_identity_provider(
            UserPoolId=pool_id, ProviderName=SAML_PROVIDER,
            ProviderDetails={**details, "IDPInit": idp_init})
        yield SamlFederation(lab, idp, pool_id, web, portal, carol)


@dataclass
class PostedForm:
    """An HTML form the browser submits: where, and its fields."""

    action: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def saml_response_xml(self) -> bytes:
        return base64.b64decode(self.fields["SAMLResponse"])

    def with_response(self, xml: bytes | etree._Element) -> PostedForm:
        raw = xml if isinstance(xml, bytes) else etree.tostring(xml)
        return replace(self, fields={**self.fields,
                                     "SAMLResponse": base64.b64encode(raw).decode()})

    def with_fields(self, **fields: str) -> PostedForm:
        return replace(self, fields={**self.fields, **fields})


@dataclass
class SamlHop:
    browser: requests.Session
    at_idp: str            # where Cognito sent the browser (the IdP's SSO URL)
    verifier: str


def first_hop(fed: SamlFederation, **params: str | None) -> SamlHop:
    verifier = pkce.new_verifier()
    query = {"response_type": "code", "client_id": fed.client_id, "redirect_uri": CALLBACK,
             "scope": "openid email profile", "state": "app-state-1",
             "code_challenge": pkce.s256_challenge(verifier), "code_challenge_method": "S256",
             "identity_provider": SAML_PROVIDER}
    query.update(params)
    browser = requests.Session()
    answer = browser.get(f"{fed.lab.domain_url}/oauth2/authorize?"
                         f"{urlencode({k: v for k, v in query.items() if v is not None})}",
                         allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return SamlHop(browser, answer.headers["Location"], verifier)


def authn_request(hop: SamlHop) -> etree._Element:
    """The AuthnRequest Cognito sent (HTTP-Redirect binding: inflate, then parse)."""
    encoded = query_of(hop.at_idp)["SAMLRequest"]
    return etree.fromstring(zlib.decompress(base64.b64decode(encoded), -15))


def form_of(page: requests.Response) -> PostedForm:
    form = html.fromstring(page.text).forms[0]
    return PostedForm(urljoin(page.url, form.action),
                      {i.name: i.value or "" for i in form.inputs if i.name})


def sign_in_at_idp(fed: SamlFederation, browser: requests.Session, url: str) -> PostedForm:
    """Open the IdP's sign-in page at ``url``, sign in as carol; return the form the IdP
    has the browser post to Cognito."""
    page = browser.get(url, timeout=10)
    assert page.status_code == 200, page.text
    login = form_of(page).with_fields(username=fed.carol.username,
                                      password=fed.carol.password)
    answer = browser.post(login.action, data=login.fields, timeout=10)
    assert answer.status_code == 200, answer.text
    return form_of(answer)


def post_to_cognito(browser: requests.Session, form: PostedForm) -> requests.Response:
    return browser.post(form.action, data=form.fields, allow_redirects=False, timeout=10)


def idp_initiated_form(fed: SamlFederation, browser: requests.Session, *,
                       client_id: str | None = None, **relay: str) -> PostedForm:
    """IdP-initiated sign-in: the dashboard link names Cognito and the authorize
    parameters Cognito will read from RelayState."""
    relay_state = {"identity_provider": SAML_PROVIDER,
                   "client_id": client_id or fed.portal_client_id,
                   "redirect_uri": CALLBACK, "response_type": "code",
                   "scope": "openid email", **relay}
    return sign_in_at_idp(fed, browser, fed.idp.idp_initiated_url(
        sp_entity_id=fed.audience, acs_url=fed.acs_url, relay_state=urlencode(relay_state)))


def redeem(fed: SamlFederation, code: str, verifier: str | None = None, *,
           client_id: str | None = None) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "client_id": client_id or fed.client_id}
    if verifier is not None:
        data["code_verifier"] = verifier
    return requests.post(f"{fed.lab.domain_url}/oauth2/token", data=data, timeout=10)


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"
