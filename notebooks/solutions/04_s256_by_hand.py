"""Notebook 04, exercise 1: the PKCE S256 code challenge, by hand (RFC 7636 §4.2)."""

import base64
import hashlib


def my_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()      # 32 raw bytes
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
