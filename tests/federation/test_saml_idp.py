"""The kit's SAML IdP on its own (no lab): what it publishes, what it accepts, what it
signs (SAML metadata 2.0 §2.4.3; SAML bindings 2.0 §3.4 and §3.5; SAML profiles 2.0
§4.1)."""

from __future__ import annotations

import base64
import datetime as dt
import zlib
from urllib.parse import urlencode

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner, XMLVerifier

from cognito_lab.idp import IdpUser, SamlProvider

from .saml_helpers import DS, SAML, form_of, q

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
ACS = "http://127.0.0.1:9/saml2/idpresponse"
SP = "urn:amazon:cognito:sp:us-east-1_Example"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def authn_request(idp: SamlProvider, acs: str = ACS) -> bytes:
    return (f'<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            f'xmlns:saml="{SAML}" ID="_req-1" Version="2.0" '
            f'IssueInstant="2030-01-01T00:00:00Z" Destination="{idp.sso_url}" '
            f'AssertionConsumerServiceURL="{acs}" '
            'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
            f"<saml:Issuer>{SP}</saml:Issuer></samlp:AuthnRequest>").encode()


def redirect_url(idp: SamlProvider, xml: bytes) -> str:
    deflater = zlib.compressobj(wbits=-15)
    encoded = base64.b64encode(deflater.compress(xml) + deflater.flush()).decode()
    return f"{idp.sso_url}?{urlencode({'SAMLRequest': encoded, 'RelayState': 'rs-1'})}"


def signed_in(idp: SamlProvider, page: requests.Response, browser: requests.Session,
              user: IdpUser) -> etree._Element:
    login = form_of(page).with_fields(username=user.username, password=user.password)
    answer = browser.post(login.action, data=login.fields, timeout=10)
    assert answer.status_code == 200, answer.text
    posted = form_of(answer)
    assert posted.action == ACS and posted.fields["RelayState"] == "rs-1"
    return etree.fromstring(posted.saml_response_xml)


@pytest.fixture(scope="module")
def dana():
    return IdpUser("dana", "Dana-Passw0rd!", {"email": "dana@corp.example"})


@pytest.fixture(scope="module")
def idp(dana):
    with SamlProvider.start(users=[dana]) as provider:
        yield provider


