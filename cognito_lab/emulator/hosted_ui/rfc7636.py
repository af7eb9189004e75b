"""PKCE, the authorization server's half (RFC 7636).

Cognito supports the ``S256`` method only; ``plain`` is refused at the authorize
endpoint (AWS, "Authorize endpoint": code_challenge_method).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from ...b64url import encode as b64url_encode

SUPPORTED_METHODS = ("S256",)
# RFC 7636 §4.1 and §4.2: 43 to 128 characters of [A-Z] [a-z] [0-9] - . _ ~
_UNRESERVED_43_128 = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def well_formed(value: str | None) -> bool:
    """Is ``value`` a syntactically valid code_verifier or code_challenge?"""
    return value is not None and _UNRESERVED_43_128.fullmatch(value) is not None


def s256(code_verifier: str) -> str:
    """BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return b64url_encode(digest)


def verifier_matches(code_verifier: str, code_challenge: str) -> bool:
    """RFC 7636 §4.6, S256: does the verifier hash to the challenge? (constant time)"""
    return hmac.compare_digest(s256(code_verifier), code_challenge)
