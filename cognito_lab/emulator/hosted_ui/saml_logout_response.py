"""POST /saml2/logout: the IdP's LogoutResponse ends SAML single logout.

AWS, "SAML sign-out flow" (Signing out SAML users with single sign-out) and "Logout
endpoint": after the IdP signed the user out, it sends the browser back to
``/saml2/logout`` with a ``LogoutResponse`` in an HTTP POST (``SAMLResponse``, base64, and
the ``RelayState`` Cognito sent, SAML bindings §3.5); Cognito then redirects to the
``logout_uri`` or ``redirect_uri`` of the original ``/logout`` request.

What the lab checks before it believes the IdP (SAML core 2.0 §3.7.2 and the Single
Logout profile, SAML profiles 2.0 §4.4.4.2, which requires a signed LogoutResponse with
these bindings; AWS names no checks): the RelayState is one Cognito issued (single use);
the LogoutResponse is signed (enveloped, as in ``saml_validation.py``) with a signing
certificate of the provider's metadata, and everything is read from the signed element;
its Issuer is the provider's entityID, its InResponseTo the LogoutRequest's ID, its
Destination (when present) this ``/saml2/logout``, its Status Success. Anything else is an
error page with no redirect: the app is not told the IdP session ended when it may not
have. Cognito's own session ended at ``/logout`` already.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from ..errors import CognitoError
from .browser_sessions import COOKIE_NAME
from .errors import ErrorPage, redirect
from .federation import describe
from .idp_response import FederationError, domain_root
from .saml_logout_request import PendingLogout
from .saml_response import MAX_RESPONSE_CHARS, provider_metadata
from .saml_validation import DS, SAML, SAMLP, SUCCESS, SamlRefused, decoded, verified_element

if TYPE_CHECKING:
    from .. import Emulator


def saml_logout(emulator: Emulator, request: Request) -> Response:
    pending = emulator.hosted_ui.saml_logouts.take(request.form.get("RelayState"))
    if pending is None:
        return ErrorPage("invalid_request", "the RelayState is missing, unknown, used or "
                         "expired: this is not the answer to a sign-out Cognito "
                         "started").response()
    try:
        checked_logout_response(emulator, request, pending)
    except (SamlRefused, FederationError) as refused:
        return ErrorPage("invalid_request", f"{refused.description} (you are signed out "
                         "of Cognito; the IdP's answer was not accepted)").response()
    response = redirect(pending.destination)
    response.delete_cookie(COOKIE_NAME, path=domain_root(request), httponly=True,
                           samesite="Lax")
    return response


def checked_logout_response(emulator: Emulator, request: Request,
                            pending: PendingLogout) -> None:
    """SamlRefused unless the POSTed LogoutResponse answers ``pending`` as the module
    docstring says."""
    try:
        provider = describe(emulator, pending.pool_id, pending.provider_name)
    except CognitoError as exc:
        raise SamlRefused(f"the identity provider {pending.provider_name} no longer exists "
                          "in the user pool") from exc
    encoded = request.form.get("SAMLResponse", "")
    if not encoded or len(encoded) > MAX_RESPONSE_CHARS:
        raise SamlRefused("Invalid SAML logout response: SAMLResponse is missing or longer "
                          f"than {MAX_RESPONSE_CHARS:,} characters")
    raw, root = decoded(encoded, "LogoutResponse", "SAML logout response")
    if root.find(f"{{{DS}}}Signature") is None:
        raise SamlRefused("Invalid SAML logout response: the LogoutResponse is not signed")
    now = emulator.clock.now()
    metadata = provider_metadata(provider.get("ProviderDetails") or {}, now)
    signed = verified_element(raw, "./", root.get("ID"), metadata, now)
    _check(signed, pending, expected_issuer=metadata.entity_id,
           here=request.base_url)


def _check(signed: Any, pending: PendingLogout, *, expected_issuer: str, here: str) -> None:
    issuer = (signed.findtext(f"{{{SAML}}}Issuer") or "").strip()
    if issuer != expected_issuer:
        raise SamlRefused("Invalid SAML logout response: the Issuer is not the identity "
                          "provider's entityID")
    if signed.get("InResponseTo") != pending.request_id:
        raise SamlRefused("Invalid SAML logout response: the InResponseTo is not the ID of "
                          "Cognito's LogoutRequest")
    destination = signed.get("Destination")
    if destination is not None and destination != here:
        raise SamlRefused("Invalid SAML logout response: its Destination is not this "
                          "/saml2/logout")
    status = signed.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    value = status.get("Value") if status is not None else None
    if value != SUCCESS:
        raise SamlRefused(f"The identity provider answered the sign-out with status "
                          f"{value or 'none'}")