def test_metadata_publishes_the_signing_certificate_and_both_bindings(idp):
    """SAML metadata 2.0 §2.4.3: entityID, KeyDescriptor use="signing", SSO services."""
    answer = requests.get(idp.metadata_url, timeout=10)
    root = etree.fromstring(answer.content)
    assert root.get("entityID") == idp.entity_id
    [key] = root.iter(q(MD, "KeyDescriptor"))
    assert key.get("use") == "signing"
    published = x509.load_der_x509_certificate(
        base64.b64decode(key.findtext(f".//{q(DS, 'X509Certificate')}")))
    assert published == x509.load_pem_x509_certificate(idp.certificate_pem.encode())
    bindings = {s.get("Binding"): s.get("Location")
                for s in root.iter(q(MD, "SingleSignOnService"))}
    assert set(bindings) == {"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                             "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"}
    assert set(bindings.values()) == {idp.sso_url}


def test_redirect_binding_signs_in_and_posts_a_signed_assertion(idp, dana):
    """SAML bindings §3.4 in, §3.5 out; profiles §4.1.4.2: the assertion answers the
    request and is signed with the published certificate."""
    browser = requests.Session()
    response = signed_in(idp, browser.get(redirect_url(idp, authn_request(idp)), timeout=10),
                         browser, dana)
    assert response.get("InResponseTo") == "_req-1"
    verified = XMLVerifier().verify(etree.tostring(response), x509_cert=idp.certificate_pem)
    assertion = verified.signed_xml
    assert assertion.tag == q(SAML, "Assertion")
    assert assertion.findtext(f".//{q(SAML, 'NameID')}") == dana.sub
    assert assertion.findtext(f".//{q(SAML, 'Audience')}") == SP
    data = assertion.find(f".//{q(SAML, 'SubjectConfirmationData')}")
    assert data.get("Recipient") == ACS and data.get("InResponseTo") == "_req-1"


def test_post_binding_is_accepted_too(idp):
    """SAML bindings §3.5.4: SAMLRequest base64-encoded (not deflated) in a form."""
    answer = requests.post(idp.sso_url, timeout=10, data={
        "SAMLRequest": base64.b64encode(authn_request(idp)).decode(), "RelayState": "rs-1"})
    assert answer.status_code == 200 and form_of(answer).fields["token"]


def test_an_email_address_name_id(dana):
    """SAML core 8.3.2: the emailAddress NameID format carries the user's email."""
    with SamlProvider.start(users=[dana], name_id_format="emailAddress") as provider:
        browser = requests.Session()
        response = signed_in(provider, browser.get(
            redirect_url(provider, authn_request(provider)), timeout=10), browser, dana)
    name_id = response.find(f".//{q(SAML, 'NameID')}")
    assert name_id.text == "dana@corp.example"
    assert name_id.get("Format") == "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"


def test_responses_go_only_to_known_assertion_consumer_services(dana):
    """SAML profiles §4.1.4.1: the IdP posts only to an ACS it trusts (configured URLs;
    with none, loopback ones)."""
    with SamlProvider.start(users=[dana], acs_urls=[ACS]) as provider:
        elsewhere = "http://127.0.0.1:9/other"
        refused = requests.get(redirect_url(provider, authn_request(provider, elsewhere)),
                               timeout=10)
        assert refused.status_code == 400 and "SAMLResponse" not in refused.text
    with SamlProvider.start(users=[dana]) as provider:
        refused = requests.get(redirect_url(provider, authn_request(
            provider, "https://evil.example/acs")), timeout=10)
        assert refused.status_code == 400 and "SAMLResponse" not in refused.text


def test_a_wrong_password_shows_the_form_again(idp, dana):
    """SAML profiles §4.1.4.2: no Response for a user who did not authenticate."""
    browser = requests.Session()
    page = browser.get(redirect_url(idp, authn_request(idp)), timeout=10)
    login = form_of(page).with_fields(username=dana.username, password="wrong")
    answer = browser.post(login.action, data=login.fields, timeout=10)
    assert answer.status_code == 400 and "SAMLResponse" not in answer.text


def _sp_key_and_certificate() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sp")])
    now = dt.datetime.now(dt.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(1)
                   .not_valid_before(now - dt.timedelta(minutes=1))
                   .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    return key, certificate.public_bytes(serialization.Encoding.PEM).decode()


def _signed_redirect_url(idp: SamlProvider, xml: bytes, key: rsa.RSAPrivateKey,
                         endpoint: str | None = None) -> str:
    deflater = zlib.compressobj(wbits=-15)
    encoded = base64.b64encode(deflater.compress(xml) + deflater.flush()).decode()
    signed = urlencode({"SAMLRequest": encoded, "RelayState": "rs-1", "SigAlg": RSA_SHA256})
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return (f"{endpoint or idp.sso_url}?{signed}&"
            f"{urlencode({'Signature': base64.b64encode(signature)})}")


def test_given_the_sps_certificate_the_idp_wants_signed_authn_requests(dana):
    """SAML metadata §2.4.3 (WantAuthnRequestsSigned); SAML bindings §3.4.4.1 (redirect:
    SigAlg and Signature over the query) and §3.5.4 (POST: an enveloped XML signature)."""
    key, certificate = _sp_key_and_certificate()
    with SamlProvider.start(users=[dana], sp_certificate_pem=certificate) as provider:
        assert 'WantAuthnRequestsSigned="true"' in provider.metadata_xml
        xml = authn_request(provider)
        assert requests.get(redirect_url(provider, xml), timeout=10).status_code == 400
        assert requests.get(_signed_redirect_url(provider, xml, key),
                            timeout=10).status_code == 200
        unsigned = {"SAMLRequest": base64.b64encode(xml).decode(), "RelayState": "rs-1"}
        assert requests.post(provider.sso_url, data=unsigned, timeout=10).status_code == 400
        signed_xml = etree.tostring(XMLSigner().sign(etree.fromstring(xml), key=key,
                                                     cert=certificate))
        signed = {"SAMLRequest": base64.b64encode(signed_xml).decode(), "RelayState": "rs-1"}
        assert requests.post(provider.sso_url, data=signed, timeout=10).status_code == 200


def test_a_logout_request_needs_a_trusted_signature(idp, dana):
    """SAML profiles §4.4.4.1: a LogoutRequest by HTTP-Redirect must be signed; an IdP
    that was given no service provider certificate accepts none, and a signed one from
    an unknown key ends no session."""
    logout = (f'<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
              f'xmlns:saml="{SAML}" ID="_lo-1" Version="2.0" '
              'IssueInstant="2030-01-01T00:00:00Z">'
              f"<saml:Issuer>{SP}</saml:Issuer><saml:NameID>{dana.sub}</saml:NameID>"
              "</samlp:LogoutRequest>").encode()
    key, _certificate = _sp_key_and_certificate()
    answer = requests.get(_signed_redirect_url(idp, logout, key, idp.slo_url), timeout=10)
    assert answer.status_code == 400 and "SAMLResponse" not in answer.text
    trusted, certificate = _sp_key_and_certificate()
    with SamlProvider.start(users=[dana], sp_certificate_pem=certificate,
                            sp_logout_url="http://127.0.0.1:9/saml2/logout") as provider:
        browser = requests.Session()
        signed_in(provider, browser.get(_signed_redirect_url(
            provider, authn_request(provider), trusted), timeout=10), browser, dana)
        assert provider.sessions and provider.sessions[0].name_id == dana.sub
        answer = requests.get(_signed_redirect_url(provider, logout, key, provider.slo_url),
                              timeout=10)
        assert answer.status_code == 400 and provider.sessions
