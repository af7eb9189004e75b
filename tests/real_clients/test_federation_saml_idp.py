"""SAML federation with an IdP nobody here wrote: samlify (npm) as an IdentityProvider,
configured through CreateIdentityProvider as a user configures their corporate IdP.

The IdP runs in node (saml_idp.mjs, on 127.0.0.1) and knows the user pool as AWS tells an
administrator to describe it: entity ID ``urn:amazon:cognito:sp:<user pool id>``, ACS URL
``<domain>/saml2/idpresponse`` (HTTP-POST). Its key and self-signed certificate are made
here, as an administrator makes (or downloads) them. The pool reads the IdP's metadata
from its URL or from the file; the browser is played here with ``requests``:
/oauth2/authorize -> the IdP's SSO URL (HTTP-Redirect AuthnRequest, RelayState) -> its
sign-in form -> the auto-submitting form (HTTP-POST SAMLResponse, RelayState) ->
/saml2/idpresponse -> the app's callback; the app redeems its code at /oauth2/token.

AWS pages: "Using SAML identity providers with a user pool", "Things to know about SAML
IdPs in Amazon Cognito user pools", "Configuring your third-party SAML identity provider",
"SAML session initiation in Amazon Cognito user pools", "The IdP SAML assertion endpoint",
"Specifying identity provider attribute mappings for your user pool"; API reference:
CreateIdentityProvider.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from cognito_lab.lab import new_password

from .federation_flow import (
    APP_STATE,
    FederatedPool,
    SignIn,
    federate,
    first_hop,
    new_pool,
    query_of,
)

SCRIPT = "saml_idp.mjs"
PACKAGE = "samlify"
BY_URL, BY_FILE = "CorpSamlUrl", "CorpSamlFile"
EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"


def signing_key_and_certificate() -> tuple[str, str]:
    """The IdP's RSA key and a self-signed certificate valid for a year (PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "corp-saml-idp")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=365))
                   .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


class _Forms(HTMLParser):
    """The forms of a page: action and input name -> value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.forms.append((found.get("action") or "", {}))
        elif tag == "input" and self.forms and found.get("name"):
            self.forms[-1][1][str(found["name"])] = found.get("value") or ""


def form_of(page: str, base: str) -> tuple[str, dict[str, str]]:
    parser = _Forms()
    parser.feed(page)
    assert parser.forms, page[:500]
    action, fields = parser.forms[0]
    return urljoin(base, action), fields


@pytest.fixture(scope="module")
def account() -> dict[str, str]:
    number = uuid.uuid4().hex[:8]
    return {"sub": f"corp-saml-{number}", "username": f"erin-{number}",
            "password": new_password(), "email": f"erin-{number}@corp.example",
            "name": "Erin Saml"}


@pytest.fixture(scope="module")
def pool_id(lab) -> str:
    return new_pool(lab, "npm-saml")


@pytest.fixture(scope="module")
def idp(node_project, lab, pool_id, account):
    """samlify's IdP, its service provider the user pool."""
    key_pem, cert_pem = signing_key_and_certificate()
    with node_project.steps(SCRIPT, spEntityId=f"urn:amazon:cognito:sp:{pool_id}",
                            acsUrl=f"{lab.domain_url}/saml2/idpresponse", keyPem=key_pem,
                            certPem=cert_pem, account=account) as driver:
        yield driver


@pytest.fixture(scope="module")
def corp(lab, pool_id, idp) -> FederatedPool:
    """The IdP added twice, as an administrator can: by its metadata URL and by the
    metadata document itself."""
    mapping = {"email": EMAIL, "name": NAME}
    return federate(lab, pool_id, {
        BY_URL: {"ProviderType": "SAML", "AttributeMapping": mapping,
                 "ProviderDetails": {"MetadataURL": idp.started["metadataUrl"]}},
        BY_FILE: {"ProviderType": "SAML", "AttributeMapping": mapping,
                  "ProviderDetails": {"MetadataFile": idp.started["metadata"]}}})


@pytest.fixture
def signing(idp):
    """Set what the IdP signs for one test; back to both afterwards."""
    def choose(mode: str) -> None:
        idp.ok("signing", mode=mode)
    yield choose
    idp.ok("signing", mode="both")


def events(idp, kind: str) -> list[dict]:
    return [e for e in idp.ok("events")["events"] if e["type"] == kind]


def signed_parts(response_xml: str) -> set[str]:
    """Which of the Response and its Assertion carry an enveloped XML signature."""
    root = etree.fromstring(response_xml.encode())
    assertion = root.find(f"{{{SAML}}}Assertion")
    return ({"response"} if root.find(f"{{{DS}}}Signature") is not None else set()) | \
        ({"assertion"} if assertion.find(f"{{{DS}}}Signature") is not None else set())


def at_the_idp(sign_in: SignIn, account) -> tuple[str, dict[str, str]]:
    """The browser at the IdP: the AuthnRequest (HTTP-Redirect), the sign-in form, the
    auto-submitting form. Return where it posts and what (SAMLResponse, RelayState)."""
    page = sign_in.browser.get(sign_in.at_idp, allow_redirects=False, timeout=10)
    assert page.status_code == 200, page.text[:1000]
    action, fields = form_of(page.text, page.url)
    posted = sign_in.browser.post(action, allow_redirects=False, timeout=10, data={
        **fields, "username": account["username"], "password": account["password"]})
    assert posted.status_code == 200 and "SAMLResponse" in posted.text, posted.text[:1000]
    return form_of(posted.text, posted.url)


