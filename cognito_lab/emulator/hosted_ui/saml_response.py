"""POST /saml2/idpresponse: the SAML IdP posts its Response; Cognito signs the user in.

AWS, "The IdP SAML assertion endpoint", "SAML session initiation in Amazon Cognito user
pools" and "Things to know about SAML IdPs". The body is ``SAMLResponse`` (base64, at most
100,000 characters) and ``RelayState`` (HTTP-POST binding, SAML bindings §3.5):

- **SP-initiated**: ``RelayState`` is the state Cognito sent with its AuthnRequest
  (``saml_request.py``); single use, as in OIDC federation. The Response must answer that
  request (``InResponseTo``).
- **IdP-initiated** (unsolicited): ``RelayState`` holds the parameters an app would send to
  ``/oauth2/authorize`` (``client_id``, ``redirect_uri``, ``response_type``, ``scope``,
  ``identity_provider`` or ``idp_identifier``), checked exactly as there. Accepted only
  from a provider with ``IDPInit`` "true", for an app client whose providers are all SAML
  providers (AWS refuses COGNITO and non-SAML providers beside them), and only for an
  assertion without ``InResponseTo`` issued within the previous 6 minutes.
- Anything else in ``RelayState`` (missing, tampered, used, expired) is an error page:
  nothing says where the app is.

Then ``saml_validation.py`` checks the Response (an encrypted assertion decrypted with
the provider's key first, when its ``EncryptedResponses`` is "true"; then the signature,
XML signature wrapping refused), each assertion ID is accepted once
(``saml_replay.py``), and the user signs in as every federated user does: NameID is the
subject, the SAML attributes are the claims the provider's AttributeMapping reads. The
NameID and the first AuthnStatement's SessionIndex stay with the ``cognito`` session, for
single logout (``saml_logout_request.py``). A failure with a known app goes back to its
redirect URI as ``error=invalid_request&error_description=...``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from ..errors import CognitoError
from ..user_pools.federated_users import FederatedSignInRefused, federated_user
from ..user_pools.saml_metadata import MetadataError, SamlMetadata, fetch, read
from . import authorize
from .browser_sessions import SamlSignIn
from .errors import ErrorPage, RedirectError
from .federation import FederatedSignIn, describe
from .idp_response import FederationError, back_to_app, signed_in
from .saml_request import sp_entity_id
from .saml_validation import Expected, SamlRefused, validated

if TYPE_CHECKING:
    from .. import Emulator

MAX_RESPONSE_CHARS = 100_000


def saml_idp_response(emulator: Emulator, request: Request) -> Response:
    relay_state = request.form.get("RelayState")
    pending = emulator.hosted_ui.federation.take(relay_state)
    if pending is not None:
        unsolicited = False
    else:
        found = idp_initiated(emulator, request, relay_state)
        if isinstance(found, Response):
            return found
        pending, unsolicited = found, True
    try:
        return second_hop(emulator, request, pending, unsolicited=unsolicited)
    except FederationError as failure:
        return back_to_app(pending, failure)


def idp_initiated(emulator: Emulator, request: Request,
                  relay_state: str | None) -> FederatedSignIn | Response:
    """An unsolicited Response's sign-in, from the authorize parameters in RelayState; or
    the answer refusing it."""
    args = MultiDict(parse_qsl(relay_state or "", keep_blank_values=True))
    if "client_id" not in args:
        return ErrorPage("invalid_request", "the RelayState is missing, unknown, used or "
                         "expired, and names no app client for an IdP-initiated sign-in: "
                         "this is not the answer to a sign-in Cognito started").response()
    try:
        checked = authorize.parse(emulator, args)
    except (ErrorPage, RedirectError) as refused:
        return refused.response()
    if checked.identity_provider is None:
        return RedirectError("invalid_request", "an IdP-initiated SAML sign-in names its "
                             "provider in RelayState (identity_provider or idp_identifier)",
                             checked.redirect_uri, checked.state).response()
    return FederatedSignIn(state="", nonce="", provider_name=checked.identity_provider,
                           request=checked, idp_redirect_uri=request.base_url,
                           expires_at=emulator.clock.now())


def second_hop(emulator: Emulator, request: Request, pending: FederatedSignIn, *,
               unsolicited: bool) -> Response:
    app = pending.request.app
    try:
        provider = describe(emulator, app.pool_id, pending.provider_name)
    except CognitoError as exc:
        raise FederationError(f"the identity provider {pending.provider_name} no longer "
                              "exists in the user pool") from exc
    if provider.get("ProviderType") != "SAML":
        raise FederationError(f"{pending.provider_name} is not a SAML identity provider")
    details = provider.get("ProviderDetails") or {}
    if unsolicited:
        check_idp_initiated(emulator, app.pool_id, app.identity_providers, details,
                            pending.provider_name)
    saml_response = request.form.get("SAMLResponse", "")
    if not saml_response:
        raise FederationError("Invalid SAML response: SAMLResponse is missing")
    if len(saml_response) > MAX_RESPONSE_CHARS:
        raise FederationError("Invalid SAML response: SAMLResponse is longer than "
                              f"{MAX_RESPONSE_CHARS:,} characters")
    now = emulator.clock.now()
    expected = Expected(metadata=provider_metadata(details, now),
                        audience=sp_entity_id(app.pool_id), acs_url=pending.idp_redirect_uri,
                        request_id=None if unsolicited else pending.request_id, now=now,
                        decryption_key=decryption_key(emulator, app.pool_id,
                                                      pending.provider_name, details))
    try:
        assertion = validated(saml_response, expected)
    except SamlRefused as refused:
        raise FederationError(refused.description) from refused
    if not emulator.hosted_ui.saml_assertions.first_use(assertion.assertion_id,
                                                        assertion.usable_until):
        raise FederationError("Invalid SAML response: this assertion was already used "
                              "(a replayed assertion)")
    claims = {**assertion.attributes, "sub": assertion.name_id}    # NameID is the subject
    try:
        username = federated_user(emulator, app.pool_id, provider, claims,
                                  client_id=app.client_id,
                                  issuer=expected.metadata.entity_id)
    except FederatedSignInRefused as refused:
        raise FederationError(refused.description) from refused
    return signed_in(emulator, request, pending.request, username, saml=SamlSignIn(
        provider_name=pending.provider_name, name_id=assertion.name_id,
        name_id_format=assertion.name_id_format, session_index=assertion.session_index))


def decryption_key(emulator: Emulator, pool_id: str, provider_name: str,
                   details: dict) -> bytes | None:
    """The provider's private key when it asked for encrypted responses (AWS, "SAML
    signing and encryption"); None otherwise."""
    if details.get("EncryptedResponses") != "true":
        return None
    return emulator.saml_encryption.of(pool_id, provider_name).private_pem


