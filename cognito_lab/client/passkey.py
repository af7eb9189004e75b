"""A software passkey authenticator: the user's device, without a browser.

A real passkey lives in a phone, a laptop's secure chip or a security key; the browser
carries messages between it and the site. This module plays both for a notebook: it
makes a P-256 key pair per site (relying party), answers the options Cognito's
StartWebAuthnRegistration returns with a RegistrationResponseJSON ("none" attestation,
CBOR by ``cbor2``), and answers a WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS with an
AuthenticationResponseJSON — the JSON shapes of W3C WebAuthn Level 3 §5.1
(``PublicKeyCredential.toJSON()``) that CompleteWebAuthnRegistration and
RespondToAuthChallenge take.

Like a browser, it refuses to use a relying party id that the page's origin does not
belong to (WebAuthn §5.1.3–4: the origin's host must be the RP id or a subdomain of it):
that rule, and the origin the browser writes into clientDataJSON, are what make passkeys
phishing-resistant. ``browser_checks=False`` lets a lesson play a broken or malicious
client that skips them, to show that Cognito refuses its answers too.

    authenticator = SoftwareAuthenticator()
    response = authenticator.create(options, origin="https://shop.example.com")
    assertion = authenticator.get(request_options, origin="https://shop.example.com")
"""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from .. import b64url

# authenticator data flags (WebAuthn §6.1)
USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED_DATA = 0x40
AAGUID = bytes(16)                 # "none" attestation: an all-zero AAGUID
ES256 = -7                         # COSE algorithm: ECDSA with SHA-256 on P-256


class PasskeyError(Exception):
    """What a browser would refuse to do (a DOMException: SecurityError, NotAllowedError)."""


def origin_may_use(origin: str, rp_id: str) -> bool:
    """WebAuthn §5.1.3: the RP id must be the origin's host or a registrable suffix of it,
    on a secure origin (https, or http on localhost)."""
    parts = urlsplit(origin)
    host = parts.hostname or ""
    local = host in ("localhost", "127.0.0.1") or host.endswith(".localhost")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        return False
    return host == rp_id or host.endswith("." + rp_id)


@dataclass
class Credential:
    """One passkey: a key pair bound to one relying party and one user."""

    credential_id: bytes
    rp_id: str
    user_handle: bytes
    user_name: str
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    sign_count: int = 0

    @property
    def id(self) -> str:
        return b64url.encode(self.credential_id)

    def cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: ES256, -1: 1,           # kty EC2, alg ES256, crv P-256
                            -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})


class SoftwareAuthenticator:
    """A passkey provider in memory: ``create`` registers, ``get`` signs in."""

    def __init__(self, *, user_verification: bool = True) -> None:
        self.credentials: list[Credential] = []
        self.user_verification = user_verification   # can it check who holds it (PIN, face)?

    def _flags(self, *extra: int) -> int:
        flags = USER_PRESENT | (USER_VERIFIED if self.user_verification else 0)
        for bit in extra:
            flags |= bit
        return flags

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin,
                           "crossOrigin": False}, separators=(",", ":")).encode()

    def create(self, options: dict, *, origin: str, browser_checks: bool = True) -> dict:
        """navigator.credentials.create(): a RegistrationResponseJSON for ``options``
        (PublicKeyCredentialCreationOptionsJSON, e.g. StartWebAuthnRegistration's
        CredentialCreationOptions)."""
        options = options.get("publicKey", options)
        rp_id = options["rp"].get("id") or (urlsplit(origin).hostname or "")
        if browser_checks and not origin_may_use(origin, rp_id):
            raise PasskeyError(f"SecurityError: {origin} may not create passkeys for {rp_id}")
        if not any(p.get("alg") == ES256 for p in options.get("pubKeyCredParams", [])):
            raise PasskeyError("NotSupportedError: the site doesn't accept ES256 keys")
        excluded = {b64url.decode(c["id"]) for c in options.get("excludeCredentials", [])}
        if any(c.credential_id in excluded for c in self.credentials):
            raise PasskeyError("InvalidStateError: this device already has a passkey for "
                               "this account")
        credential = Credential(secrets.token_bytes(32), rp_id,
                                b64url.decode(options["user"]["id"]),
                                options["user"].get("name", ""),
                                ec.generate_private_key(ec.SECP256R1()))
        self.credentials.append(credential)
        auth_data = (hashlib.sha256(rp_id.encode()).digest()
                     + bytes([self._flags(ATTESTED_DATA)])
                     + struct.pack(">I", credential.sign_count)
                     + AAGUID + struct.pack(">H", len(credential.credential_id))
                     + credential.credential_id + credential.cose_public_key())
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {"id": credential.id, "rawId": credential.id, "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url.encode(client_data),
                             "attestationObject": b64url.encode(attestation),
                             "transports": ["internal"]}}

    def get(self, options: dict, *, origin: str, browser_checks: bool = True,
            rp_id: str | None = None) -> dict:
        """navigator.credentials.get(): an AuthenticationResponseJSON for ``options``
        (PublicKeyCredentialRequestOptionsJSON, e.g. the WEB_AUTHN challenge's
        CREDENTIAL_REQUEST_OPTIONS, as a dict or its JSON string).

        ``rp_id`` overrides the RP id the authenticator signs for (only with
        ``browser_checks=False``: a real browser never lets a page do that)."""
        if isinstance(options, str):
            options = json.loads(options)
        options = options.get("publicKey", options)
        asked_rp = options.get("rpId") or (urlsplit(origin).hostname or "")
        if browser_checks and not origin_may_use(origin, asked_rp):
            raise PasskeyError(f"SecurityError: {origin} may not use passkeys of {asked_rp}")
        allowed = [b64url.decode(c["id"]) for c in options.get("allowCredentials", [])]
        usable = [c for c in self.credentials if c.rp_id == asked_rp
                  and (not allowed or c.credential_id in allowed)]
        if not usable:
            raise PasskeyError(f"NotAllowedError: this device has no passkey for {asked_rp}")
        credential = usable[-1]
        credential.sign_count += 1
        signed_rp = rp_id if (rp_id and not browser_checks) else credential.rp_id
        auth_data = (hashlib.sha256(signed_rp.encode()).digest() + bytes([self._flags()])
                     + struct.pack(">I", credential.sign_count))
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = credential.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": credential.id, "rawId": credential.id, "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url.encode(client_data),
                             "authenticatorData": b64url.encode(auth_data),
                             "signature": b64url.encode(signature),
                             "userHandle": b64url.encode(credential.user_handle)}}

    def __repr__(self) -> str:
        sites = sorted({c.rp_id for c in self.credentials})
        return f"<SoftwareAuthenticator: {len(self.credentials)} passkey(s) for {sites}>"