def signed_in(corp, account, provider: str = BY_URL) -> tuple[dict, dict]:
    """The whole flow; the ID and access tokens' claims."""
    sign_in = first_hop(corp, provider)
    acs, form = at_the_idp(sign_in, account)
    assert acs == f"{corp.lab.domain_url}/saml2/idpresponse"
    return sign_in.tokens_at_callback(sign_in.back_at_cognito(acs, form))


def test_the_pinned_version_runs(idp):
    pinned = json.loads((Path(__file__).parent / "package.json").read_text())
    assert idp.started["version"] == pinned["dependencies"][PACKAGE]


def test_create_identity_provider_takes_the_idps_metadata(corp, idp):
    """AWS, CreateIdentityProvider (SAML: MetadataURL or MetadataFile) and "Adding and
    managing SAML identity providers in a user pool": the pool keeps the provider, by URL
    or by document, with the single sign-on URL it read in the metadata
    (SSORedirectBindingURI), and the app client may use both."""
    cognito = corp.lab.client("cognito-idp")
    by_url = cognito.describe_identity_provider(UserPoolId=corp.pool_id,
                                                ProviderName=BY_URL)["IdentityProvider"]
    by_file = cognito.describe_identity_provider(UserPoolId=corp.pool_id,
                                                 ProviderName=BY_FILE)["IdentityProvider"]
    assert by_url["ProviderType"] == by_file["ProviderType"] == "SAML"
    assert by_url["ProviderDetails"]["MetadataURL"] == idp.started["metadataUrl"]
    assert by_file["ProviderDetails"]["MetadataFile"] == idp.started["metadata"]
    for described in (by_url, by_file):      # what Cognito read in samlify's metadata
        assert described["ProviderDetails"]["SSORedirectBindingURI"] == idp.started["ssoUrl"]
        assert "SLORedirectBindingURI" not in described["ProviderDetails"]   # none published


def test_first_hop_is_an_authn_request_the_idp_accepts(corp, idp, pool_id):
    """AWS, "SAML session initiation in Amazon Cognito user pools" (SP-initiated) and
    "Things to know about SAML IdPs": the browser goes to the IdP's SSO URL with a SAML
    request (HTTP-Redirect) and a RelayState; the request comes from the pool's entity ID
    and passes samlify's SAML schema validation."""
    sign_in = first_hop(corp)
    assert sign_in.at_idp.startswith(f"{idp.started['ssoUrl']}?")
    sent = query_of(sign_in.at_idp)
    assert sent["SAMLRequest"] and sent["RelayState"]
    assert APP_STATE not in sent["RelayState"]            # Cognito's own, not the app's
    page = sign_in.browser.get(sign_in.at_idp, allow_redirects=False, timeout=10)
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:1000]
    [seen] = [e for e in events(idp, "AuthnRequest")
              if e.get("relayState") == sent["RelayState"]]
    assert "error" not in seen, seen
    assert seen["issuer"] == f"urn:amazon:cognito:sp:{pool_id}"
    if seen["acsUrl"] is not None:
        assert seen["acsUrl"] == f"{corp.lab.domain_url}/saml2/idpresponse"


@pytest.mark.parametrize("provider", [BY_URL, BY_FILE])
def test_the_whole_flow_signs_in_a_federated_user(corp, idp, account, provider):
    """AWS, "Using SAML identity providers with a user pool", "The IdP SAML assertion
    endpoint" and "Specifying identity provider attribute mappings for your user pool":
    the user is ``<ProviderName>_<NameID>`` with ``identities`` and the mapped attributes,
    the RelayState comes back unchanged, and the app's code redeems for tokens the kit's
    verifier accepts."""
    claims, access = signed_in(corp, account, provider)
    username = f"{provider}_{account['sub']}"
    assert claims["cognito:username"] == username and access["username"] == username
    assert claims["email"] == account["email"] and claims["name"] == account["name"]
    assert claims["cognito:groups"] == [f"{corp.pool_id}_{provider}"]
    [identity] = claims["identities"]
    assert identity["userId"] == account["sub"] and identity["providerName"] == provider
    assert identity["providerType"] == "SAML" and identity["primary"] == "true"
    [response] = events(idp, "Response")[-1:]
    assert signed_parts(response["xml"]) == {"response", "assertion"}


@pytest.mark.parametrize("mode", ["assertion", "response"])
def test_an_idp_may_sign_the_assertion_or_the_response(corp, idp, account, signing, mode):
    """AWS, "Things to know about SAML IdPs": the pool accepts an assertion that matches a
    signing certificate of the metadata. IdPs differ in what they sign by default (the
    Assertion, the Response around it, or both as above); each verifies."""
    signing(mode)
    claims, _ = signed_in(corp, account)
    assert claims["cognito:username"] == f"{BY_URL}_{account['sub']}"
    [response] = events(idp, "Response")[-1:]
    assert signed_parts(response["xml"]) == {mode}


def test_a_replayed_response_is_refused(corp, idp, account):
    """AWS, "Things to know about SAML IdPs" (No replayed assertions): the same SAML
    response posted to /saml2/idpresponse a second time signs nobody in."""
    sign_in = first_hop(corp)
    acs, form = at_the_idp(sign_in, account)
    first = sign_in.back_at_cognito(acs, form)
    assert first.status_code == 302 and "code" in query_of(first.headers["Location"])
    again = sign_in.back_at_cognito(acs, form)
    if again.status_code == 302:
        assert "code" not in query_of(again.headers["Location"]), again.headers
    else:
        assert again.status_code == 400, again.status_code
