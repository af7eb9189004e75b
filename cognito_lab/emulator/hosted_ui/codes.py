"""Authorization codes: single-use, bound to one client, redirect URI and PKCE challenge.

AWS ("Authorize endpoint"): "a one time use code that is valid for five minutes".
A code is removed the moment anyone presents it, before any check: a code that fails a
check (wrong verifier, wrong redirect URI) is spent all the same, so an attacker gets one
guess and the real client learns something went wrong (RFC 6749 §4.1.2, §10.5).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

from ...clock import Clock

CODE_LIFETIME_SECONDS = 300


@dataclass(frozen=True)
class AuthorizationCode:
    code: str
    pool_id: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    username: str
    auth_time: int
    expires_at: float
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    nonce: str | None = None


class CodeStore:
    """Codes issued and not yet presented."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, AuthorizationCode] = {}

    def issue(self, **fields: object) -> AuthorizationCode:
        code = AuthorizationCode(code=str(uuid.uuid4()),
                                 expires_at=self.clock.now() + CODE_LIFETIME_SECONDS, **fields)  # type: ignore[arg-type]
        with self._lock:
            self._codes[code.code] = code
        return code

    def take(self, code: str) -> AuthorizationCode | None:
        """Remove and return the code: it can be presented once, whatever happens next."""
        with self._lock:
            return self._codes.pop(code, None)
