"""Encrypted SAML responses (AWS, "SAML signing and encryption": Accepting encrypted SAML
responses from your IdP; CreateIdentityProvider and DescribeIdentityProvider, SAML
ProviderDetails ``EncryptedResponses`` and ``ActiveEncryptionCertificate``; SAML core 2.0
§2.3.4 EncryptedAssertion and §6; XML Encryption 1.1)."""

from __future__ import annotations

import base64
import datetime as dt

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from cognito_lab.certificates import self_signed

from .conftest import CALLBACK
from .saml_helpers import (
    SAML,
    SAML_PROVIDER,
    first_hop,
    post_to_cognito,
    q,
    query_of,
    redeem,
    saml_federation_on,
    sign_in_at_idp,
)

XENC = "http://www.w3.org/2001/04/xmlenc#"


def describe(fed, name: str = SAML_PROVIDER) -> dict:
    return fed.lab.client("cognito-idp").describe_identity_provider(
        UserPoolId=fed.pool_id, ProviderName=name)["IdentityProvider"]["ProviderDetails"]


def encryption_certificate(fed) -> str:
    return describe(fed)["ActiveEncryptionCertificate"]


@pytest.fixture(scope="module")
def encrypted_federation(lab):
    """A provider with EncryptedResponses "true", and an IdP given its certificate."""
    with saml_federation_on(lab, provider_details={"EncryptedResponses": "true"}) as fed:
        yield fed


@pytest.fixture
def fed(encrypted_federation):
    """The encrypted federation, its IdP encrypting for Cognito's certificate again
    after every test."""
    encrypted_federation.idp.reset()
    encrypted_federation.idp.encrypt_assertions(encryption_certificate(encrypted_federation))
    yield encrypted_federation
    encrypted_federation.idp.reset()
    encrypted_federation.idp.encrypt_assertions(encryption_certificate(encrypted_federation))


def posted_form(fed):
    hop = first_hop(fed)
    return hop, sign_in_at_idp(fed, hop.browser, hop.at_idp)


def signed_in_email(fed, hop, answer) -> str:
    assert answer.status_code == 302, answer.text
    back = query_of(answer.headers["Location"])
    assert answer.headers["Location"].startswith(CALLBACK)
    assert "error" not in back, back
    tokens = redeem(fed, back["code"], hop.verifier)
    assert tokens.status_code == 200, tokens.text
    return jwt.decode(tokens.json()["id_token"], options={"verify_signature": False})["email"]


def refused(answer, reason_word: str) -> None:
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(CALLBACK)
    back = query_of(answer.headers["Location"])
    assert back["error"] == "invalid_request" and "code" not in back
    assert reason_word.lower() in answer.headers["x-cognito-lab-reason"].lower()


def other_certificate_pem() -> str:
    _, certificate = self_signed("someone-else", days=30)
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


# -- CreateIdentityProvider / Describe ----------------------------------------------------
def test_describe_shows_the_providers_active_encryption_certificate(fed):
    """AWS, "SAML signing and encryption": Cognito assigns an RSA key pair and a
    certificate to each SAML provider (valid for 10 years; not the pool's signing
    certificate); with EncryptedResponses "true" Describe shows it as
    ActiveEncryptionCertificate, which a request can't set."""
    cognito = fed.lab.client("cognito-idp")
    shown = encryption_certificate(fed)
    certificate = x509.load_der_x509_certificate(base64.b64decode(shown))
    assert isinstance(certificate.public_key(), rsa.RSAPublicKey)
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert dt.timedelta(days=3650) <= lifetime <= dt.timedelta(days=3660)
    assert shown != cognito.get_signing_certificate(UserPoolId=fed.pool_id)["Certificate"]

    details = describe(fed)
    cognito.update_identity_provider(
        UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
        ProviderDetails={**details, "ActiveEncryptionCertificate": other_certificate_pem()})
    assert encryption_certificate(fed) == shown          # kept through Updates, not taken

    cognito.update_identity_provider(
        UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
        ProviderDetails={**details, "EncryptedResponses": "false"})
    assert "ActiveEncryptionCertificate" not in describe(fed)
    cognito.update_identity_provider(UserPoolId=fed.pool_id, ProviderName=SAML_PROVIDER,
                                     ProviderDetails=details)
    assert encryption_certificate(fed) == shown

    cognito.create_identity_provider(
        UserPoolId=fed.pool_id, ProviderName="OtherSAML", ProviderType="SAML",
        ProviderDetails={"MetadataFile": fed.idp.metadata_xml, "EncryptedResponses": "true"})
    try:
        assert describe(fed, "OtherSAML")["ActiveEncryptionCertificate"] != shown
    finally:
        cognito.delete_identity_provider(UserPoolId=fed.pool_id, ProviderName="OtherSAML")


