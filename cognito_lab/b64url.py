"""base64url as JOSE writes it: a neutral leaf module every party may import.

JWTs, JWKs and PKCE write bytes in the URL-safe base64 alphabet without ``=`` padding
(RFC 7515 §2, RFC 7636 §4.2). :func:`encode` drops the padding; :func:`decode` restores it
and decodes *leniently* (Python's ``urlsafe_b64decode``), which is right for reading a
token one issued or wants to look at, and wrong for a verifier: the resource server's
strict, canonical decoding stays in ``cognito_lab.api.jwt_parse``.

Standard base64 (``+/`` with padding: SECRET_HASH, SRP, HTTP Basic) is another encoding
and is not handled here.
"""

from __future__ import annotations

import base64
import json
from typing import Any


def encode(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(data: str | bytes) -> bytes:
    """base64url with or without padding (lenient); ValueError if it cannot be decoded."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))


def encode_json(value: Any) -> str:
    """A JOSE header or payload: compact JSON, base64url without padding."""
    return encode(json.dumps(value, separators=(",", ":")).encode())


def decode_json(segment: str | bytes) -> Any:
    """The JSON value in a base64url segment (lenient, unverified)."""
    return json.loads(decode(segment))


def decode_jws(token: str) -> tuple[Any, Any, bytes, bytes]:
    """A compact JWS read leniently and NOT verified: its header and payload (JSON values),
    its signing input and its signature; ValueError if it is not three base64url parts."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    return (decode_json(header_b64), decode_json(payload_b64),
            f"{header_b64}.{payload_b64}".encode("ascii"), decode(signature_b64))


def encode_uint(value: int) -> str:
    """A JWK number (``n``, ``e``): big-endian bytes, no leading zeros (RFC 7518 §6.3.1)."""
    return encode(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def decode_uint(segment: str | bytes) -> int:
    return int.from_bytes(decode(segment), "big")


__all__ = ["decode", "decode_json", "decode_jws", "decode_uint", "encode", "encode_json",
           "encode_uint"]
