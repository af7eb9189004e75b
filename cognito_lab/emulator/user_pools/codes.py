"""One-time codes Cognito sends: sign-up confirmation, password reset, attribute verification.

AWS, "Signing up and confirming user accounts": the confirmation code "is valid for 24
hours", and confirming with it verifies the email or phone number it was sent to. A
password-reset code lasts one hour. A wrong code is CodeMismatchException, a stale one
ExpiredCodeException. Only the newest code of each kind counts. Time is the lab's clock.
moto's ConfirmSignUp accepts any code.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from ...clock import Clock
from ..errors import CodeMismatchException, CognitoError, ExpiredCodeException

LIFETIME_SECONDS = {"confirmation": 24 * 3600, "password_reset": 3600,
                    "attribute_verification": 24 * 3600}


def code_mismatch() -> CognitoError:
    return CodeMismatchException(
        "Invalid verification code provided, please try again.")


def code_expired() -> CognitoError:
    return ExpiredCodeException(
        "Invalid code provided, please request a code again.")


@dataclass(frozen=True)
class IssuedCode:
    code: str
    attribute: str          # the attribute it was sent to ("email" or "phone_number")
    expires_at: float


class CodeBook:
    """The live code per (pool, internal username, purpose)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[tuple[str, str, str], IssuedCode] = {}

    @staticmethod
    def _key(pool_id: str, username: str, purpose: str, attribute: str | None) -> tuple:
        """Attribute-verification codes are per attribute; the others per user."""
        per_attribute = purpose == "attribute_verification"
        return (pool_id, username, f"{purpose}:{attribute}" if per_attribute else purpose)

    def issue(self, pool_id: str, username: str, purpose: str, *, attribute: str) -> str:
        """A new 6-digit code (the previous one of this kind stops working)."""
        code = f"{secrets.randbelow(10**6):06d}"
        issued = IssuedCode(code, attribute, self._clock.now() + LIFETIME_SECONDS[purpose])
        key = self._key(pool_id, username, purpose, attribute)
        with self._lock:
            self._codes[key] = issued
        return code

    def check(self, pool_id: str, username: str, purpose: str, code: object, *,
              attribute: str | None = None, consume: bool = True) -> IssuedCode:
        """The issued code if ``code`` is it and still fresh; else AWS's error."""
        key = self._key(pool_id, username, purpose, attribute)
        with self._lock:
            issued = self._codes.get(key)
            if issued is None or issued.expires_at <= self._clock.now():
                raise code_expired()
            if not isinstance(code, str) or not secrets.compare_digest(code, issued.code):
                raise code_mismatch()
            if consume:
                del self._codes[key]
            return issued

    def discard(self, pool_id: str, username: str, purpose: str,
                attribute: str | None = None) -> None:
        with self._lock:
            self._codes.pop(self._key(pool_id, username, purpose, attribute), None)
