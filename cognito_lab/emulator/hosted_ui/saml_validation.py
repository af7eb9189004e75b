"""What Cognito checks in a SAML Response before it believes a word of it.

AWS, "Things to know about SAML IdPs" (signing certificates; no replayed assertions; user
pool ID is SP entity ID; assertion format: NameID, AudienceRestriction, InResponseTo,
SubjectConfirmationData Recipient; 4-byte UTF-8 characters), "SAML session initiation"
(IdP-initiated assertions carry no InResponseTo and were issued within the previous 6
minutes) and "The IdP SAML assertion endpoint"; SAML core 2.0 §2.3–2.7 and the Web
Browser SSO profile (SAML profiles 2.0 §4.1.4.2–4.1.4.3).

An encrypted Response is decrypted first (``saml_decryption.py``, with the provider's
key): the Assertion takes the EncryptedAssertion's place and everything below runs on the
resulting document, the signature check included. AWS, "SAML signing and encryption":
with ``EncryptedResponses`` "true" the IdP must encrypt all assertions, so an unencrypted
Assertion is refused; without it, an EncryptedAssertion is refused (the lab's choice: AWS
documents no decryption for a provider that did not ask for encryption). The lab also
refuses a signed Response around an EncryptedAssertion: its signature can't verify once
the assertion is decrypted, so the IdP must sign the Assertion before encrypting it (the
lab's choice, docs/fidelity.md).

The signature is everything, so it comes first and decides what is read afterwards:

1. Only two places may hold a signature: the Response (``Response/ds:Signature``) or its
   one Assertion (``Response/Assertion/ds:Signature``). signxml's ``XMLVerifier`` checks
   it against the signing certificates of the provider's metadata (any of them).
2. The signed element must be the element the signature sits in (enveloped): a signature
   that verifies but points at some other element (moved into ``Extensions``, into a
   ``ds:Object``, beside an evil twin) is XML signature wrapping, refused.
3. Everything about the user is read from the element signxml returns as signed, never
   from the document as received.

Then the assertion's Issuer, audience, recipient, times (by the lab's clock, with no
skew: AWS documents none) and InResponseTo, and the Response's Status.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from signxml import SignatureConfiguration, VerifyResult, XMLVerifier
from signxml.exceptions import SignXMLException

from ..user_pools.saml_metadata import SamlMetadata, XmlRefused, hardened_parser, parse_xml
from .saml_decryption import DecryptionRefused, decrypted_response

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
IDP_INITIATED_SECONDS = 6 * 60


class SamlRefused(Exception):
    """A Response Cognito does not accept; the description goes back to the app."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class Expected:
    """What this Response must say to be the answer Cognito is waiting for."""

    metadata: SamlMetadata
    audience: str                 # urn:amazon:cognito:sp:<user pool id>
    acs_url: str                  # this domain's /saml2/idpresponse
    request_id: str | None        # the AuthnRequest's ID; None for IdP-initiated sign-in
    now: float                    # the lab's clock
    # the provider's private key (PEM) when its EncryptedResponses is "true"; else None
    decryption_key: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ValidAssertion:
    assertion_id: str
    name_id: str
    attributes: dict[str, str | list[str]]
    usable_until: float           # after this, the assertion is refused as expired anyway
    name_id_format: str | None = None
    session_index: str | None = None   # the first AuthnStatement's, for single logout


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def decoded(encoded: str, element: str, what: str) -> tuple[bytes, Any]:
    """A posted SAML message (base64 XML, parsed with the hardened parser) whose root is
    ``samlp:<element>``: its bytes and root; else SamlRefused naming ``what`` it is."""
    try:
        raw = base64.b64decode("".join(encoded.split()), validate=True)
        root = parse_xml(raw)
    except (binascii.Error, ValueError) as exc:
        reason = str(exc) if isinstance(exc, XmlRefused) else "not base64"
        raise SamlRefused(f"Invalid {what}: {reason}") from exc
    if root.tag != _q(SAMLP, element):
        raise SamlRefused(f"Invalid {what}: the document is not a samlp:{element}")
    return raw, root