# -- /saml2/idpresponse -------------------------------------------------------------------
@pytest.mark.parametrize("cipher", ["aes256-gcm", "aes128-cbc"])
def test_an_encrypted_signed_assertion_signs_in(fed, cipher):
    """AWS, "SAML signing and encryption": the IdP encrypts the assertion with the
    provider's public key; the user pool decrypts it with the private key and signs the
    user in. The browser carries no readable assertion."""
    fed.idp.encrypt_assertions(encryption_certificate(fed), cipher=cipher)
    hop, form = posted_form(fed)
    posted = etree.fromstring(form.saml_response_xml)
    assert posted.find(q(SAML, "Assertion")) is None
    assert posted.find(q(SAML, "EncryptedAssertion")) is not None
    assert b"carol@corp.example" not in form.saml_response_xml
    assert signed_in_email(fed, hop, post_to_cognito(hop.browser, form)) == \
        "carol@corp.example"


def test_an_assertion_encrypted_for_another_certificate_is_refused(fed):
    """AWS, "SAML signing and encryption": assertions must be encrypted with the key
    Cognito provides; no external key can be configured."""
    fed.idp.encrypt_assertions(other_certificate_pem())
    hop, form = posted_form(fed)
    refused(post_to_cognito(hop.browser, form), "decrypt")


def test_a_tampered_ciphertext_is_refused(fed):
    """AWS, "SAML signing and encryption" (the user pool decrypts with the private key);
    XML Encryption 1.1 (AES-GCM authenticates the ciphertext): a changed CipherValue
    does not decrypt; the Response is refused, not half read."""
    hop, form = posted_form(fed)
    root = etree.fromstring(form.saml_response_xml)
    value = root.find(f"{q(SAML, 'EncryptedAssertion')}/{q(XENC, 'EncryptedData')}/"
                      f"{q(XENC, 'CipherData')}/{q(XENC, 'CipherValue')}")
    octets = bytearray(base64.b64decode(value.text))
    octets[len(octets) // 2] ^= 0x01
    value.text = base64.b64encode(bytes(octets)).decode()
    refused(post_to_cognito(hop.browser, form.with_response(root)), "decrypt")


def test_an_unencrypted_assertion_is_refused_when_encryption_is_on(fed):
    """AWS, "SAML signing and encryption": with response encryption on, the connection
    isn't functional until the IdP encrypts all SAML assertions with the provided key."""
    fed.idp.encrypt_assertions(None)
    hop, form = posted_form(fed)
    refused(post_to_cognito(hop.browser, form), "encrypted")


@pytest.mark.parametrize("signing", ["foreign key", "unsigned"])
def test_the_decrypted_assertion_must_still_be_signed_by_the_idp(fed, signing):
    """AWS, "Things to know about SAML IdPs" (signing certificates): encryption hides the
    assertion, it doesn't vouch for it; after decryption the assertion's signature is
    checked against the metadata's certificates as for any assertion."""
    if signing == "foreign key":
        fed.idp.override_signing(foreign_key=True)
    else:
        fed.idp.override_signing(sign="nothing")
    hop, form = posted_form(fed)
    refused(post_to_cognito(hop.browser, form), "sign")


def test_a_weak_key_transport_is_refused(fed):
    """The lab's choice (AWS, "SAML signing and encryption", lists no algorithms): the
    content key must be wrapped with RSA-OAEP; RSA PKCS#1 v1.5 (Bleichenbacher's padding
    oracle) is refused."""
    hop, form = posted_form(fed)
    root = etree.fromstring(form.saml_response_xml)
    method = root.find(f".//{q(XENC, 'EncryptedKey')}/{q(XENC, 'EncryptionMethod')}")
    method.set("Algorithm", f"{XENC}rsa-1_5")
    refused(post_to_cognito(hop.browser, form.with_response(root)), "RSA-OAEP")


def test_a_response_signed_around_the_encrypted_assertion_is_refused(fed):
    """The lab's choice (AWS, "SAML signing and encryption", says nothing of it): the
    Response's signature can't be checked once the assertion is decrypted, so the IdP
    must sign the Assertion before encrypting it."""
    fed.idp.override_signing(sign="both")
    hop, form = posted_form(fed)
    refused(post_to_cognito(hop.browser, form), "encrypt")


def test_an_encrypted_assertion_is_refused_when_encryption_is_off(saml_federation):
    """The lab's choice (AWS, "SAML signing and encryption", documents decryption only
    for a provider with EncryptedResponses "true"): an EncryptedAssertion from any other provider is
    refused."""
    fed = saml_federation
    fed.idp.encrypt_assertions(other_certificate_pem())
    try:
        hop, form = posted_form(fed)
        refused(post_to_cognito(hop.browser, form), "EncryptedAssertion")
    finally:
        fed.idp.encrypt_assertions(None)
