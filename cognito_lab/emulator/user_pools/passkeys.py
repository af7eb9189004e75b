"""Passkeys: the pool's WebAuthn settings and each user's registered credentials.

AWS, "Passkey sign-in", SetUserPoolMfaConfig (WebAuthnConfiguration), and the API
reference of StartWebAuthnRegistration, CompleteWebAuthnRegistration,
ListWebAuthnCredentials and DeleteWebAuthnCredential:

- the relying party id is the pool's WebAuthnConfiguration.RelyingPartyId, else its
  domain (``<prefix>.auth.<region>.amazoncognito.com``); with neither,
  WebAuthnConfigurationMissingException. UserVerification is ``preferred`` unless the pool
  says ``required``. Passkey settings need the Essentials plan or higher.
- a signed-in user (access token with aws.cognito.signin.user.admin) asks for creation
  options, has the authenticator make a credential, and sends back its
  RegistrationResponseJSON; Cognito verifies it (challenge, origin, rpIdHash, flags,
  attestation "none") and keeps the public key. Passkeys must be a first factor of the pool
  (WEB_AUTHN in AllowedFirstAuthFactors), else WebAuthnNotEnabledException.

moto has none of this: SetUserPoolMfaConfig ignores WebAuthnConfiguration (and refuses a
call without MfaConfiguration), and the four passkey operations are not implemented. The
lab keeps the settings and credentials here, per lab, and verifies with py_webauthn
(``webauthn_rp``). Lab's choices where AWS is silent: a registration challenge lives 3
minutes; a passkey's friendly name is "Passkey <n>".
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ... import b64url
from ...clock import Clock
from ..errors import (
    InvalidParameterException,
    ResourceNotFoundException,
    WebAuthnChallengeNotFoundException,
    WebAuthnClientMismatchException,
    WebAuthnConfigurationMissingException,
    WebAuthnCredentialNotSupportedException,
    WebAuthnNotEnabledException,
    WebAuthnOriginNotAllowedException,
    WebAuthnRelyingPartyMismatchException,
)
from ..operations import Call
from .feature_plans import first_factors, require_essentials
from .token_operations import checked_session

if TYPE_CHECKING:
    from .. import Emulator

REGISTRATION_SECONDS = 180
DEFAULT_USER_VERIFICATION = "preferred"


@dataclass
class StoredPasskey:
    credential_id: bytes
    public_key: bytes
    sign_count: int
    rp_id: str
    name: str
    created_at: float
    transports: list[str] = field(default_factory=list)
    attachment: str | None = None

    def description(self) -> dict:
        described = {"CredentialId": b64url.encode(self.credential_id),
                     "FriendlyCredentialName": self.name, "RelyingPartyId": self.rp_id,
                     "AuthenticatorTransports": list(self.transports),
                     "CreatedAt": self.created_at}
        if self.attachment:
            described["AuthenticatorAttachment"] = self.attachment
        return described


@dataclass(frozen=True)
class PendingRegistration:
    challenge: bytes
    client_id: str
    rp_id: str
    require_user_verification: bool
    expires_at: float


class PasskeyStore:
    """Per lab: WebAuthn settings by pool, passkeys by (pool, username), open registrations."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._configs: dict[str, dict] = {}
        self._passkeys: dict[tuple[str, str], list[StoredPasskey]] = {}
        self._registrations: dict[tuple[str, str], PendingRegistration] = {}

    def configuration(self, pool_id: str) -> dict:
        with self._lock:
            return dict(self._configs.get(pool_id, {}))

    def configure(self, pool_id: str, settings: dict) -> dict:
        with self._lock:
            merged = {**self._configs.get(pool_id, {}),
                      **{k: v for k, v in settings.items() if v is not None}}
            self._configs[pool_id] = merged
            return dict(merged)

    def of_user(self, pool_id: str, username: str) -> list[StoredPasskey]:
        with self._lock:
            return list(self._passkeys.get((pool_id, username), []))

    def find(self, pool_id: str, username: str, credential_id: bytes) -> StoredPasskey | None:
        return next((p for p in self.of_user(pool_id, username)
                     if secrets.compare_digest(p.credential_id, credential_id)), None)

    def in_pool(self, pool_id: str, credential_id: bytes) -> bool:
        with self._lock:
            return any(p.credential_id == credential_id
                       for (pool, _), keys in self._passkeys.items() if pool == pool_id
                       for p in keys)

    def add(self, pool_id: str, username: str, passkey: StoredPasskey) -> None:
        with self._lock:
            self._passkeys.setdefault((pool_id, username), []).append(passkey)

    def remove(self, pool_id: str, username: str, credential_id: bytes) -> bool:
        with self._lock:
            keys = self._passkeys.get((pool_id, username), [])
            kept = [p for p in keys if p.credential_id != credential_id]
            self._passkeys[(pool_id, username)] = kept
            return len(kept) != len(keys)

    def record_use(self, passkey: StoredPasskey, sign_count: int) -> None:
        with self._lock:
            passkey.sign_count = sign_count

    def open_registration(self, pool_id: str, username: str,
                          pending: PendingRegistration) -> None:
        with self._lock:
            self._registrations[(pool_id, username)] = pending

    def take_registration(self, pool_id: str, username: str) -> PendingRegistration | None:
        with self._lock:
            pending = self._registrations.pop((pool_id, username), None)
        if pending is None or pending.expires_at <= self._clock.now():
            return None
        return pending