def validated(saml_response: str, expected: Expected) -> ValidAssertion:
    """The signed assertion's content, once every check passed; else SamlRefused."""
    raw, root = decoded(saml_response, "Response", "SAML response")
    if expected.decryption_key is not None and _encrypted(root):
        raw = _decrypted(root, expected.decryption_key)
        root = parse_xml(raw)
    _check_response(root, expected)
    assertion = _signed_assertion(raw, root, expected)
    return _checked_assertion(assertion, expected)


def _encrypted(root: Any) -> bool:
    """Whether the Response holds an EncryptedAssertion (one with no assertion at all, an
    IdP's error status, goes on to the Status check); a plain Assertion is refused."""
    if root.find(_q(SAML, "Assertion")) is not None:
        raise SamlRefused("Invalid SAML response: the provider requires encrypted "
                          "assertions (EncryptedResponses \"true\"), and this Response has "
                          "an unencrypted Assertion")
    return root.find(_q(SAML, "EncryptedAssertion")) is not None


def _decrypted(root: Any, key: bytes) -> bytes:
    """The Response with its one EncryptedAssertion decrypted in place (module docstring)."""
    encrypted = root.findall(_q(SAML, "EncryptedAssertion"))
    if len(encrypted) != 1:
        raise SamlRefused("Invalid SAML response: the Response must hold exactly one "
                          "EncryptedAssertion")
    if root.find(_q(DS, "Signature")) is not None:
        raise SamlRefused("Invalid SAML response: the Response is signed around an "
                          "EncryptedAssertion; the lab verifies the Assertion's own "
                          "signature after decryption, so sign the Assertion, then "
                          "encrypt it")
    try:
        return decrypted_response(root, encrypted[0], key)
    except DecryptionRefused as exc:
        raise SamlRefused(f"Invalid SAML response: {exc}") from exc


def _check_response(root: Any, expected: Expected) -> None:
    status = root.find(f"{_q(SAMLP, 'Status')}/{_q(SAMLP, 'StatusCode')}")
    value = status.get("Value") if status is not None else None
    if value != SUCCESS:
        raise SamlRefused(f"The identity provider answered with status {value or 'none'}")
    destination = root.get("Destination")
    if destination is not None and destination != expected.acs_url:
        raise SamlRefused("Invalid SAML response: its Destination is not this "
                          "/saml2/idpresponse")
    _check_in_response_to(root.get("InResponseTo"), expected, "Response")
    issuer = root.findtext(_q(SAML, "Issuer"))
    if issuer is not None and issuer.strip() != expected.metadata.entity_id:
        raise SamlRefused("Invalid SAML response: the Issuer is not the identity "
                          "provider's entityID")
    if root.find(_q(SAML, "EncryptedAssertion")) is not None:
        raise SamlRefused("Invalid SAML response: an EncryptedAssertion from a provider "
                          "whose EncryptedResponses is not \"true\"")
    if len(root.findall(_q(SAML, "Assertion"))) != 1:
        raise SamlRefused("Invalid SAML response: the Response must hold exactly one "
                          "Assertion")


def _check_in_response_to(value: str | None, expected: Expected, where: str) -> None:
    if expected.request_id is None:
        if value is not None:
            raise SamlRefused(f"Invalid SAML response: the {where} has an InResponseTo, "
                              "which an IdP-initiated assertion must not have")
    elif value is not None and value != expected.request_id:
        raise SamlRefused(f"Invalid SAML response: the {where}'s InResponseTo is not the "
                          "ID of Cognito's SAML request")


