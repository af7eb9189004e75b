"""Structure of a JWT: three base64url parts, two JSON objects, one signature.

Parsing is the first check and the one attackers probe most (RFC 8725 §3.4), so it is
strict: exactly three parts, the base64url alphabet only, no ``=`` padding, canonical
encodings only (no stray bits), UTF-8 JSON objects without ``NaN``/``Infinity``, and a size
limit. It is also on every request's path, so each part is decoded exactly once and the
alphabet check runs in C (``bytes.translate``), not byte by byte in Python.
"""

from __future__ import annotations

import binascii
import json
from typing import Any, NamedTuple

from cognito_lab.api.errors import JwtParseError, shown

MAX_TOKEN_LENGTH = 16 * 1024
"""Longest token accepted (characters). Cognito tokens are 1-4 KiB; anything far larger is
junk or an attempt to make us burn CPU before the signature check."""

_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_PADDING = {0: b"", 2: b"==", 3: b"="}
# In a canonical encoding the bits a short final group does not use are zero, so the
# last character can only be one of these (RFC 4648 §3.5). Anything else would let the
# same bytes have several spellings.
_CANONICAL_LAST = {2: frozenset(b"AQgw"), 3: frozenset(b"AEIMQUYcgkosw048")}
_PART_NAMES = ("header", "payload", "signature")


class UnverifiedJwt(NamedTuple):
    """Header and payload of a token whose signature nobody has checked."""

    header: dict[str, Any]
    payload: dict[str, Any]


class ParsedJwt(NamedTuple):
    """A token split and decoded once: what the verifier works from."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def b64url_decode(data: bytes | str, what: str = "value") -> bytes:
    """Decode unpadded, canonical base64url (RFC 7515 §2), or raise JwtParseError.

    ``what`` names the thing being decoded in the error message.
    """
    if isinstance(data, str):
        try:
            data = data.encode("ascii")
        except UnicodeEncodeError as exc:
            raise JwtParseError(
                f"{what}: expected base64url, got the non-ASCII character "
                f"{shown(exc.object[exc.start])} at offset {exc.start}",
                expected="base64url", actual=exc.object[exc.start]) from None
    stray = data.translate(None, _ALPHABET)
    if stray:
        char = chr(stray[0])
        if char == "=":
            detail = "'=' padding, which a JWT never has (RFC 7515 §2)"
        else:
            detail = f"{shown(char)} at offset {data.index(stray[:1])}"
        raise JwtParseError(f"{what}: expected base64url characters only (A-Z a-z 0-9 - _), "
                            f"got {detail}", expected="base64url", actual=char)
    rest = len(data) % 4
    if rest == 1:
        raise JwtParseError(f"{what}: {len(data)} base64url characters is not a possible "
                            "length (4n+1)", expected="length not 4n+1", actual=len(data))
    if rest and data[-1] not in _CANONICAL_LAST[rest]:
        raise JwtParseError(f"{what}: not canonical base64url (the last character carries "
                            "non-zero unused bits)", expected="canonical base64url",
                            actual=chr(data[-1]))
    return binascii.a2b_base64(data.translate(_TO_STANDARD) + _PADDING[rest])


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = _JSON.decode(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise JwtParseError(f"{what}: expected a UTF-8 JSON object, got invalid JSON ({exc})",
                            expected="JSON object", actual="invalid JSON") from None
    if type(value) is not dict:
        raise JwtParseError(f"{what}: expected a JSON object, got a JSON "
                            f"{type(value).__name__}", expected="JSON object",
                            actual=type(value).__name__)
    return value


def parse_jwt(token: str | bytes) -> ParsedJwt:
    """Split and decode a compact JWS once. Checks structure only; trusts nothing."""
    if isinstance(token, str):
        if len(token) > MAX_TOKEN_LENGTH:
            raise _too_long(len(token))
        try:
            raw = token.encode("ascii")
        except UnicodeEncodeError as exc:
            raise JwtParseError(
                f"token: expected ASCII base64url parts, got the character "
                f"{shown(exc.object[exc.start])} at offset {exc.start}",
                expected="ASCII", actual=exc.object[exc.start]) from None
    elif isinstance(token, bytes):
        raw = token
        if len(raw) > MAX_TOKEN_LENGTH:
            raise _too_long(len(raw))
    else:
        raise JwtParseError(f"token: expected a str, got {type(token).__name__}",
                            expected="str", actual=type(token).__name__)
    parts = raw.split(b".")
    if len(parts) != 3:
        raise JwtParseError(f"token: expected 3 dot-separated parts (header.payload.signature)"
                            f", got {len(parts)}", expected=3, actual=len(parts))
    header_b64, payload_b64, signature_b64 = parts
    for name, part in zip(_PART_NAMES[:2], parts):
        if not part:
            raise JwtParseError(f"{name}: expected a base64url JSON object, got an empty part",
                                expected="non-empty", actual="")
    header = _json_object(b64url_decode(header_b64, "header"), "header")
    payload = _json_object(b64url_decode(payload_b64, "payload"), "payload")
    signature = b64url_decode(signature_b64, "signature")
    signing_input = raw[: len(header_b64) + 1 + len(payload_b64)]
    return ParsedJwt(header, payload, signing_input, signature)


def _too_long(length: int) -> JwtParseError:
    return JwtParseError(f"token: expected at most {MAX_TOKEN_LENGTH} characters, got {length}",
                         expected=MAX_TOKEN_LENGTH, actual=length)


def decode_unverified(token: str | bytes) -> UnverifiedJwt:
    """Read a token's header and payload WITHOUT checking anything but its structure.

    For teaching and debugging only: to *look* at a token. Anyone can write any claims
    into a token; until the signature and the claims are verified (use
    :class:`~cognito_lab.api.CognitoJwtVerifier`), the result proves nothing. NEVER use it
    for authorization.
    """
    parsed = parse_jwt(token)
    return UnverifiedJwt(parsed.header, parsed.payload)
