"""A SAML IdP's metadata, read as Cognito reads it: entity ID, signing certificates, SSO URL.

SAML metadata 2.0 (§2.3.2 EntityDescriptor, §2.4.3 IDPSSODescriptor, §2.4.1.1
KeyDescriptor: a KeyDescriptor without ``use`` is for signing too). AWS, "Adding SAML
identity providers to a user pool" and "Things to know about SAML IdPs": Cognito sends
its SAML request in a URL parameter of an HTTP GET (the HTTP-Redirect binding), accepts an
assertion signed with any signing certificate of the metadata, each certificate no longer
than 4,096 characters and not expired when the provider is configured; metadata URLs are
on the standard ports (80 for http, 443 for https).

Metadata and SAML messages come from outside: they are parsed with entities, DTDs and the
network off (``parse_xml``), never with lxml's defaults.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography import x509
from lxml import etree

from .oidc_provider_details import LOOPBACK_HOSTS

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
MAX_CERTIFICATE_CHARS = 4096
MAX_METADATA_BYTES = 1_000_000
FETCH_TIMEOUT = 10
STANDARD_PORTS = {"https": 443, "http": 80}


class MetadataError(ValueError):
    """Metadata Cognito can't use; the message says why, for the API's error."""


class XmlRefused(ValueError):
    """Untrusted XML that is not well-formed, or declares a DTD."""


def hardened_parser() -> Any:
    """lxml for untrusted XML: no entity expansion, no DTD loading, no network, no huge
    trees (XXE, billion laughs)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False)


def parse_xml(data: bytes | str) -> Any:
    """An lxml tree of untrusted XML (``hardened_parser``); a document that declares a
    DTD at all is refused."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        root = etree.fromstring(raw, parser=hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise XmlRefused(f"not well-formed XML: {exc}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRefused("a DTD is not allowed in a SAML document")
    return root


@dataclass(frozen=True)
class SamlMetadata:
    entity_id: str
    signing_certificates: tuple[x509.Certificate, ...]
    sso_redirect_url: str
    slo_redirect_url: str | None


def url_allowed(url: str) -> bool:
    """https on 443 or http on 80, as AWS accepts; or (the lab's allowance) any port on
    loopback, where the kit's IdPs run."""
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in STANDARD_PORTS:
        return False
    try:
        port = parts.port
    except ValueError:
        return False
    return parts.hostname in LOOPBACK_HOSTS or port in (None, STANDARD_PORTS[parts.scheme])


def fetch(url: str) -> bytes:
    """The metadata document at ``url``; MetadataError if it can't be had."""
    if not url_allowed(url):
        raise MetadataError(f"MetadataURL {url} must be https (port 443) or http (port 80); "
                            "the lab also accepts any port on 127.0.0.1 or localhost")
    try:
        answer = requests.get(url, timeout=FETCH_TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise MetadataError(f"Error retrieving metadata from {url}") from exc
    if answer.status_code != 200:
        raise MetadataError(f"Error retrieving metadata from {url}: HTTP "
                            f"{answer.status_code}")
    if len(answer.content) > MAX_METADATA_BYTES:
        raise MetadataError(f"The metadata at {url} is too large")
    return answer.content


def read(document: bytes | str, *, now: float) -> SamlMetadata:
    """The parts of an IdP's metadata Cognito uses; MetadataError names what is missing."""
    try:
        root = parse_xml(document)
    except XmlRefused as exc:
        raise MetadataError(f"The SAML metadata is refused: {exc}") from exc
    entity = _entity(root)
    entity_id = (entity.get("entityID") or "").strip()
    if not entity_id:
        raise MetadataError("The SAML metadata's EntityDescriptor has no entityID")
    descriptors = [d for d in entity.findall(f"{{{MD}}}IDPSSODescriptor")
                   if SAMLP in (d.get("protocolSupportEnumeration") or "").split()]
    if not descriptors:
        raise MetadataError("The SAML metadata has no IDPSSODescriptor for SAML 2.0")
    descriptor = descriptors[0]
    certificates = tuple(_signing_certificates(descriptor, now))
    if not certificates:
        raise MetadataError("The SAML metadata has no signing certificate "
                            "(KeyDescriptor use=\"signing\" with an X509Certificate)")
    sso = _location(descriptor, "SingleSignOnService")
    if sso is None:
        raise MetadataError("The SAML metadata has no SingleSignOnService with the "
                            "HTTP-Redirect binding")
    return SamlMetadata(entity_id, certificates, sso,
                        _location(descriptor, "SingleLogoutService"))


def _entity(root: Any) -> Any:
    if root.tag == f"{{{MD}}}EntityDescriptor":
        return root
    if root.tag == f"{{{MD}}}EntitiesDescriptor":
        entities = [e for e in root.iter(f"{{{MD}}}EntityDescriptor")
                    if e.find(f"{{{MD}}}IDPSSODescriptor") is not None]
        if len(entities) == 1:
            return entities[0]
        raise MetadataError("The SAML metadata must describe exactly one identity provider")
    raise MetadataError("The SAML metadata's root element is not an EntityDescriptor")


def _signing_certificates(descriptor: Any, now: float) -> list[x509.Certificate]:
    found = []
    for key in descriptor.findall(f"{{{MD}}}KeyDescriptor"):
        if key.get("use") not in (None, "signing"):
            continue
        for element in key.iterfind(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate"):
            text = "".join((element.text or "").split())
            if len(text) > MAX_CERTIFICATE_CHARS:
                raise MetadataError("A signing certificate in the SAML metadata is longer "
                                    f"than {MAX_CERTIFICATE_CHARS} characters")
            try:
                certificate = x509.load_der_x509_certificate(base64.b64decode(text))
            except (binascii.Error, ValueError) as exc:
                raise MetadataError("A signing certificate in the SAML metadata is not a "
                                    "base64 X.509 certificate") from exc
            if certificate.not_valid_after_utc <= dt.datetime.fromtimestamp(now, dt.UTC):
                raise MetadataError("A signing certificate in the SAML metadata has expired "
                                    f"({certificate.not_valid_after_utc:%Y-%m-%d})")
            found.append(certificate)
    return found


def _location(descriptor: Any, service: str) -> str | None:
    for element in descriptor.findall(f"{{{MD}}}{service}"):
        if element.get("Binding") == REDIRECT_BINDING and element.get("Location"):
            return str(element.get("Location"))
    return None
