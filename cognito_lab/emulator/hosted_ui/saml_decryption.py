"""An EncryptedAssertion decrypted with the provider's key, in place, before any check.

AWS, "SAML signing and encryption" (Accepting encrypted SAML responses from your IdP): the
IdP encrypts the response with the public key of the provider's encryption certificate
"as defined by the SAML 2.0 specification" (SAML core 2.0 §2.3.4 ``EncryptedAssertion``,
§6: XML Encryption, an ``xenc:EncryptedData`` of Type Element whose content key comes in
an ``xenc:EncryptedKey``), and the user pool decrypts it with the private key.

python-xmlsec (libxmlsec1) does the XML Encryption. What the lab accepts, since AWS lists
no algorithms (a lab choice, docs/fidelity.md): key transport RSA-OAEP
(``xmlenc#rsa-oaep-mgf1p``, what XML Encryption requires every implementation to have)
and content encryption AES-128/192/256 in CBC or GCM mode; RSA PKCS#1 v1.5 and
triple-DES (broken, or deprecated by XML Encryption 1.1) are refused, and so is anything
that points outside the document (``CipherReference``, a ``URI`` not ``#...``).

The decrypted Assertion takes the EncryptedAssertion's place, and the whole document is
serialized again: saml_validation.py then runs every check (the signature first) on that
document, exactly as on a Response that came unencrypted.
"""

from __future__ import annotations

from typing import Any

import xmlsec
from lxml import etree

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
ELEMENT = f"{XENC}Element"
KEY_TRANSPORT = (f"{XENC}rsa-oaep-mgf1p",)
CONTENT_ENCRYPTION = (f"{XENC}aes128-cbc", f"{XENC}aes192-cbc", f"{XENC}aes256-cbc",
                      f"{XENC11}aes128-gcm", f"{XENC11}aes192-gcm", f"{XENC11}aes256-gcm")


class DecryptionRefused(Exception):
    """An EncryptedAssertion the lab does not decrypt; the message says why."""


def decrypted_response(root: Any, encrypted_assertion: Any, private_pem: bytes) -> bytes:
    """The Response (``root``) serialized again with ``encrypted_assertion`` replaced by
    the Assertion it holds; DecryptionRefused if it can't be decrypted with the key."""
    data = encrypted_assertion.findall(f"{{{XENC}}}EncryptedData")
    if len(data) != 1:
        raise DecryptionRefused("the EncryptedAssertion must hold exactly one EncryptedData")
    _check_algorithms(encrypted_assertion, data[0])
    manager = xmlsec.KeysManager()
    try:
        manager.add_key(xmlsec.Key.from_memory(private_pem, xmlsec.constants.KeyDataFormatPem))
        decrypted = xmlsec.EncryptionContext(manager).decrypt(data[0])
    except (xmlsec.Error, etree.LxmlError, ValueError, TypeError) as exc:
        raise DecryptionRefused("the EncryptedAssertion can't be decrypted with the "
                                "provider's encryption key (ActiveEncryptionCertificate)") \
            from exc
    assertions = [child for child in encrypted_assertion if child.tag == f"{{{SAML}}}Assertion"]
    if not isinstance(decrypted, etree._Element) or len(assertions) != 1 \
            or decrypted is not assertions[0]:
        raise DecryptionRefused("the EncryptedAssertion must decrypt to one Assertion")
    encrypted_assertion.getparent().replace(encrypted_assertion, decrypted)
    return etree.tostring(root)


def _check_algorithms(encrypted_assertion: Any, data: Any) -> None:
    if data.get("Type") != ELEMENT:
        raise DecryptionRefused("the EncryptedData must encrypt an element (Type "
                                f"{ELEMENT})")
    if _algorithm(data) not in CONTENT_ENCRYPTION:
        raise DecryptionRefused("the assertion is encrypted with an algorithm Cognito's lab "
                                "does not accept; use AES-128/192/256 in CBC or GCM mode")
    keys = encrypted_assertion.findall(f".//{{{XENC}}}EncryptedKey")
    if not keys or any(_algorithm(key) not in KEY_TRANSPORT for key in keys):
        raise DecryptionRefused("the content key must come in an EncryptedKey, with RSA-OAEP "
                                f"({KEY_TRANSPORT[0]})")
    for element in encrypted_assertion.iter():
        uri = element.get("URI")
        if element.tag == f"{{{XENC}}}CipherReference" or (uri and not uri.startswith("#")):
            raise DecryptionRefused("the EncryptedAssertion refers to something outside the "
                                    "Response")


def _algorithm(element: Any) -> str | None:
    method = element.find(f"{{{XENC}}}EncryptionMethod")
    return None if method is None else method.get("Algorithm")
