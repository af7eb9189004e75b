"""Cognito as a WebAuthn relying party: the checks, made by py_webauthn (Duo Labs).

W3C Web Authentication §7.1 (registration) and §7.2 (assertion), as AWS's "Passkey
sign-in" applies them: the response must answer the challenge Cognito issued, come from a
web origin that belongs to the pool's relying party id, carry the SHA-256 of that RP id
(rpIdHash), have the user-present flag (and user-verified when the pool requires it),
a signature by the registered public key, and a signature counter that moved forward.

Which origins belong to an RP id is the browser's rule (WebAuthn §5.1.3 and the HTML
"registrable domain suffix" rule): the origin's host is the RP id or a subdomain of it,
over https — or http on localhost, which browsers treat as a secure context. The lab
applies it before py_webauthn so that each failure gets AWS's own exception.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    parse_attestation_object,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidCBORData,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

LOCAL_HOSTS = ("localhost", "127.0.0.1")
TIMEOUT_MS = 180_000          # the options' timeout: the auth session's 3 minutes


class Refused(Exception):
    """A WebAuthn response that doesn't verify; ``reason`` names the check it failed."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason      # "origin", "rp_id", "challenge", "malformed", "signature"...


def origin_belongs_to(origin: str, rp_id: str) -> bool:
    """The browser's rule: https (or http on localhost) and a host within the RP id."""
    parts = urlsplit(origin)
    host = parts.hostname or ""
    local = host in LOCAL_HOSTS or host.endswith(".localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        return False
    return host == rp_id or host.endswith("." + rp_id)


def _json(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _client_origin(client_data_json: bytes) -> str:
    try:
        return parse_client_data_json(client_data_json).origin
    except Exception as exc:
        raise Refused("malformed", "clientDataJSON is malformed") from exc


# -- registration ---------------------------------------------------------------------------
def creation_options(*, rp_id: str, rp_name: str, user_id: bytes, user_name: str,
                     display_name: str, challenge: bytes, user_verification: str,
                     exclude: list[bytes]) -> dict:
    """PublicKeyCredentialCreationOptions as JSON (what StartWebAuthnRegistration returns)."""
    options = generate_registration_options(
        rp_id=rp_id, rp_name=rp_name, user_id=user_id, user_name=user_name,
        user_display_name=display_name, challenge=challenge, timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, require_resident_key=True,
            user_verification=UserVerificationRequirement(user_verification)),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=c) for c in exclude])
    return json.loads(options_to_json(options))


@dataclass(frozen=True)
class NewCredential:
    credential_id: bytes
    public_key: bytes        # COSE_Key
    sign_count: int
    transports: list[str]
    attachment: str | None
    aaguid: str


def verify_registration(credential: object, *, challenge: bytes, rp_id: str,
                        require_user_verification: bool) -> NewCredential:
    try:
        parsed = parse_registration_credential_json(_json(credential))
    except (InvalidJSONStructure, InvalidRegistrationResponse, ValueError, TypeError) as exc:
        raise Refused("malformed", f"The credential is not a RegistrationResponseJSON: {exc}") \
            from None
    origin = _client_origin(parsed.response.client_data_json)
    if not origin_belongs_to(origin, rp_id):
        raise Refused("origin", f"Origin {origin} is not allowed for relying party {rp_id}")
    try:
        attestation = parse_attestation_object(parsed.response.attestation_object)
    except (InvalidCBORData, Exception) as exc:
        raise Refused("malformed", "attestationObject is malformed") from exc
    if attestation.auth_data.rp_id_hash != hashlib.sha256(rp_id.encode()).digest():
        raise Refused("rp_id", f"The credential was not made for relying party {rp_id}")
    try:
        verified = verify_registration_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, require_user_verification=require_user_verification)
    except InvalidRegistrationResponse as exc:
        reason = "challenge" if "challenge" in str(exc).lower() else "unsupported"
        raise Refused(reason, str(exc)) from None
    transports = [t.value for t in (parsed.response.transports or [])]
    attachment = parsed.authenticator_attachment.value \
        if parsed.authenticator_attachment else None
    return NewCredential(verified.credential_id, verified.credential_public_key,
                         verified.sign_count, transports, attachment, verified.aaguid)


# -- assertion ------------------------------------------------------------------------------
def request_options(*, rp_id: str, challenge: bytes, allow: list[bytes],
                    user_verification: str) -> dict:
    """PublicKeyCredentialRequestOptions as JSON (the WEB_AUTHN challenge's parameter)."""
    options = generate_authentication_options(
        rp_id=rp_id, challenge=challenge, timeout=TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=c) for c in allow],
        user_verification=UserVerificationRequirement(user_verification))
    return json.loads(options_to_json(options))


def credential_id_of(credential: object) -> bytes:
    """The rawId an AuthenticationResponseJSON names (which passkey signed)."""
    try:
        parsed = parse_authentication_credential_json(_json(credential))
    except (InvalidJSONStructure, InvalidAuthenticationResponse, ValueError, TypeError) as exc:
        raise Refused("malformed", f"The credential is not an AuthenticationResponseJSON: "
                                   f"{exc}") from None
    return parsed.raw_id


def verify_assertion(credential: object, *, challenge: bytes, rp_id: str, public_key: bytes,
                     sign_count: int, require_user_verification: bool) -> tuple[int, bool]:
    """The new signature counter and the user-verified flag, or :class:`Refused`."""
    parsed = parse_authentication_credential_json(_json(credential))
    origin = _client_origin(parsed.response.client_data_json)
    if not origin_belongs_to(origin, rp_id):
        raise Refused("origin", f"Origin {origin} is not allowed for relying party {rp_id}")
    try:
        verified = verify_authentication_response(
            credential=parsed, expected_challenge=challenge, expected_rp_id=rp_id,
            expected_origin=origin, credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            require_user_verification=require_user_verification)
    except (InvalidAuthenticationResponse, Exception) as exc:
        raise Refused("signature", str(exc)) from None
    return verified.new_sign_count, verified.user_verified


__all__ = ["NewCredential", "Refused", "base64url_to_bytes", "creation_options",
           "credential_id_of", "origin_belongs_to", "request_options", "verify_assertion",
           "verify_registration"]
