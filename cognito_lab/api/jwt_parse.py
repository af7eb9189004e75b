"""Structure of a JWT: three base64url parts, two JSON objects, one signature.

Parsing is the first check and the one attackers probe most (RFC 8725 §3.4), so it is
strict: exactly three parts, the base64url alphabet only, no ``=`` padding, canonical
encodings only (no stray bits), UTF-8 JSON objects without ``NaN``/``Infinity``, and a size
limit. It is also on every request's path, so each part is decoded exactly once and the
alphabet check runs in C, not byte by byte in Python: one ``bytes.translate`` maps the
base64url alphabet to the standard one (and ``+``, ``/``, ``=`` to a byte no decoder
accepts), then ``binascii.a2b_base64(strict_mode=True)`` refuses anything else. Only when
that fast path refuses a token does the slow path run, to say precisely what is wrong.
Headers are few (one per signing key), so a small memo keeps parsed flat headers.
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
# base64url -> standard base64, and the standard alphabet's own '+', '/' and the padding
# '=' to '!', which strict decoding refuses: one C pass checks and converts.
_URL_TO_STRICT = bytes.maketrans(b"-_+/=", b"+/!!!")
_a2b = binascii.a2b_base64
_HEADER_MEMO: dict[bytes, dict[str, Any]] = {}
_HEADER_MEMO_SIZE = 64
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
_SCAN_JSON = _JSON.scan_once  # type: ignore[attr-defined]  # the C scanner: one value


def b64url_decode(data: bytes | str, what: str = "value") -> bytes:
    """Decode unpadded, canonical base64url (RFC 7515 §2), or raise JwtParseError.

    ``what`` names the thing being decoded in the error message.
    """
    if isinstance(data, str):
        data = _ascii(data, what)
    if data.translate(None, _ALPHABET):
        raise _bad_characters(data, what)
    return _decode_part(data, what)


def _decode_part(data: bytes, what: str) -> bytes:
    """base64url-decode bytes already known to be in the alphabet."""
    rest = len(data) & 3
    if rest:
        if rest == 1:
            raise JwtParseError(f"{what}: expected a possible base64url length, got "
                                f"{len(data)} characters (4n+1)", expected="length not 4n+1",
                                actual=len(data))
        if data[-1] not in _CANONICAL_LAST[rest]:
            raise JwtParseError(f"{what}: expected canonical base64url, got a last character "
                                f"{chr(data[-1])!r} with non-zero unused bits",
                                expected="canonical base64url", actual=chr(data[-1]))
        return binascii.a2b_base64(data.translate(_TO_STANDARD) + _PADDING[rest])
    return binascii.a2b_base64(data.translate(_TO_STANDARD))


def _ascii(text: str, what: str) -> bytes:
    try:
        return text.encode("ascii")
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        raise JwtParseError(f"{what}: expected base64url (ASCII), got the character "
                            f"{shown(char)} at offset {exc.start}", expected="base64url",
                            actual=char) from None


def _bad_characters(data: bytes, what: str) -> JwtParseError:
    stray = data.translate(None, _ALPHABET)
    char = chr(stray[0])
    if char == "=":
        detail = "'=' padding, which a JWT never has (RFC 7515 §2)"
    else:
        detail = f"{shown(char)} at offset {data.index(stray[:1])}"
    return JwtParseError(f"{what}: expected base64url characters only (A-Z a-z 0-9 - _), "
                         f"got {detail}", expected="base64url", actual=char)


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
        value, end = _SCAN_JSON(text, 0)
        if end == len(text) and type(value) is dict:
            return value  # the usual case: compact JSON, as every issuer writes it
    except (StopIteration, ValueError, RecursionError):
        pass
    return _json_object_slow(raw, what)


def _json_object_slow(raw: bytes, what: str) -> dict[str, Any]:
    """Full JSON decoding (surrounding whitespace allowed) with a precise error."""
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


def split_jwt(token: str | bytes) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Split and decode a compact JWS once: (header, payload, signing input, signature).

    Checks structure only; trusts nothing. The verifier's hot path (a plain tuple);
    :func:`parse_jwt` is the same with names.
    """
    if type(token) is str and len(token) <= MAX_TOKEN_LENGTH and token.isascii():
        raw = token.encode("ascii")
    else:
        raw = _raw_bytes(token)
    parts = raw.translate(_URL_TO_STRICT).split(b".")
    if len(parts) == 3:
        header_b64, payload_b64, signature_b64 = parts
        h_rest, p_rest, s_rest = len(header_b64) & 3, len(payload_b64) & 3, \
            len(signature_b64) & 3
        # Canonical last characters (zero unused bits) are the same in both alphabets.
        if header_b64 and payload_b64 and h_rest != 1 and p_rest != 1 and s_rest != 1 \
                and (not h_rest or header_b64[-1] in _CANONICAL_LAST[h_rest]) \
                and (not p_rest or payload_b64[-1] in _CANONICAL_LAST[p_rest]) \
                and (not s_rest or signature_b64[-1] in _CANONICAL_LAST[s_rest]):
            try:
                signature = _a2b(signature_b64 + _PADDING[s_rest], strict_mode=True)
                payload_raw = _a2b(payload_b64 + _PADDING[p_rest], strict_mode=True)
                header = _HEADER_MEMO.get(header_b64)
                if header is None:
                    header_raw = _a2b(header_b64 + _PADDING[h_rest], strict_mode=True)
                else:
                    header = header.copy()  # flat: a shallow copy is a full one
            except binascii.Error:
                pass  # not base64url after all: the slow path says what is wrong
            else:
                if header is None:
                    header = _json_object(header_raw, "header")
                    if all(type(v) is str for v in header.values()):
                        if len(_HEADER_MEMO) >= _HEADER_MEMO_SIZE:
                            _HEADER_MEMO.clear()
                        _HEADER_MEMO[header_b64] = header.copy()
                payload = _json_object(payload_raw, "payload")
                return header, payload, raw[: len(header_b64) + 1 + len(payload_b64)], \
                    signature
    return _split_slow(raw)


