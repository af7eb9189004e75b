"""The lab's token-signing keys and the JWKS that publishes them.

moto signs every token of every pool with one key that ships inside moto (kid "dummy").
Real Cognito signs ID and access tokens with two different keys per pool, publishes both
at ``/<pool>/.well-known/jwks.json``, and rotates them. The lab does the same with
RSA-2048 keys it generates itself, so no key in the lab was ever public.
"""

from __future__ import annotations

import base64
import secrets
import threading
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ...b64url import encode_uint

PURPOSES = ("id", "access")


@dataclass(frozen=True)
class SigningKey:
    """One RSA key: its kid, what it signs ("id" or "access"), and its public JWK."""

    kid: str
    purpose: str
    private_key: rsa.RSAPrivateKey = field(repr=False)

    @property
    def public_jwk(self) -> dict:
        numbers = self.private_key.public_key().public_numbers()
        return {"alg": "RS256", "e": encode_uint(numbers.e), "kid": self.kid,
                "kty": "RSA", "n": encode_uint(numbers.n), "use": "sig"}

    def sign(self, signing_input: bytes) -> bytes:
        """RS256: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3)."""
        return self.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())

    def verify(self, signing_input: bytes, signature: bytes) -> bool:
        """Did this key make ``signature`` (RS256) over ``signing_input``?"""
        try:
            self.private_key.public_key().verify(signature, signing_input, padding.PKCS1v15(),
                                                 hashes.SHA256())
        except InvalidSignature:
            return False
        return True


def _new_key(purpose: str) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # Cognito's kids are base64 strings of a key digest; a random one looks the same.
    kid = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    return SigningKey(kid=kid, purpose=purpose, private_key=private)


class KeyRing:
    """Current signing key per purpose, plus every older key still published for overlap."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current = {purpose: _new_key(purpose) for purpose in PURPOSES}
        self._published: list[SigningKey] = list(self._current.values())

    def current(self, purpose: str) -> SigningKey:
        return self._current[purpose]

    def find(self, kid: str) -> SigningKey | None:
        with self._lock:
            return next((key for key in self._published if key.kid == kid), None)

    def rotate(self, *, retire_old: bool = False) -> list[SigningKey]:
        """Start signing with new keys. Old keys stay in the JWKS unless ``retire_old``."""
        fresh = {purpose: _new_key(purpose) for purpose in PURPOSES}
        with self._lock:
            old = list(self._current.values())
            self._current = fresh
            self._published = list(fresh.values()) + ([] if retire_old else self._published)
        return old

    def retire(self, kid: str) -> None:
        """Stop publishing a key (tokens it signed stop verifying once caches refresh)."""
        with self._lock:
            if any(key.kid == kid for key in self._current.values()):
                raise ValueError("cannot retire a key that is still signing; rotate first")
            self._published = [key for key in self._published if key.kid != kid]

    def jwks(self) -> dict:
        with self._lock:
            return {"keys": [key.public_jwk for key in self._published]}


class KeyStore:
    """One KeyRing per user pool, made when the pool first signs something."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rings: dict[str, KeyRing] = {}

    def ring(self, pool_id: str) -> KeyRing:
        with self._lock:
            if pool_id not in self._rings:
                self._rings[pool_id] = KeyRing()
            return self._rings[pool_id]

    def find(self, kid: str) -> tuple[str, SigningKey] | None:
        """Which pool published ``kid``, and the key itself."""
        with self._lock:
            rings = list(self._rings.items())
        for pool_id, ring in rings:
            key = ring.find(kid)
            if key is not None:
                return pool_id, key
        return None

    def signer_of(self, header: dict, signing_input: bytes, signature: bytes) -> str | None:
        """The pool whose published key (the header's ``kid``) signed ``signing_input`` with
        RS256, or None: unknown kid, another ``alg``, or a signature that does not verify."""
        found = self.find(str(header.get("kid", "")))
        if found is None or header.get("alg") != "RS256":
            return None
        pool_id, key = found
        return pool_id if key.verify(signing_input, signature) else None