def check_idp_initiated(emulator: Emulator, pool_id: str, supported: tuple[str, ...],
                        details: dict, provider_name: str) -> None:
    """AWS: IdP-initiated sign-in needs IDPInit "true", and an app client that supports
    SAML providers only (neither COGNITO nor any other kind)."""
    if details.get("IDPInit") != "true":
        raise FederationError(f"{provider_name} does not accept IdP-initiated SAML sign-in "
                              "(its IDPInit is not \"true\")")
    for name in supported:
        kind = "COGNITO" if name == "COGNITO" else _provider_type(emulator, pool_id, name)
        if kind != "SAML":
            raise FederationError("IdP-initiated SAML sign-in needs an app client whose "
                                  f"identity providers are all SAML providers; it has {name}")


def _provider_type(emulator: Emulator, pool_id: str, name: str) -> str:
    try:
        return str(describe(emulator, pool_id, name).get("ProviderType", ""))
    except CognitoError:
        return ""


def provider_metadata(details: dict, now: float) -> SamlMetadata:
    """The provider's metadata, read again at each sign-in (from MetadataURL or File)."""
    try:
        url = details.get("MetadataURL")
        return read(fetch(url) if url else details.get("MetadataFile", ""), now=now)
    except MetadataError as exc:
        raise FederationError(f"the identity provider's metadata can't be used: {exc}") \
            from exc