def _signed_assertion(raw: bytes, root: Any, expected: Expected) -> Any:
    """Steps 1-3 of the module docstring: the Assertion as signed, and only that."""
    assertion = root.find(_q(SAML, "Assertion"))
    on_response = root.find(_q(DS, "Signature")) is not None
    on_assertion = assertion.find(_q(DS, "Signature")) is not None
    if not (on_response or on_assertion):
        raise SamlRefused("Invalid SAML response: neither the Response nor its Assertion "
                          "is signed")
    signed = None
    if on_response:
        response = _verified(raw, "./", root.get("ID"), expected)
        inner = response.findall(_q(SAML, "Assertion"))
        if len(inner) != 1:
            raise SamlRefused("Invalid SAML response: the signed Response must hold "
                              "exactly one Assertion")
        signed = inner[0]
    if on_assertion:
        signed = _verified(raw, f"./{_q(SAML, 'Assertion')}/", assertion.get("ID"), expected)
    return signed


def _verified(raw: bytes, location: str, envelope_id: str | None, expected: Expected) -> Any:
    return verified_element(raw, location, envelope_id, expected.metadata, expected.now)


def verified_element(raw: bytes, location: str, envelope_id: str | None,
                     metadata: SamlMetadata, now: float) -> Any:
    """The element the signature at ``location`` signs, if it verifies with one of the
    metadata's certificates and is the element the signature sits in."""
    if not envelope_id:
        raise SamlRefused("Invalid SAML response: a signed element has no ID")
    config = SignatureConfiguration(
        location=location, expect_references=1,
        verification_time=dt.datetime.fromtimestamp(now, dt.UTC))
    for certificate in metadata.signing_certificates:
        try:
            result = XMLVerifier().verify(raw, x509_cert=certificate, parser=hardened_parser(),
                                          expect_config=config)
        except (SignXMLException, etree.LxmlError, ValueError):
            continue
        signed = result.signed_xml if isinstance(result, VerifyResult) else None
        if signed is None or signed.get("ID") != envelope_id:
            raise SamlRefused("Invalid SAML response: the signature signs another element "
                              "than the one it is in (XML signature wrapping)")
        return signed
    raise SamlRefused("Invalid SAML response: the signature does not verify with the "
                      "identity provider's signing certificates")


def _checked_assertion(assertion: Any, expected: Expected) -> ValidAssertion:
    now = expected.now
    assertion_id = assertion.get("ID") or ""
    issuer = (assertion.findtext(_q(SAML, "Issuer")) or "").strip()
    if issuer != expected.metadata.entity_id:
        raise SamlRefused("Invalid SAML response: the assertion's Issuer is not the "
                          "identity provider's entityID")
    if expected.request_id is None:
        issued = _instant(assertion.get("IssueInstant"), "IssueInstant")
        if not now - IDP_INITIATED_SECONDS <= issued <= now:
            raise SamlRefused("Invalid SAML response: an IdP-initiated assertion must have "
                              "been issued within the previous 6 minutes")
    subject = assertion.find(_q(SAML, "Subject"))
    name_id = subject.find(_q(SAML, "NameID")) if subject is not None else None
    if name_id is None or not (name_id.text or "").strip():
        raise SamlRefused("Invalid SAML response: the assertion has no NameID")
    confirmed_until = _bearer_confirmation(subject, expected)
    usable_until = _conditions(assertion, expected, confirmed_until)
    statement = assertion.find(_q(SAML, "AuthnStatement"))
    if statement is None:
        raise SamlRefused("Invalid SAML response: the assertion has no AuthnStatement")
    return ValidAssertion(assertion_id, name_id.text.strip(), _attributes(assertion),
                          usable_until, name_id_format=name_id.get("Format"),
                          session_index=statement.get("SessionIndex"))