# -- the pool's relying party ---------------------------------------------------------------
def user_verification(emulator: Emulator, pool_id: str) -> str:
    return emulator.passkeys.configuration(pool_id).get("UserVerification") \
        or DEFAULT_USER_VERIFICATION


def relying_party_id(emulator: Emulator, pool: dict) -> str:
    configured = emulator.passkeys.configuration(pool["Id"]).get("RelyingPartyId")
    if configured:
        return configured
    if pool.get("Domain"):
        return f"{pool['Domain']}.auth.{emulator.region}.amazoncognito.com"
    raise WebAuthnConfigurationMissingException(
        "The user pool has no passkey relying party id and no domain to use as one.")


def require_passkeys(pool: dict) -> None:
    if "WEB_AUTHN" not in first_factors(pool):
        raise WebAuthnNotEnabledException(
            "Passkeys are not enabled for this user pool: add WEB_AUTHN to "
            "Policies.SignInPolicy.AllowedFirstAuthFactors.")


# -- SetUserPoolMfaConfig / GetUserPoolMfaConfig --------------------------------------------
def _with_webauthn(call: Call, answer: dict, pool_id: str) -> dict:
    config = {"UserVerification": user_verification(call.emulator, pool_id),
              **call.emulator.passkeys.configuration(pool_id)}
    return {**answer, "WebAuthnConfiguration": config}


def set_user_pool_mfa_config(call: Call) -> dict:
    pool_id = call.param("UserPoolId")
    pool = call.emulator.directory.pool(pool_id)
    webauthn = call.param("WebAuthnConfiguration")
    rest = {k: v for k, v in call.params.items() if k != "WebAuthnConfiguration"}
    if webauthn is not None:
        require_essentials(pool, "Passkey settings (WebAuthnConfiguration)")
    if set(rest) - {"UserPoolId"}:
        if "MfaConfiguration" not in rest:      # keep the pool's MFA setting as it is
            current = call.emulator.moto.idp("GetUserPoolMfaConfig", UserPoolId=pool_id)
            rest["MfaConfiguration"] = current.get("MfaConfiguration", "OFF")
            for key in ("SoftwareTokenMfaConfiguration", "SmsMfaConfiguration"):
                if current.get(key) and key not in rest:
                    rest[key] = current[key]
        answer = call.forward(rest)
    else:
        answer = call.emulator.moto.idp("GetUserPoolMfaConfig", UserPoolId=pool_id)
        answer.pop("ResponseMetadata", None)
    if webauthn is not None:
        call.emulator.passkeys.configure(pool_id, {
            "RelyingPartyId": webauthn.get("RelyingPartyId"),
            "UserVerification": webauthn.get("UserVerification")})
    return _with_webauthn(call, answer, pool_id)


