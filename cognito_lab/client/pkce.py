"""PKCE (RFC 7636): the app's half of proving that the code it redeems is its own.

Before sending the user to sign in, the app makes a random **code verifier** and keeps it;
it sends only its hash, the **code challenge** (``S256``: base64url of SHA-256, no padding).
When it redeems the code, it sends the verifier; Cognito hashes it and compares. Someone
who intercepted the code (a malicious app on the same redirect URI, a leaked log) does not
have the verifier, so the code is useless to them.

Cognito supports the ``S256`` method only (AWS, "Authorize endpoint").
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string

from cognito_lab import b64url

from .errors import PkceError

__all__ = ["UNRESERVED", "PkceError", "new_verifier", "s256_challenge", "validate_verifier"]

#: RFC 7636 §4.1: the characters a code verifier may use ("unreserved" of RFC 3986).
UNRESERVED = string.ascii_letters + string.digits + "-._~"
MIN_LENGTH, MAX_LENGTH = 43, 128
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]*")


def validate_verifier(verifier: str) -> str:
    """Return ``verifier`` if it is 43 to 128 characters of ``A-Z a-z 0-9 - . _ ~``."""
    if not isinstance(verifier, str):
        raise PkceError(f"a code verifier is a string, not {type(verifier).__name__}")
    if not MIN_LENGTH <= len(verifier) <= MAX_LENGTH:
        raise PkceError(f"a code verifier must be {MIN_LENGTH} to {MAX_LENGTH} characters "
                        f"long; this one has {len(verifier)}")
    if not _VERIFIER.fullmatch(verifier):
        bad = sorted({c for c in verifier if c not in UNRESERVED})
        raise PkceError(f"a code verifier may use only A-Z a-z 0-9 - . _ ~; this one has "
                        f"{', '.join(repr(c) for c in bad)}")
    return verifier


def new_verifier(length: int = 64) -> str:
    """A fresh random code verifier of ``length`` characters (43 to 128)."""
    if not isinstance(length, int) or not MIN_LENGTH <= length <= MAX_LENGTH:
        raise PkceError(f"length must be an integer from {MIN_LENGTH} to {MAX_LENGTH}, "
                        f"got {length!r}")
    return "".join(secrets.choice(UNRESERVED) for _ in range(length))


def s256_challenge(verifier: str) -> str:
    """The S256 code challenge of ``verifier``: BASE64URL(SHA256(ASCII(verifier))), unpadded.

    >>> s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")  # RFC 7636 Appendix B
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    """
    digest = hashlib.sha256(validate_verifier(verifier).encode("ascii")).digest()
    return b64url.encode(digest)
