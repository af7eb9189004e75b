"""A corporate SAML 2.0 identity provider on 127.0.0.1: the IdP Cognito federates to.

What a real SAML IdP (ADFS, Okta, Entra ID, Shibboleth...) shows a service provider:

- ``/metadata``: an ``EntityDescriptor`` with an ``IDPSSODescriptor``: the signing
  certificate (``KeyDescriptor use="signing"``) and the single sign-on service for the
  HTTP-Redirect and HTTP-POST bindings (SAML metadata 2.0, §2.4.3; bindings §3.4, §3.5);
- ``/sso``: receives an ``AuthnRequest`` (HTTP-Redirect: deflated and base64-encoded in
  ``SAMLRequest``; HTTP-POST: base64 in the form), then shows a small sign-in form;
- ``/login``: the form's answer. It replies with an HTML form that the browser submits at
  once: ``SAMLResponse`` (and the same ``RelayState``) POSTed to the request's
  ``AssertionConsumerServiceURL`` (SAML profiles 2.0, §4.1 Web Browser SSO);
- ``/idp-initiated?sp=<SP entity id>&acs=<ACS URL>&RelayState=...``: the same sign-in, then
  an unsolicited Response (no ``InResponseTo``): what a dashboard bookmark does (§4.1.5);
- ``/slo``: single logout (SAML profiles 2.0 §4.4; the ``SingleLogoutService`` of its
  metadata, HTTP-Redirect binding): a service provider's signed ``LogoutRequest`` ends the
  user's session here, and a signed ``LogoutResponse`` is POSTed back to the service
  provider's logout URL (as Cognito's ``/saml2/logout`` requires).

What the service provider's administrator gives the IdP, ``sp_certificate_pem`` (its
signing certificate; Cognito's comes from GetSigningCertificate) and ``sp_logout_url``,
can also be given later with :meth:`SamlProvider.trust_service_provider`. With a
certificate, the metadata says ``WantAuthnRequestsSigned="true"`` and the IdP refuses an
AuthnRequest that is unsigned or whose signature does not verify (SAML bindings §3.4.4.1
for HTTP-Redirect: ``SigAlg`` and ``Signature`` over the query's octets; an enveloped XML
signature for HTTP-POST). A LogoutRequest must always be signed (profiles §4.4.4.1).

The IdP keeps a session per browser (a cookie) and each sign-in's ``SessionIndex``
(:attr:`SamlProvider.sessions`); with ``remember_sign_in=True`` a browser with a live
session is signed in again without the form, as corporate IdPs do: which is why single
logout matters.

The Response carries one Assertion signed by signxml (enveloped, RSA-SHA256, exclusive
canonicalization): Issuer, Subject (NameID, persistent or emailAddress; a bearer
SubjectConfirmationData with Recipient, NotOnOrAfter and InResponseTo), Conditions
(NotBefore, NotOnOrAfter, AudienceRestriction), an AuthnStatement and the user's claims
as an AttributeStatement. Responses go only to ACS URLs the provider was configured with
(or, with none configured, to any loopback URL)::

    with SamlProvider.start(users=[IdpUser("carol", "Corp-Passw0rd", {"email": ...})]) as idp:
        idp.metadata_url, idp.entity_id, idp.certificate_pem

With an encryption certificate (``encrypt_to=``, or later
:meth:`SamlProvider.encrypt_assertions`: what an administrator uploads when Cognito's
provider has ``EncryptedResponses`` "true", Describe's ``ActiveEncryptionCertificate``),
the IdP signs the Assertion, then encrypts it for that certificate (XML Encryption with
python-xmlsec: a random AES key, AES-256-GCM by default, wrapped with RSA-OAEP) and sends
a ``saml:EncryptedAssertion`` in its place (SAML core 2.0 §2.3.4, §6).

A lesson (or a test) can make the provider misbehave, as a compromised or misconfigured
IdP would: ``idp.override_response(audience=..., recipient=..., not_on_or_after=...,
in_response_to=..., issuer=...)`` changes the next Responses, ``idp.override_signing(
sign="nothing")`` or ``idp.override_signing(foreign_key=True)`` changes how they are
signed, ``idp.reset()`` undoes it all.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import html
import secrets
import threading
import time
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote_plus, urlencode, urlsplit

import xmlsec
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree
from signxml import SignatureConfiguration, SignatureMethod, VerifyResult, XMLSigner, XMLVerifier
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm
from signxml.exceptions import SignXMLException
from werkzeug.wrappers import Request, Response

from ..certificates import KeyAndCertificate
from ..serving import LOOPBACK, ThreadedServer
from .oidc_provider import IdpUser
from .served import ServedOnLoopback

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
NAME_ID_FORMATS = {
    "persistent": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "emailAddress": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
}
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
# SAML bindings §3.4.4.1: the one SigAlg this IdP accepts on a redirect-binding request
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ASSERTION_SECONDS = 300
PENDING_SECONDS = 600
MAX_REQUEST_BYTES = 100_000
CERTIFICATE_DAYS = 3650

Signing = Literal["assertion", "response", "both", "nothing"]
Cipher = Literal["aes128-cbc", "aes256-cbc", "aes128-gcm", "aes256-gcm"]
# XML Encryption content algorithms (key size in bits, xmlsec transform) by short name
CIPHERS = {"aes128-cbc": (128, xmlsec.constants.TransformAes128Cbc),
           "aes256-cbc": (256, xmlsec.constants.TransformAes256Cbc),
           "aes128-gcm": (128, xmlsec.constants.TransformAes128Gcm),
           "aes256-gcm": (256, xmlsec.constants.TransformAes256Gcm)}
# What override_response can change, and where it lands in the next Responses.
OVERRIDABLE = ("issuer", "audience", "recipient", "destination", "in_response_to",
               "not_before", "not_on_or_after", "subject_not_on_or_after", "issue_instant",
               "status", "name_id")


def _parser() -> etree.XMLParser:
    """lxml without entities, DTDs or network: SAML messages are attacker-supplied."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False)