def get_user_pool_mfa_config(call: Call) -> dict:
    return _with_webauthn(call, call.forward(), call.param("UserPoolId"))


# -- registering a passkey ------------------------------------------------------------------
def start_web_authn_registration(call: Call) -> dict:
    from . import webauthn_rp  # py_webauthn loads on first use, not at start-up
    session, user = checked_session(call)
    emulator = call.emulator
    pool = emulator.directory.pool(session.pool_id)
    require_essentials(pool, "Passkeys")
    require_passkeys(pool)
    rp_id = relying_party_id(emulator, pool)
    verification = user_verification(emulator, session.pool_id)
    challenge = secrets.token_bytes(32)
    name = user.attributes.get("email") or user.username
    options = webauthn_rp.creation_options(
        rp_id=rp_id, rp_name=rp_id, user_id=user.sub.encode(), user_name=name,
        display_name=name, challenge=challenge, user_verification=verification,
        exclude=[p.credential_id for p in emulator.passkeys.of_user(session.pool_id,
                                                                     user.username)])
    emulator.passkeys.open_registration(session.pool_id, user.username, PendingRegistration(
        challenge, session.client_id, rp_id, verification == "required",
        emulator.clock.now() + REGISTRATION_SECONDS))
    return {"CredentialCreationOptions": options}


REGISTRATION_ERRORS = {
    "origin": WebAuthnOriginNotAllowedException,
    "rp_id": WebAuthnRelyingPartyMismatchException,
    "challenge": WebAuthnChallengeNotFoundException,
    "unsupported": WebAuthnCredentialNotSupportedException,
    "malformed": InvalidParameterException,
}


def complete_web_authn_registration(call: Call) -> dict:
    from . import webauthn_rp  # py_webauthn loads on first use, not at start-up
    session, user = checked_session(call)
    emulator = call.emulator
    pending = emulator.passkeys.take_registration(session.pool_id, user.username)
    if pending is None:
        raise WebAuthnChallengeNotFoundException(
            "No passkey registration is waiting for this user, or it has expired: call "
            "StartWebAuthnRegistration again.")
    if pending.client_id != session.client_id:
        raise WebAuthnClientMismatchException(
            "The passkey registration was started through another app client.")
    try:
        made = webauthn_rp.verify_registration(
            call.param("Credential"), challenge=pending.challenge, rp_id=pending.rp_id,
            require_user_verification=pending.require_user_verification)
    except webauthn_rp.Refused as refused:
        raise REGISTRATION_ERRORS.get(refused.reason, InvalidParameterException)(
            str(refused)) from None
    if emulator.passkeys.in_pool(session.pool_id, made.credential_id):
        raise InvalidParameterException("This passkey is already registered.")
    count = len(emulator.passkeys.of_user(session.pool_id, user.username))
    emulator.passkeys.add(session.pool_id, user.username, StoredPasskey(
        made.credential_id, made.public_key, made.sign_count, pending.rp_id,
        f"Passkey {count + 1}", emulator.clock.now(), made.transports, made.attachment))
    return {}


def list_web_authn_credentials(call: Call) -> dict:
    session, user = checked_session(call)
    passkeys = call.emulator.passkeys.of_user(session.pool_id, user.username)
    start = 0
    if call.param("NextToken"):
        try:
            start = int(call.param("NextToken"))
        except ValueError:
            raise InvalidParameterException("Invalid NextToken") from None
    size = call.param("MaxResults") or 20
    page = passkeys[start:start + size]
    answer: dict = {"Credentials": [p.description() for p in page]}
    if start + size < len(passkeys):
        answer["NextToken"] = str(start + size)
    return answer


def delete_web_authn_credential(call: Call) -> dict:
    from . import webauthn_rp  # py_webauthn loads on first use, not at start-up
    session, user = checked_session(call)
    try:
        credential_id = webauthn_rp.base64url_to_bytes(call.param("CredentialId"))
    except (ValueError, TypeError):
        credential_id = b""
    if not credential_id or not call.emulator.passkeys.remove(session.pool_id, user.username,
                                                              credential_id):
        raise ResourceNotFoundException("The passkey credential does not exist.")
    return {}
