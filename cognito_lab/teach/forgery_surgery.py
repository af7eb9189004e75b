"""Token surgery for the forgery gallery: take real tokens apart, put forged ones together.

What an attacker does with a token: read its parts without any key (:func:`decode`), write
new parts (:func:`part`), sign with a key of their own (:func:`sign_rs256`), with a
shared secret (:func:`sign_hs256`), or turn a published JWK into the PEM some libraries
would take as an HMAC secret (:func:`pem_from_jwk`).
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cognito_lab import b64url


def part(value: dict) -> str:
    """A header or payload as it stands in a token: compact JSON, base64url."""
    return b64url.encode_json(value)


def decode(token: str) -> tuple[dict, dict, str]:
    """A token's header and payload (unverified) and its signature, still base64url."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    return b64url.decode_json(header_b64), b64url.decode_json(payload_b64), signature_b64


def sign_rs256(header: dict, payload: dict, key: rsa.RSAPrivateKey) -> str:
    """A token signed RS256 with ``key`` (an attacker's own, unless it is the pool's)."""
    signing_input = f"{part(header)}.{part(payload)}"
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url.encode(signature)}"


def sign_hs256(header: dict, payload: dict, secret: bytes) -> str:
    """A token "signed" HS256: an HMAC-SHA256 keyed with ``secret``."""
    signing_input = f"{part(header)}.{part(payload)}"
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url.encode(mac)}"


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict:
    """The public half of ``key`` as a JWK (to embed in a header, or publish)."""
    numbers = key.public_key().public_numbers()
    return {"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
            "n": b64url.encode_uint(numbers.n), "e": b64url.encode_uint(numbers.e)}


def pem_from_jwk(jwk: dict) -> bytes:
    """A published RSA JWK as PEM (SubjectPublicKeyInfo)."""
    public = rsa.RSAPublicNumbers(b64url.decode_uint(jwk["e"]),
                                  b64url.decode_uint(jwk["n"])).public_key()
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo)


__all__ = ["decode", "part", "pem_from_jwk", "public_jwk", "sign_hs256", "sign_rs256"]
