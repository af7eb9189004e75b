"""Federated sign-ins waiting for the IdP's answer (the first hop's half of federation).

AWS, "OIDC user pool IdP authentication flow" and "Authorize endpoint" (identity_provider,
idp_identifier): ``/oauth2/authorize`` naming an IdP sends the browser to the IdP's
authorization endpoint with Cognito's own ``state`` and ``nonce``; the app's request (its
state, PKCE challenge, redirect URI, scopes) stays with Cognito until ``/oauth2/idpresponse``
brings the user back. Cognito's state is single-use and lives as long as a code does.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from ...clock import Clock
from ..errors import CognitoError
from ..stand_ins import NotPlayed
from .errors import ErrorPage, RedirectError, redirect
from .saml_request import saml_first_hop

if TYPE_CHECKING:
    from .. import Emulator
    from .authorize import AuthorizationRequest

PENDING_SECONDS = 300


@dataclass(frozen=True)
class FederatedSignIn:
    state: str                      # Cognito's state at the IdP
    nonce: str                      # Cognito's nonce at the IdP
    provider_name: str
    request: AuthorizationRequest   # the app's checked request, for the second hop
    idp_redirect_uri: str           # this lab's /oauth2/idpresponse, as sent to the IdP
    expires_at: float
    request_id: str = ""            # SAML: the AuthnRequest's ID, for InResponseTo


class FederatedSignIns:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, FederatedSignIn] = {}

    def start(self, *, provider_name: str, request: AuthorizationRequest,
              idp_redirect_uri: str, request_id: str = "") -> FederatedSignIn:
        pending = FederatedSignIn(state=secrets.token_urlsafe(32),
                                  nonce=secrets.token_urlsafe(32),
                                  provider_name=provider_name, request=request,
                                  idp_redirect_uri=idp_redirect_uri,
                                  expires_at=self.clock.now() + PENDING_SECONDS,
                                  request_id=request_id)
        with self._lock:
            self._pending[pending.state] = pending
        return pending

    def take(self, state: str | None) -> FederatedSignIn | None:
        """Remove and return the sign-in this state names (once), if it is still live."""
        with self._lock:
            pending = self._pending.pop(state or "", None)
        if pending is None or pending.expires_at <= self.clock.now():
            return None
        return pending


def provider_for(emulator: Emulator, pool_id: str, supported: tuple[str, ...],
                 name: str | None, identifier: str | None) -> str | None:
    """The provider an authorization request names (``identity_provider``, else one whose
    IdpIdentifiers hold ``idp_identifier``) if the app client supports it; None if the
    request names none or names COGNITO; ValueError if it names one the client can't use."""
    if name is not None:
        if name == "COGNITO":
            return None
        if name not in supported:
            raise ValueError(f"identity_provider {name!r} is not one of the app client's "
                             "SupportedIdentityProviders")
        return name
    if identifier is None:
        return None
    for provider in supported:
        if provider == "COGNITO":
            continue
        try:
            described = describe(emulator, pool_id, provider)
        except CognitoError:
            continue
        if identifier in (described.get("IdpIdentifiers") or []):
            return provider
    raise ValueError(f"idp_identifier {identifier!r} names no identity provider of the app "
                     "client")


def describe(emulator: Emulator, pool_id: str, provider_name: str) -> dict:
    return emulator.moto.idp("DescribeIdentityProvider", UserPoolId=pool_id,
                             ProviderName=provider_name)["IdentityProvider"]


def to_idp(emulator: Emulator, checked: AuthorizationRequest, provider_name: str,
           idp_redirect_uri: str) -> Response:
    """The first hop: send the browser to the IdP, as its ProviderType says (FIRST_HOPS)."""
    try:
        provider = describe(emulator, checked.app.pool_id, provider_name)
    except CognitoError:
        return RedirectError("invalid_request", f"the identity provider {provider_name} "
                             "does not exist in the user pool", checked.redirect_uri,
                             checked.state).response()
    hop = FIRST_HOPS.get(provider.get("ProviderType", ""))
    if hop is None:
        return RedirectError("invalid_request", "the lab does not federate to "
                             f"{provider.get('ProviderType')} providers",
                             checked.redirect_uri, checked.state).response()
    return hop(emulator, checked, provider, idp_redirect_uri)


def oidc_first_hop(emulator: Emulator, checked: AuthorizationRequest, provider: dict,
                   idp_redirect_uri: str) -> Response:
    """OIDC Core 3.1.2.1: the authorization request, with Cognito's state and nonce (to an
    OIDC provider, or to Google's authorize_url, played by its stand-in in the lab)."""
    details = provider.get("ProviderDetails") or {}
    if "openid" not in details.get("authorize_scopes", "").split():
        return ErrorPage("invalid_request", "the lab signs in with this provider through "
                         "OpenID Connect only: add openid to its authorize_scopes").response()
    try:      # a played origin (Google's) goes to its loopback stand-in (stand_ins.py)
        authorize_url = emulator.stand_ins.route(details["authorize_url"])
    except NotPlayed as exc:
        return ErrorPage("invalid_request", str(exc)).response()
    pending = emulator.hosted_ui.federation.start(
        provider_name=provider["ProviderName"], request=checked,
        idp_redirect_uri=idp_redirect_uri)
    query = urlencode({"client_id": details["client_id"], "response_type": "code",
                       "redirect_uri": idp_redirect_uri,
                       "scope": details.get("authorize_scopes", "openid"),
                       "state": pending.state, "nonce": pending.nonce})
    separator = "&" if "?" in authorize_url else "?"
    return redirect(f"{authorize_url}{separator}{query}")


FirstHop = Callable[["Emulator", "AuthorizationRequest", dict, str], Response]

# ProviderType -> how the browser is sent to that kind of IdP
FIRST_HOPS: dict[str, FirstHop] = {
    "OIDC": oidc_first_hop,
    "Google": oidc_first_hop,     # Google's authorize_url, Cognito's state and nonce
    "SAML": saml_first_hop,       # an AuthnRequest by HTTP-Redirect (saml_request.py)
}
