"""TOTP software-token MFA: per-user secrets and RFC 6238 codes, checked with the lab's clock.

AWS, "TOTP software token MFA": AssociateSoftwareToken hands the user a new random secret
(base32, for their authenticator app); VerifySoftwareToken checks a code from it and marks
the token verified; SetUserMFAPreference turns TOTP on. Codes are RFC 6238 defaults
(HMAC-SHA1, 30-second steps, 6 digits) and Cognito "also accepts TOTP tokens that are one
30-second window early or late". moto gives every user the same secret and accepts any
code. The lab also refuses a sign-in code that was already accepted at a sign-in (RFC 6238
§5.2: "the verifier MUST NOT accept the second attempt of the OTP"); AWS's pages don't say
either way. The code that verified a new token may still be used once to sign in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import threading
from dataclasses import dataclass

from ...clock import Clock

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1          # steps accepted either side of now


def new_secret() -> str:
    """A random 160-bit key in base32 (32 characters), as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def code_at(secret: str, step: int) -> str:
    """RFC 4226 HOTP of ``step`` (RFC 6238 uses step = unix time // 30)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def matching_step(secret: str, code: object, now: float) -> int | None:
    """The time step whose code ``code`` is (within ±WINDOW of now), or None."""
    if not isinstance(code, str) or len(code) != DIGITS or not code.isdigit():
        return None
    current = int(now // STEP_SECONDS)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


@dataclass
class SoftwareToken:
    """One user's TOTP state: the verified secret, one awaiting verification, preferences."""

    secret: str | None = None          # verified
    pending: str | None = None         # associated, not yet verified
    enabled: bool = False
    preferred: bool = False
    last_step: int = -1                # the newest step whose code was accepted


class TotpRegistry:
    """Software tokens per (pool, internal username); codes are checked at the lab's time."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str], SoftwareToken] = {}

    def token(self, pool_id: str, username: str) -> SoftwareToken:
        with self._lock:
            return self._tokens.setdefault((pool_id, username), SoftwareToken())

    def associate(self, pool_id: str, username: str) -> str:
        """A new secret for the user; the old one keeps working until this one is verified."""
        secret = new_secret()
        with self._lock:
            self._tokens.setdefault((pool_id, username), SoftwareToken()).pending = secret
        return secret

    def verify_pending(self, pool_id: str, username: str, code: object) -> bool:
        """VerifySoftwareToken: a right code makes the pending secret the user's token."""
        with self._lock:
            token = self._tokens.setdefault((pool_id, username), SoftwareToken())
            if token.pending is None:
                return False
            step = matching_step(token.pending, code, self.clock.now())
            if step is None:
                return False
            token.secret, token.pending, token.last_step = token.pending, None, -1
            return True

    def check(self, pool_id: str, username: str, code: object) -> bool:
        """A sign-in code: right, in the window, and not one already accepted."""
        with self._lock:
            token = self._tokens.get((pool_id, username))
            if token is None or token.secret is None:
                return False
            step = matching_step(token.secret, code, self.clock.now())
            if step is None or step <= token.last_step:
                return False
            token.last_step = step
            return True

    def set_preference(self, pool_id: str, username: str, *, enabled: bool | None,
                       preferred: bool | None) -> None:
        with self._lock:
            token = self._tokens.setdefault((pool_id, username), SoftwareToken())
            if enabled is not None:
                token.enabled = enabled
                if not enabled:
                    token.preferred = False
            if preferred is not None:
                token.preferred = preferred and token.enabled

    def forget(self, pool_id: str, username: str) -> None:
        with self._lock:
            self._tokens.pop((pool_id, username), None)