def _split_slow(raw: bytes) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """The same as :func:`split_jwt`, step by step, raising the precise JwtParseError."""
    parts = raw.split(b".")
    # One C pass checks the alphabet of all three parts and that there are two dots.
    if len(parts) != 3 or raw.translate(None, _ALPHABET) != b"..":
        raise _structure_error(raw, parts)
    header_b64, payload_b64, signature_b64 = parts
    if not header_b64 or not payload_b64:
        name = "header" if not header_b64 else "payload"
        raise JwtParseError(f"{name}: expected a base64url JSON object, got an empty part",
                            expected="non-empty", actual="")
    header = _json_object(_decode_part(header_b64, "header"), "header")
    payload = _json_object(_decode_part(payload_b64, "payload"), "payload")
    signature = _decode_part(signature_b64, "signature")
    return header, payload, raw[: len(header_b64) + 1 + len(payload_b64)], signature


def parse_jwt(token: str | bytes) -> ParsedJwt:
    """Split and decode a compact JWS once. Checks structure only; trusts nothing."""
    return ParsedJwt(*split_jwt(token))


def _raw_bytes(token: object) -> bytes:
    if isinstance(token, str):
        if len(token) > MAX_TOKEN_LENGTH:
            raise _too_long(len(token))
        return _ascii(token, "token")
    if isinstance(token, bytes):
        if len(token) > MAX_TOKEN_LENGTH:
            raise _too_long(len(token))
        return token
    raise JwtParseError(f"token: expected a str, got {type(token).__name__}",
                        expected="str", actual=type(token).__name__)


def _structure_error(raw: bytes, parts: list[bytes]) -> JwtParseError:
    if len(parts) != 3:
        return JwtParseError(f"token: expected 3 dot-separated parts "
                             f"(header.payload.signature), got {len(parts)}",
                             expected=3, actual=len(parts))
    for name, part in zip(_PART_NAMES, parts, strict=True):
        if part.translate(None, _ALPHABET):
            return _bad_characters(part, name)
    return JwtParseError("token: expected a compact JWS, got something else")  # unreachable


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
