"""CSRF protection of the sign-in form: a double-submit token, signed by the lab.

Cognito's sign-in page sets an ``XSRF-TOKEN`` cookie and repeats its value in the form's
hidden ``_csrf`` field; a POST is accepted only if both are present and equal. The lab
also signs the token (HMAC with a per-lab key), so a token planted by someone else (for
example through a cookie set by a sibling domain) is refused too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE_NAME = "XSRF-TOKEN"
FIELD_NAME = "_csrf"


class CsrfGuard:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _signature(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode("ascii"), hashlib.sha256).hexdigest()

    def new_token(self) -> str:
        nonce = secrets.token_urlsafe(24)
        return f"{nonce}.{self._signature(nonce)}"

    def valid(self, cookie_value: str | None, form_value: str | None) -> bool:
        """Both present, equal, and signed by this lab (all comparisons in constant time)."""
        if not cookie_value or not form_value:
            return False
        if not hmac.compare_digest(cookie_value, form_value):
            return False
        nonce, _, signature = cookie_value.partition(".")
        return bool(nonce) and hmac.compare_digest(signature, self._signature(nonce))

    def signed(self, token: str | None) -> bool:
        """Is ``token`` one this lab issued? (to reuse the cookie across open tabs)"""
        return self.valid(token, token)