def _bearer_confirmation(subject: Any, expected: Expected) -> float:
    """SAML profiles §4.1.4.2-3: a bearer SubjectConfirmationData with this ACS as
    Recipient, a NotOnOrAfter still ahead, and (SP-initiated) the request's ID."""
    reason = "the assertion has no bearer SubjectConfirmation"
    for confirmation in subject.findall(_q(SAML, "SubjectConfirmation")):
        if confirmation.get("Method") != BEARER:
            continue
        data = confirmation.find(_q(SAML, "SubjectConfirmationData"))
        if data is None:
            reason = "the SubjectConfirmation has no SubjectConfirmationData"
            continue
        not_on_or_after = data.get("NotOnOrAfter")
        in_response_to = data.get("InResponseTo")
        if data.get("Recipient") != expected.acs_url:
            reason = "the Recipient is not this /saml2/idpresponse"
        elif not_on_or_after is None:
            reason = "the SubjectConfirmationData has no NotOnOrAfter"
        elif _instant(not_on_or_after, "NotOnOrAfter") <= expected.now:
            reason = "the assertion has expired (SubjectConfirmationData NotOnOrAfter)"
        elif data.get("NotBefore") and _instant(data.get("NotBefore"),
                                                 "NotBefore") > expected.now:
            reason = "the assertion is not valid yet (SubjectConfirmationData NotBefore)"
        elif expected.request_id is None and in_response_to is not None:
            reason = "an IdP-initiated assertion must not have an InResponseTo"
        elif expected.request_id is not None and in_response_to != expected.request_id:
            reason = "the InResponseTo is not the ID of Cognito's SAML request"
        else:
            return _instant(not_on_or_after, "NotOnOrAfter")
    raise SamlRefused(f"Invalid SAML response: {reason}")


def _conditions(assertion: Any, expected: Expected, usable_until: float) -> float:
    """SAML core §2.5.1: NotBefore, NotOnOrAfter, and every AudienceRestriction naming
    this user pool (AWS requires one)."""
    conditions = assertion.find(_q(SAML, "Conditions"))
    restrictions = ([] if conditions is None
                    else conditions.findall(_q(SAML, "AudienceRestriction")))
    if not restrictions:
        raise SamlRefused("Invalid SAML response: the assertion has no AudienceRestriction")
    for restriction in restrictions:
        audiences = [(a.text or "").strip() for a in restriction.findall(_q(SAML, "Audience"))]
        if expected.audience not in audiences:
            raise SamlRefused(f"Invalid SAML response: the audience is not "
                              f"{expected.audience}")
    not_before = conditions.get("NotBefore")
    if not_before is not None and _instant(not_before, "NotBefore") > expected.now:
        raise SamlRefused("Invalid SAML response: the assertion is not valid yet "
                          "(Conditions NotBefore)")
    not_on_or_after = conditions.get("NotOnOrAfter")
    if not_on_or_after is not None:
        ends = _instant(not_on_or_after, "NotOnOrAfter")
        if ends <= expected.now:
            raise SamlRefused("Invalid SAML response: the assertion has expired "
                              "(Conditions NotOnOrAfter)")
        usable_until = min(usable_until, ends)
    return usable_until


def _attributes(assertion: Any) -> dict[str, str | list[str]]:
    """Each Attribute's values: one value as a string, several as a list."""
    found: dict[str, str | list[str]] = {}
    for attribute in assertion.iterfind(f"{_q(SAML, 'AttributeStatement')}/"
                                        f"{_q(SAML, 'Attribute')}"):
        name = attribute.get("Name")
        if not name:
            continue
        values = ["".join(value.itertext())
                  for value in attribute.findall(_q(SAML, "AttributeValue"))]
        if any(ord(char) > 0xFFFF for value in values for char in value):
            raise SamlRefused(f"Invalid SAML response: the attribute {name} has a 4-byte "
                              "UTF-8 character, which Cognito does not accept")
        found[name] = values[0] if len(values) == 1 else values
    return found


def _instant(value: str | None, name: str) -> float:
    """An xs:dateTime (UTC; a value without a zone is read as UTC) as epoch seconds."""
    try:
        parsed = dt.datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise SamlRefused(f"Invalid SAML response: {name} is not a date and time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()