def _instant(value: float | dt.datetime | str) -> str:
    """xs:dateTime in UTC, whole seconds (SAML core 1.3.3)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        value = value.timestamp()
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_id() -> str:
    return f"_{uuid.uuid4()}"       # xs:ID is an NCName: it may not start with a digit


@dataclass(frozen=True)
class IdpSession:
    """A sign-in this IdP vouched for: whom, to which service provider, its SessionIndex."""

    username: str
    name_id: str
    session_index: str
    sp_entity_id: str
    browser: str = field(default="", repr=False)     # the IdP's cookie for that browser


def _load_certificate(text: str, what: str = "sp_certificate_pem") -> x509.Certificate:
    """A certificate as PEM, or as the bare base64 DER that GetSigningCertificate (and
    Describe's ActiveEncryptionCertificate) returns."""
    try:
        if "-----BEGIN" in text:
            certificate = x509.load_pem_x509_certificate(text.encode())
        else:
            certificate = x509.load_der_x509_certificate(
                base64.b64decode("".join(text.split())))
    except ValueError as exc:
        raise ValueError(f"{what} is not an X.509 certificate (PEM, or base64 DER as "
                         "Cognito returns it)") from exc
    return certificate


@dataclass(frozen=True)
class _Pending:
    """A sign-in the IdP is asked for: where and to whom the Response will go."""

    request_id: str | None        # the AuthnRequest's ID; None when IdP-initiated
    acs_url: str
    audience: str
    relay_state: str | None
    expires_at: float


class SamlRequestError(ValueError):
    """An AuthnRequest (or IdP-initiated request) the IdP refuses: shown, never posted."""


_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: sign in</title></head>
<body><main>
<h1>{title}</h1>
<p>Sign in to continue to <strong>{audience}</strong>.</p>
{error}
<form method="post" action="login">
  <input type="hidden" name="token" value="{token}">
  <label>Username <input name="username" autocomplete="username" value="{username}"></label>
  <label>Password <input name="password" type="password" autocomplete="current-password">
  </label>
  <button type="submit">Sign in</button>
</form>
</main></body></html>
"""

_POST_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}: signing you in</title></head>
<body><main>
<form method="post" action="{action}">
  <input type="hidden" name="SAMLResponse" value="{response}">
{relay_state}  <noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.forms[0].submit();</script>
</main></body></html>
"""


class SamlProvider(ServedOnLoopback):
    """A SAML 2.0 identity provider served on 127.0.0.1 until :meth:`stop`.

    ``acs_urls``: where Responses may be posted (exact match); with none given, any
    loopback URL, which suits a lab whose port is not known in advance. ``name_id_format``:
    ``"persistent"`` (the user's ``sub``) or ``"emailAddress"`` (their ``email`` claim).
    ``sign``: which element carries the signature (``"assertion"``, the default,
    ``"response"`` or ``"both"``). ``sp_certificate_pem``, ``sp_logout_url``: see
    :meth:`trust_service_provider`. ``remember_sign_in``: sign a browser with a live IdP
    session in again without asking. ``encrypt_to``: see :meth:`encrypt_assertions`.
    """

    def __init__(self, users: list[IdpUser] | tuple[IdpUser, ...] = (), *,
                 entity_id: str | None = None, acs_urls: list[str] | tuple[str, ...] = (),
                 title: str = "Example Corp sign-in", port: int = 0,
                 name_id_format: Literal["persistent", "emailAddress"] = "persistent",
                 assertion_seconds: int = ASSERTION_SECONDS,
                 sign: Signing = "assertion", sp_certificate_pem: str | None = None,
                 sp_logout_url: str | None = None, remember_sign_in: bool = False,
                 encrypt_to: str | None = None) -> None:
        if name_id_format not in NAME_ID_FORMATS:
            raise ValueError(f"name_id_format must be one of {sorted(NAME_ID_FORMATS)}")
        self.title = title
        self.users = {user.username: user for user in users}
        self.acs_urls = tuple(acs_urls)
        self.name_id_format = name_id_format
        self.assertion_seconds = assertion_seconds
        self._sign: Signing = sign
        self._lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._overrides: dict[str, Any] = {}
        self._signing_override: Signing | None = None
        self._foreign_key: KeyAndCertificate | None = None
        self._sp_certificate: x509.Certificate | None = None
        self._sp_logout_url: str | None = None
        self.remember_sign_in = remember_sign_in
        self._encryption: tuple[x509.Certificate, Cipher] | None = None
        if encrypt_to is not None:
            self.encrypt_assertions(encrypt_to)
        self._browsers: dict[str, str] = {}          # IdP cookie -> username
        self._sessions: list[IdpSession] = []
        self._cookie = f"saml_idp_{secrets.token_hex(4)}"   # one per IdP: ports share cookies
        self.trust_service_provider(certificate_pem=sp_certificate_pem,
                                    logout_url=sp_logout_url)
        self._http = ThreadedServer(self._wsgi, port=port, name="saml-idp")
        self._entity_id = entity_id or f"{self._http.url}/metadata"
        self._key = KeyAndCertificate.generate(urlsplit(self._entity_id).hostname or "saml-idp",
                                              days=CERTIFICATE_DAYS)
        self._routes = {"/metadata": self._metadata, "/sso": self._sso, "/login": self._login,
                        "/idp-initiated": self._idp_initiated, "/slo": self._slo}

    @classmethod
    def start(cls, users: list[IdpUser] | tuple[IdpUser, ...] = (),
              **options: Any) -> SamlProvider:
        """Start serving (a free port unless ``port`` is given)."""
        return cls(users, **options)

    # -- the public face -----------------------------------------------------------------
    @property
    def url(self) -> str:
        return self._http.url

    @property
    def entity_id(self) -> str:
        """The IdP's entity ID: the Issuer of its Responses and Assertions."""
        return self._entity_id

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/metadata"

    @property
    def sso_url(self) -> str:
        """The single sign-on service, for both bindings."""
        return f"{self.url}/sso"

    @property
    def slo_url(self) -> str:
        """The single logout service (HTTP-Redirect binding)."""
        return f"{self.url}/slo"

    @property
    def certificate_pem(self) -> str:
        """The signing certificate the metadata publishes."""
        return self._key.certificate_pem

    @property
    def wants_signed_requests(self) -> bool:
        """True once the IdP has the service provider's certificate."""
        return self._sp_certificate is not None

    @property
    def sessions(self) -> tuple[IdpSession, ...]:
        """The sign-ins this IdP still holds a session for (single logout ends them)."""
        with self._lock:
            return tuple(self._sessions)

    def end_sessions(self, username: str | None = None) -> None:
        """End the IdP's sessions: one user's, or everyone's (an administrator's "sign out
        everywhere"; service providers are not told)."""
        with self._lock:
            self._sessions = [s for s in self._sessions
                              if username is not None and s.username != username]
            self._browsers = {k: v for k, v in self._browsers.items()
                              if username is not None and v != username}

    def trust_service_provider(self, *, certificate_pem: str | None = None,
                               logout_url: str | None = None) -> None:
        """What the service provider's administrator configures at the IdP: its signing
        certificate (PEM or base64 DER; from then on AuthnRequests must be signed with it,
        and LogoutRequests are accepted) and its single logout URL, where LogoutResponses
        are POSTed (Cognito's ``<domain>/saml2/logout``). ``None`` leaves a setting as is."""
        certificate = None if certificate_pem is None else _load_certificate(certificate_pem)
        if certificate is not None and not isinstance(certificate.public_key(),
                                                      rsa.RSAPublicKey):
            raise ValueError("the service provider's certificate must hold an RSA key")
        with self._lock:
            if certificate is not None:
                self._sp_certificate = certificate
            if logout_url is not None:
                self._sp_logout_url = logout_url

    def encrypt_assertions(self, certificate: str | None, *,
                           cipher: Cipher = "aes256-gcm") -> None:
        """Encrypt the next assertions for ``certificate`` (PEM, or base64 DER as Cognito's
        ``ActiveEncryptionCertificate``), after signing them; ``None`` stops encrypting.
        ``cipher``: the content encryption; the AES key always travels RSA-OAEP wrapped."""
        if cipher not in CIPHERS:
            raise ValueError(f"cipher must be one of {sorted(CIPHERS)}")
        loaded = (None if certificate is None
                  else _load_certificate(certificate, "the encryption certificate"))
        if loaded is not None and not isinstance(loaded.public_key(), rsa.RSAPublicKey):
            raise ValueError("the encryption certificate must hold an RSA key (RSA-OAEP)")
        with self._lock:
            self._encryption = None if loaded is None else (loaded, cipher)

    @property
    def metadata_xml(self) -> str:
        """The IdP's SAML metadata document (what ``/metadata`` serves)."""
        md = f"{{{MD}}}"
        root = etree.Element(f"{md}EntityDescriptor", nsmap={"md": MD, "ds": DS},
                             entityID=self.entity_id)
        descriptor = etree.SubElement(
            root, f"{md}IDPSSODescriptor", protocolSupportEnumeration=SAMLP,
            WantAuthnRequestsSigned="true" if self.wants_signed_requests else "false")
        key = etree.SubElement(descriptor, f"{md}KeyDescriptor", use="signing")
        key_info = etree.SubElement(key, f"{{{DS}}}KeyInfo")
        data = etree.SubElement(key_info, f"{{{DS}}}X509Data")
        etree.SubElement(data, f"{{{DS}}}X509Certificate").text = self._key.certificate_base64
        etree.SubElement(descriptor, f"{md}SingleLogoutService", Binding=REDIRECT_BINDING,
                         Location=self.slo_url)        # before NameIDFormat, as the schema
        etree.SubElement(descriptor, f"{md}NameIDFormat").text = \
            NAME_ID_FORMATS[self.name_id_format]
        for binding in (REDIRECT_BINDING, POST_BINDING):
            etree.SubElement(descriptor, f"{md}SingleSignOnService", Binding=binding,
                             Location=self.sso_url)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()

    def idp_initiated_url(self, *, sp_entity_id: str, acs_url: str,
                          relay_state: str | None = None) -> str:
        """Where a dashboard bookmark sends the browser for IdP-initiated sign-in."""
        query = {"sp": sp_entity_id, "acs": acs_url}
        if relay_state is not None:
            query["RelayState"] = relay_state
        return f"{self.url}/idp-initiated?{urlencode(query)}"

    def override_response(self, **changes: Any) -> None:
        """Make the next Responses say something else (a misbehaving IdP): ``issuer``,
        ``audience``, ``recipient``, ``destination``, ``in_response_to``, ``not_before``,
        ``not_on_or_after`` (the Conditions), ``subject_not_on_or_after``,
        ``issue_instant``, ``status``, ``name_id``. Times are epoch seconds; ``None``
        leaves the attribute out. LogoutResponses take ``issuer``, ``destination``,
        ``in_response_to`` and ``status`` too, and are signed as overridden below."""
        unknown = set(changes) - set(OVERRIDABLE)
        if unknown:
            raise ValueError(f"cannot override {sorted(unknown)}: choose from {OVERRIDABLE}")
        with self._lock:
            self._overrides.update(changes)

    def override_signing(self, *, sign: Signing | None = None,
                         foreign_key: bool = False) -> None:
        """Sign the next Responses differently: ``sign="nothing"`` leaves them unsigned;
        ``foreign_key=True`` signs with a key the metadata does not publish."""
        with self._lock:
            if sign is not None:
                self._signing_override = sign
            if foreign_key and self._foreign_key is None:
                self._foreign_key = KeyAndCertificate.generate("attacker",
                                                                 days=CERTIFICATE_DAYS)

    def reset(self) -> None:
        """Behave again."""
        with self._lock:
            self._overrides.clear()
            self._signing_override = None
            self._foreign_key = None


    # -- the Response --------------------------------------------------------------------
    def _response_for(self, user: IdpUser, pending: _Pending, session_index: str) -> str:
        """The base64 SAMLResponse this IdP posts for ``user`` (overrides applied)."""
        with self._lock:
            overrides = dict(self._overrides)
            sign = self._signing_override or self._sign
            key = self._foreign_key or self._key
            encryption = self._encryption
        response = self._response_xml(user, pending, overrides, session_index)
        assertion = response.find(f"{{{SAML}}}Assertion")
        if sign in ("assertion", "both"):
            signed = self._signed(assertion, key)
            response.replace(assertion, signed)
            assertion = signed
        else:
            assertion.remove(assertion.find(f"{{{DS}}}Signature"))
        if encryption is not None:                 # sign, then encrypt
            response.replace(assertion, _encrypted_assertion(assertion, *encryption))
        if sign in ("response", "both"):
            response = self._signed(response, key)
        else:
            response.remove(response.find(f"{{{DS}}}Signature"))
        return base64.b64encode(etree.tostring(response)).decode()

    @staticmethod
    def _signed(element: Any, key: KeyAndCertificate) -> Any:
        signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256,
                           digest_algorithm=DigestAlgorithm.SHA256,
                           c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
        return signer.sign(element, key=key.private_pem, cert=key.certificate_pem)

    def _response_xml(self, user: IdpUser, pending: _Pending, overrides: dict,
                      session_index: str) -> Any:
        def value(name: str, default: Any) -> Any:
            return overrides.get(name, default)

        now = time.time()
        issued = value("issue_instant", now)
        expires = now + self.assertion_seconds
        p, a = f"{{{SAMLP}}}", f"{{{SAML}}}"
        response = etree.Element(f"{p}Response", nsmap={"samlp": SAMLP, "saml": SAML},
                                 ID=_new_id(), Version="2.0", IssueInstant=_instant(issued))
        _set(response, "Destination", value("destination", pending.acs_url))
        _set(response, "InResponseTo", value("in_response_to", pending.request_id))
        issuer = value("issuer", self.entity_id)
        etree.SubElement(response, f"{a}Issuer").text = issuer
        _placeholder(response)
        status = etree.SubElement(response, f"{p}Status")
        etree.SubElement(status, f"{p}StatusCode", Value=value("status", SUCCESS))

        assertion = etree.SubElement(response, f"{a}Assertion",
                                     nsmap={"xs": XS, "xsi": XSI}, ID=_new_id(),
                                     Version="2.0", IssueInstant=_instant(issued))
        etree.SubElement(assertion, f"{a}Issuer").text = issuer
        _placeholder(assertion)
        subject = etree.SubElement(assertion, f"{a}Subject")
        name_id = etree.SubElement(subject, f"{a}NameID",
                                   Format=NAME_ID_FORMATS[self.name_id_format])
        name_id.text = value("name_id", self._name_id(user))
        confirmation = etree.SubElement(subject, f"{a}SubjectConfirmation", Method=BEARER)
        data = etree.SubElement(confirmation, f"{a}SubjectConfirmationData")
        _set(data, "InResponseTo", value("in_response_to", pending.request_id))
        _set(data, "NotOnOrAfter", value("subject_not_on_or_after", expires))
        _set(data, "Recipient", value("recipient", pending.acs_url))
        conditions = etree.SubElement(assertion, f"{a}Conditions")
        _set(conditions, "NotBefore", value("not_before", now))
        _set(conditions, "NotOnOrAfter", value("not_on_or_after", expires))
        restriction = etree.SubElement(conditions, f"{a}AudienceRestriction")
        etree.SubElement(restriction, f"{a}Audience").text = value("audience",
                                                                   pending.audience)
        statement = etree.SubElement(assertion, f"{a}AuthnStatement",
                                     AuthnInstant=_instant(now), SessionIndex=session_index)
        context = etree.SubElement(statement, f"{a}AuthnContext")
        etree.SubElement(context, f"{a}AuthnContextClassRef").text = PASSWORD_PROTECTED
        if user.claims:
            attributes = etree.SubElement(assertion, f"{a}AttributeStatement")
            for name, claim in user.claims.items():
                attribute = etree.SubElement(
                    attributes, f"{a}Attribute", Name=name,
                    NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic")
                for item in claim if isinstance(claim, list | tuple) else [claim]:
                    attribute_value = etree.SubElement(attribute, f"{a}AttributeValue")
                    attribute_value.set(f"{{{XSI}}}type", "xs:string")
                    attribute_value.text = _text(item)
        return response

    def _name_id(self, user: IdpUser) -> str:
        if self.name_id_format == "emailAddress":
            email = user.claims.get("email")
            if not isinstance(email, str):
                raise SamlRequestError(f"{user.username} has no email claim for an "
                                       "emailAddress NameID")
            return email
        return user.sub

    # -- the LogoutResponse --------------------------------------------------------------
    def _logout_response_for(self, request_id: str, destination: str) -> str:
        """SAML core §3.7.2: the base64 LogoutResponse this IdP posts (overrides applied),
        signed as a whole (profiles §4.4.4.2) unless told to misbehave."""
        with self._lock:
            overrides = dict(self._overrides)
            sign = self._signing_override or self._sign
            key = self._foreign_key or self._key

        def value(name: str, default: Any) -> Any:
            return overrides.get(name, default)

        p = f"{{{SAMLP}}}"
        response = etree.Element(f"{p}LogoutResponse", nsmap={"samlp": SAMLP, "saml": SAML},
                                 ID=_new_id(), Version="2.0",
                                 IssueInstant=_instant(time.time()))
        _set(response, "Destination", value("destination", destination))
        _set(response, "InResponseTo", value("in_response_to", request_id))
        etree.SubElement(response, f"{{{SAML}}}Issuer").text = value("issuer",
                                                                    self.entity_id)
        _placeholder(response)
        status = etree.SubElement(response, f"{p}Status")
        etree.SubElement(status, f"{p}StatusCode", Value=value("status", SUCCESS))
        if sign == "nothing":
            response.remove(response.find(f"{{{DS}}}Signature"))
        else:
            response = self._signed(response, key)
        return base64.b64encode(etree.tostring(response)).decode()

    # -- requests ------------------------------------------------------------------------
    def _acs_allowed(self, url: str) -> bool:
        """Exact match with a configured ACS URL; with none configured, any loopback URL."""
        if self.acs_urls:
            return url in self.acs_urls
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.hostname in LOOPBACK

    def _message(self, request: Request, kind: str) -> Any:
        """SAML bindings §3.4.4.1 (deflate) and §3.5.4 (POST): the ``SAMLRequest``, parsed
        and (when this IdP wants signed requests, or ``kind`` is a LogoutRequest) with its
        signature verified first; SamlRequestError for anything else."""
        encoded = request.values.get("SAMLRequest")
        if not encoded:
            raise SamlRequestError("SAMLRequest is missing")
        with self._lock:
            certificate = self._sp_certificate
        if certificate is None and kind == "LogoutRequest":
            raise SamlRequestError(
                "this IdP accepts a LogoutRequest only when it is signed by a service "
                "provider whose certificate it was given (sp_certificate_pem, or "
                "trust_service_provider(certificate_pem=...)); SAML profiles 4.4.4.1")
        if certificate is not None and request.method == "GET":
            _check_query_signature(request.query_string, certificate, kind)
        try:
            raw = base64.b64decode(encoded, validate=False)
            if request.method == "GET":
                inflater = zlib.decompressobj(-15)
                raw = inflater.decompress(raw, MAX_REQUEST_BYTES)
                if inflater.unconsumed_tail:
                    raise SamlRequestError("SAMLRequest is too large")
            root = etree.fromstring(raw, parser=_parser())
        except (ValueError, zlib.error, etree.XMLSyntaxError) as exc:
            raise SamlRequestError("SAMLRequest is not a deflated, base64-encoded "
                                   "SAML message" if request.method == "GET" else
                                   "SAMLRequest is not a base64-encoded SAML message") from exc
        if root.tag != f"{{{SAMLP}}}{kind}":
            raise SamlRequestError(f"SAMLRequest is not a {kind}")
        if certificate is not None and request.method == "POST":
            _check_xml_signature(raw, root, certificate, kind)
        return root

    def _authn_request(self, request: Request) -> _Pending:
        """The AuthnRequest, checked."""
        root = self._message(request, "AuthnRequest")
        request_id = root.get("ID")
        acs_url = root.get("AssertionConsumerServiceURL")
        issuer = root.findtext(f"{{{SAML}}}Issuer")
        binding = root.get("ProtocolBinding")
        destination = root.get("Destination")
        if not request_id or not acs_url or not issuer:
            raise SamlRequestError("the AuthnRequest needs an ID, an Issuer and an "
                                   "AssertionConsumerServiceURL")
        if binding not in (None, POST_BINDING):
            raise SamlRequestError("this IdP answers with the HTTP-POST binding only")
        if destination is not None and destination != self.sso_url:
            raise SamlRequestError("the AuthnRequest's Destination is not this IdP")
        if not self._acs_allowed(acs_url):
            raise SamlRequestError(f"{acs_url} is not an assertion consumer service this "
                                   "IdP knows")
        return _Pending(request_id, acs_url, issuer.strip(), request.values.get("RelayState"),
                        time.time() + PENDING_SECONDS)

    def _remember(self, pending: _Pending) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            now = time.time()
            self._pending = {k: v for k, v in self._pending.items() if v.expires_at > now}
            self._pending[token] = pending
        return token

    # -- sessions ------------------------------------------------------------------------
    def _remembered_user(self, request: Request) -> IdpUser | None:
        """The user of this browser's live IdP session, when the IdP signs in silently."""
        if not self.remember_sign_in:
            return None
        with self._lock:
            username = self._browsers.get(request.cookies.get(self._cookie, ""))
        return self.users.get(username or "")

    def _signed_in(self, request: Request, user: IdpUser, pending: _Pending) -> Response:
        """The user is authenticated: a session here, and the Response POSTed to the SP."""
        browser = request.cookies.get(self._cookie, "")
        name_id, session_index = self._name_id(user), _new_id()
        with self._lock:
            if self._browsers.get(browser) != user.username:
                browser = secrets.token_urlsafe(24)
                self._browsers[browser] = user.username
            self._sessions.append(IdpSession(user.username, name_id, session_index,
                                             pending.audience, browser))
        page = _post_form(self.title, pending.acs_url,
                          self._response_for(user, pending, session_index),
                          pending.relay_state)
        page.set_cookie(self._cookie, browser, httponly=True, samesite="Lax", path="/")
        return page

    def _logged_out(self, name_id: str, sp: str, session_indexes: list[str]) -> None:
        """SAML profiles §4.4.3.2: the principal the LogoutRequest names (by NameID, and by
        SessionIndex when it gives any) signs out here: all of their sessions end."""
        with self._lock:
            users = {s.username for s in self._sessions if s.name_id == name_id
                     and s.sp_entity_id == sp
                     and (not session_indexes or s.session_index in session_indexes)}
        for username in users:
            self.end_sessions(username)

    # -- HTTP ---------------------------------------------------------------------------
    def _wsgi(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        handler = self._routes.get(request.path)
        if handler is None:
            response = Response("not found", status=404)
        else:
            try:
                response = handler(request)
            except SamlRequestError as refused:
                response = _page(f"<h1>Bad SAML request</h1><p>{html.escape(str(refused))}"
                                 "</p>", status=400)
        return response(environ, start_response)

    def _metadata(self, request: Request) -> Response:
        return Response(self.metadata_xml, content_type="application/samlmetadata+xml")

    def _sso(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            return Response(status=405, headers={"Allow": "GET, POST"})
        pending = self._authn_request(request)
        remembered = self._remembered_user(request)
        if remembered is not None:
            return self._signed_in(request, remembered, pending)
        return self._form(self._remember(pending), pending)

    def _idp_initiated(self, request: Request) -> Response:
        sp, acs_url = request.args.get("sp"), request.args.get("acs")
        if not sp or not acs_url:
            raise SamlRequestError("IdP-initiated sign-in needs sp (the service provider's "
                                   "entity ID) and acs (its assertion consumer service)")
        if not self._acs_allowed(acs_url):
            raise SamlRequestError(f"{acs_url} is not an assertion consumer service this "
                                   "IdP knows")
        pending = _Pending(None, acs_url, sp, request.args.get("RelayState"),
                           time.time() + PENDING_SECONDS)
        remembered = self._remembered_user(request)
        if remembered is not None:
            return self._signed_in(request, remembered, pending)
        return self._form(self._remember(pending), pending)

    def _login(self, request: Request) -> Response:
        if request.method != "POST":
            return Response(status=405, headers={"Allow": "POST"})
        token = request.form.get("token", "")
        with self._lock:
            pending = self._pending.get(token)
        if pending is None or pending.expires_at <= time.time():
            raise SamlRequestError("this sign-in has expired; start again at the application")
        username = request.form.get("username", "")
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(
                request.form.get("password", "").encode(), user.password.encode()):
            return self._form(token, pending, error="Incorrect username or password.",
                              username=username)
        with self._lock:
            self._pending.pop(token, None)
        return self._signed_in(request, user, pending)

    def _slo(self, request: Request) -> Response:
        """SAML profiles §4.4.3–4.4.4: a LogoutRequest by HTTP-Redirect, signed by the
        service provider; the signed LogoutResponse goes back by HTTP-POST."""
        if request.method != "GET":
            return Response(status=405, headers={"Allow": "GET"})
        with self._lock:
            logout_url = self._sp_logout_url
        if not logout_url:
            raise SamlRequestError("this IdP has no logout URL for the service provider "
                                   "(sp_logout_url, or trust_service_provider(logout_url=...)"
                                   ": Cognito's is <domain>/saml2/logout)")
        root = self._message(request, "LogoutRequest")
        request_id = root.get("ID")
        issuer = (root.findtext(f"{{{SAML}}}Issuer") or "").strip()
        name_id = (root.findtext(f"{{{SAML}}}NameID") or "").strip()
        if not request_id or not issuer or not name_id:
            raise SamlRequestError("the LogoutRequest needs an ID, an Issuer and a NameID")
        destination = root.get("Destination")
        if destination is not None and destination != self.slo_url:
            raise SamlRequestError("the LogoutRequest's Destination is not this IdP")
        not_on_or_after = root.get("NotOnOrAfter")
        if not_on_or_after is not None and _epoch(not_on_or_after) <= time.time():
            raise SamlRequestError("the LogoutRequest has expired (NotOnOrAfter)")
        self._logged_out(name_id, issuer, [
            (index.text or "").strip() for index in root.findall(f"{{{SAMLP}}}SessionIndex")])
        page = _post_form(self.title, logout_url,
                          self._logout_response_for(request_id, logout_url),
                          request.args.get("RelayState"))
        page.delete_cookie(self._cookie, path="/", httponly=True, samesite="Lax")
        return page

    def _form(self, token: str, pending: _Pending, *, error: str | None = None,
              username: str = "") -> Response:
        return _page(_FORM.format(
            title=html.escape(self.title), audience=html.escape(pending.audience),
            token=token, username=html.escape(username),
            error=f'<p role="alert">{html.escape(error)}</p>' if error else ""),
            status=200 if error is None else 400)


def _encrypted_assertion(assertion: Any, certificate: x509.Certificate,
                         cipher: Cipher) -> Any:
    """``saml:EncryptedAssertion`` holding ``assertion`` encrypted for ``certificate``
    (XML Encryption: EncryptedData of Type Element, AES ``cipher``; the AES key in an
    EncryptedKey, RSA-OAEP, inside the EncryptedData's KeyInfo)."""
    bits, transform = CIPHERS[cipher]
    standalone = etree.fromstring(etree.tostring(assertion))   # its namespaces its own
    wrapper = etree.Element(f"{{{SAML}}}EncryptedAssertion", nsmap={"saml": SAML})
    wrapper.append(standalone)
    template = xmlsec.template.encrypted_data_create(
        wrapper, transform, type=xmlsec.constants.TypeEncElement, ns="xenc")
    xmlsec.template.encrypted_data_ensure_cipher_value(template)
    key_info = xmlsec.template.encrypted_data_ensure_key_info(template, ns="ds")
    encrypted_key = xmlsec.template.add_encrypted_key(key_info,
                                                      xmlsec.constants.TransformRsaOaep)
    xmlsec.template.encrypted_data_ensure_cipher_value(encrypted_key)
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_memory(
        certificate.public_bytes(serialization.Encoding.PEM),
        xmlsec.constants.KeyDataFormatCertPem))
    context = xmlsec.EncryptionContext(manager)
    context.key = xmlsec.Key.generate(xmlsec.constants.KeyDataAes, bits,
                                      xmlsec.constants.KeyDataTypeSession)
    context.encrypt_xml(template, standalone)      # EncryptedData replaces the Assertion
    return wrapper


def _raw_query(query_string: bytes) -> dict[str, str]:
    """Each parameter's value exactly as the URL carries it (still URL-encoded): a
    redirect-binding signature covers these octets, not a re-encoding of them."""
    found: dict[str, str] = {}
    for part in query_string.decode("latin-1").split("&"):
        name, _, value = part.partition("=")
        name = unquote_plus(name)
        if name in found:
            raise SamlRequestError(f"the query names {name} twice")
        found[name] = value
    return found


def _check_query_signature(query_string: bytes, certificate: x509.Certificate,
                           kind: str) -> None:
    """SAML bindings §3.4.4.1: ``Signature`` over ``SAMLRequest=…&RelayState=…&SigAlg=…``
    (RelayState only when present), verified with the service provider's certificate."""
    raw = _raw_query(query_string)
    if "SigAlg" not in raw or "Signature" not in raw:
        raise SamlRequestError(f"this IdP wants signed requests (WantAuthnRequestsSigned): "
                               f"the {kind} has no SigAlg and Signature")
    if unquote_plus(raw["SigAlg"]) != RSA_SHA256:
        raise SamlRequestError(f"SigAlg must be {RSA_SHA256}")
    octets = "&".join(f"{name}={raw[name]}" for name in ("SAMLRequest", "RelayState", "SigAlg")
                      if name in raw)
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)      # trust_service_provider checked
    try:
        signature = base64.b64decode(unquote_plus(raw["Signature"]), validate=True)
        public_key.verify(signature, octets.encode("latin-1"), padding.PKCS1v15(),
                          hashes.SHA256())
    except (InvalidSignature, ValueError) as exc:
        raise SamlRequestError(f"the {kind}'s signature does not verify with the service "
                               "provider's certificate") from exc


def _check_xml_signature(raw: bytes, root: Any, certificate: x509.Certificate,
                         kind: str) -> None:
    """HTTP-POST binding: an enveloped XML signature on the request itself."""
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    try:
        result = XMLVerifier().verify(raw, x509_cert=pem, parser=_parser(),
                                      expect_config=SignatureConfiguration(
                                          location="./", expect_references=1))
    except (SignXMLException, etree.LxmlError, ValueError) as exc:
        raise SamlRequestError(f"this IdP wants signed requests: the {kind} has no XML "
                               "signature that verifies with the service provider's "
                               "certificate") from exc
    signed = result.signed_xml if isinstance(result, VerifyResult) else None
    if signed is None or signed.get("ID") != root.get("ID"):
        raise SamlRequestError(f"the {kind}'s signature signs another element")


def _epoch(value: str) -> float:
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise SamlRequestError(f"{value!r} is not a date and time") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).timestamp()


def _post_form(title: str, action: str, message: str, relay_state: str | None) -> Response:
    """SAML bindings §3.5.4: a form the browser submits at once (SAMLResponse)."""
    relay = ("" if relay_state is None else
             '  <input type="hidden" name="RelayState" '
             f'value="{html.escape(relay_state)}">\n')
    return _page(_POST_FORM.format(title=html.escape(title), action=html.escape(action),
                                   response=message, relay_state=relay))


def _set(element: Any, name: str, value: Any) -> None:
    """An attribute, unless an override removed it (None)."""
    if value is not None:
        element.set(name, _instant(value) if isinstance(value, int | float | dt.datetime)
                    else str(value))


def _placeholder(element: Any) -> None:
    """Where signxml puts an enveloped signature (after the Issuer, as the schema says)."""
    etree.SubElement(element, f"{{{DS}}}Signature", nsmap={"ds": DS}, Id="placeholder")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _page(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "no-store"})
