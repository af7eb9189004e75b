"""The SAML first hop: Cognito's AuthnRequest, sent to the IdP by HTTP-Redirect.

AWS, "SAML session initiation in Amazon Cognito user pools" (SP-initiated sign-in) and
"Things to know about SAML IdPs" (SP-initiated sign-in requests; user pool ID is SP entity
ID): ``/oauth2/authorize`` naming a SAML provider sends the browser to the provider's
``SSORedirectBindingURI`` with a SAML request in a URL parameter. The request names
Cognito as ``urn:amazon:cognito:sp:<user pool id>`` and this domain's
``/saml2/idpresponse`` as the assertion consumer service (HTTP-POST binding); its ID comes
back as ``InResponseTo``. ``RelayState`` is Cognito's own state for the pending sign-in:
the app's request stays with Cognito, as in OIDC federation.

SAML bindings 2.0 §3.4.4.1: the AuthnRequest is DEFLATE-compressed (raw, RFC 1951),
base64-encoded and URL-encoded into ``SAMLRequest``. AWS, "SAML signing and encryption"
(Signing SAML requests): with ``RequestSigningAlgorithm`` ``rsa-sha256`` the request is
signed with the user pool's signing certificate (GetSigningCertificate): as the
HTTP-Redirect binding signs, ``SigAlg`` and ``Signature`` are added to the query, the
signature made over the URL-encoded ``SAMLRequest=…&RelayState=…&SigAlg=…``. Without it,
the request goes unsigned.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
import zlib
from typing import TYPE_CHECKING
from urllib.parse import quote_plus, urljoin

from lxml import etree
from werkzeug.wrappers import Response

from ..user_pools.saml_signing import RSA_SHA256, SamlSigningKey
from .errors import RedirectError, redirect

if TYPE_CHECKING:
    from .. import Emulator
    from .authorize import AuthorizationRequest

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"


def sp_entity_id(pool_id: str) -> str:
    """The user pool as a SAML service provider: its entity ID, the Audience it expects."""
    return f"urn:amazon:cognito:sp:{pool_id}"


def acs_url(idp_redirect_uri: str) -> str:
    """This domain's /saml2/idpresponse, next to the /oauth2/idpresponse authorize gives."""
    return urljoin(idp_redirect_uri, "../saml2/idpresponse")


def authn_request(*, request_id: str, issue_instant: float, destination: str,
                  acs: str, pool_id: str) -> bytes:
    """SAML core 2.0 §3.4.1: the AuthnRequest Cognito sends."""
    root = etree.Element(
        f"{{{SAMLP}}}AuthnRequest", nsmap={"saml2p": SAMLP},
        ID=request_id, Version="2.0",
        IssueInstant=dt.datetime.fromtimestamp(int(issue_instant), dt.UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        Destination=destination, AssertionConsumerServiceURL=acs,
        ProtocolBinding=POST_BINDING)
    issuer = etree.SubElement(root, f"{{{SAML}}}Issuer", nsmap={"saml2": SAML})
    issuer.text = sp_entity_id(pool_id)
    return bytes(etree.tostring(root))


def redirect_binding(xml: bytes) -> str:
    """SAML bindings §3.4.4.1: raw DEFLATE, then base64 (URL encoding is the caller's)."""
    deflater = zlib.compressobj(wbits=-15)
    return base64.b64encode(deflater.compress(xml) + deflater.flush()).decode()


def redirect_query(xml: bytes, relay_state: str, key: SamlSigningKey | None) -> str:
    """SAML bindings §3.4.4.1: the query carrying a SAML request by HTTP-Redirect, signed
    when ``key`` is given: ``SigAlg`` and a ``Signature`` over exactly the octets
    ``SAMLRequest=…&RelayState=…&SigAlg=…`` as they appear in the URL."""
    signed = (f"SAMLRequest={quote_plus(redirect_binding(xml))}"
              f"&RelayState={quote_plus(relay_state)}")
    if key is None:
        return signed
    signed += f"&SigAlg={quote_plus(RSA_SHA256)}"
    signature = base64.b64encode(key.sign(signed.encode("ascii"))).decode()
    return f"{signed}&Signature={quote_plus(signature)}"


def append_query(url: str, query: str) -> str:
    """``url`` with an encoded query appended (after its own query, if it has one)."""
    return f"{url}{'&' if '?' in url else '?'}{query}"


def saml_first_hop(emulator: Emulator, checked: AuthorizationRequest, provider: dict,
                   idp_redirect_uri: str) -> Response:
    """The browser goes to the IdP's SSO URL with Cognito's AuthnRequest and RelayState."""
    details = provider.get("ProviderDetails") or {}
    destination = details.get("SSORedirectBindingURI")
    if not destination:
        return RedirectError("invalid_request", f"the SAML provider {provider['ProviderName']} "
                             "has no SSORedirectBindingURI (update it with its metadata)",
                             checked.redirect_uri, checked.state).response()
    acs = acs_url(idp_redirect_uri)
    request_id = f"_{uuid.uuid4()}"       # an xs:ID, as Cognito's look ("_dd0a3436-...")
    pending = emulator.hosted_ui.federation.start(
        provider_name=provider["ProviderName"], request=checked, idp_redirect_uri=acs,
        request_id=request_id)
    xml = authn_request(request_id=request_id, issue_instant=emulator.clock.now(),
                        destination=destination, acs=acs, pool_id=checked.app.pool_id)
    key = (emulator.saml_signing.of(checked.app.pool_id)
           if details.get("RequestSigningAlgorithm") == "rsa-sha256" else None)
    return redirect(append_query(destination,
                                 redirect_query(xml, pending.state, key)))
