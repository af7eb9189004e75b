"""SAML single logout, Cognito's half at /logout: a signed LogoutRequest to the IdP.

AWS, "SAML sign-out flow" (Signing out SAML users with single sign-out) and "Logout
endpoint": when a user whose session a SAML provider with ``IDPSignout`` "true" started
comes to ``/logout``, Cognito sends the browser to the provider's ``SingleLogoutService``
(``SLORedirectBindingURI``, read from its metadata) with a LogoutRequest signed with the
user pool's signing certificate::

    https://[SingleLogoutService endpoint]?SAMLRequest=…&RelayState=…
        &SigAlg=http://www.w3.org/2001/04/xmldsig-more#rsa-sha256&Signature=…

The IdP answers at ``/saml2/logout`` (``saml_logout_response.py``); only then does the
browser go on to the ``logout_uri`` (or ``/login``) the app asked for. The LogoutRequest
(SAML core 2.0 §3.7.1) names the user as the assertion did: its NameID (and Format) and
the SessionIndex of its first AuthnStatement (AWS: the one the IdP must match).

The lab ends Cognito's own session at ``/logout``, before the IdP is asked (AWS doesn't say
when; a LogoutResponse that never comes then leaves no session behind). A user signed in
by any other means, or by a provider without ``IDPSignout``, signs out as before.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from lxml import etree
from werkzeug.wrappers import Request, Response

from ...clock import Clock
from ..errors import CognitoError
from .browser_sessions import BrowserSession, SamlSignIn
from .errors import ErrorPage, redirect
from .federation import describe
from .saml_request import SAML, SAMLP, append_query, redirect_query, sp_entity_id

if TYPE_CHECKING:
    from .. import Emulator

PENDING_SECONDS = 300


@dataclass(frozen=True)
class PendingLogout:
    """A sign-out waiting for the IdP's LogoutResponse."""

    relay_state: str
    request_id: str               # the LogoutRequest's ID: the answer's InResponseTo
    pool_id: str
    provider_name: str
    destination: str              # where /logout would have sent the browser (absolute)
    expires_at: float


class PendingLogouts:
    """Thread-safe; each RelayState is used once."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, PendingLogout] = {}

    def start(self, *, request_id: str, pool_id: str, provider_name: str,
              destination: str) -> PendingLogout:
        now = self.clock.now()
        pending = PendingLogout(secrets.token_urlsafe(32), request_id, pool_id, provider_name,
                                destination, now + PENDING_SECONDS)
        with self._lock:
            self._pending = {k: v for k, v in self._pending.items() if v.expires_at > now}
            self._pending[pending.relay_state] = pending
        return pending

    def take(self, relay_state: str | None) -> PendingLogout | None:
        with self._lock:
            pending = self._pending.pop(relay_state or "", None)
        if pending is None or pending.expires_at <= self.clock.now():
            return None
        return pending


def logout_request(*, request_id: str, issue_instant: float, destination: str,
                   pool_id: str, sign_in: SamlSignIn) -> bytes:
    """SAML core 2.0 §3.7.1: Issuer, NameID, SessionIndex (in the schema's order)."""
    root = etree.Element(
        f"{{{SAMLP}}}LogoutRequest", nsmap={"saml2p": SAMLP, "saml2": SAML},
        ID=request_id, Version="2.0",
        IssueInstant=dt.datetime.fromtimestamp(int(issue_instant), dt.UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        Destination=destination)
    etree.SubElement(root, f"{{{SAML}}}Issuer").text = sp_entity_id(pool_id)
    name_id = etree.SubElement(root, f"{{{SAML}}}NameID")
    if sign_in.name_id_format:
        name_id.set("Format", sign_in.name_id_format)
    name_id.text = sign_in.name_id
    if sign_in.session_index:
        etree.SubElement(root, f"{{{SAMLP}}}SessionIndex").text = sign_in.session_index
    return bytes(etree.tostring(root))


def single_logout(emulator: Emulator, request: Request, session: BrowserSession | None,
                  destination: str) -> Response | None:
    """The redirect to the IdP's single logout service, if this session calls for one;
    None when /logout goes straight to ``destination``."""
    if session is None or session.saml is None:
        return None
    name = session.saml.provider_name
    try:
        provider = describe(emulator, session.pool_id, name)
    except CognitoError:
        return None
    details = provider.get("ProviderDetails") or {}
    if provider.get("ProviderType") != "SAML" or details.get("IDPSignout") != "true":
        return None
    slo_url = details.get("SLORedirectBindingURI")
    if not slo_url:
        return ErrorPage("invalid_request", f"you are signed out of Cognito, but {name} has "
                         "IDPSignout \"true\" and its metadata has no SingleLogoutService "
                         "with the HTTP-Redirect binding: the IdP session was not "
                         "ended").response()
    request_id = f"_{uuid.uuid4()}"
    pending = emulator.hosted_ui.saml_logouts.start(
        request_id=request_id, pool_id=session.pool_id, provider_name=name,
        destination=urljoin(request.base_url, destination))
    xml = logout_request(request_id=request_id, issue_instant=emulator.clock.now(),
                         destination=slo_url, pool_id=session.pool_id, sign_in=session.saml)
    key = emulator.saml_signing.of(session.pool_id)   # sign-out requests are always signed
    return redirect(append_query(slo_url, redirect_query(xml, pending.relay_state, key)))
