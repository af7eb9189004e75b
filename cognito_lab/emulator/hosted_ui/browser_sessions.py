"""The hosted UI's sign-in session: the ``cognito`` cookie on the user pool domain.

AWS (knowledge center, "logout endpoint and GlobalSignOut API"): after a sign-in through
the hosted endpoints, Cognito keeps a cookie named ``cognito`` on its domain, valid for one
hour; reusing the session resets it to one hour; ``/logout`` clears it. While it lives,
``/oauth2/authorize`` signs the user in without asking for a password. GlobalSignOut does
not clear it (API reference, GlobalSignOut).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from ...clock import Clock

COOKIE_NAME = "cognito"
SESSION_SECONDS = 3600


@dataclass(frozen=True)
class SamlSignIn:
    """What a SAML sign-in leaves for single logout (AWS, "SAML sign-out flow"): the
    LogoutRequest names the user as the assertion did, with its SessionIndex."""

    provider_name: str
    name_id: str
    name_id_format: str | None
    session_index: str | None


@dataclass
class BrowserSession:
    session_id: str
    pool_id: str
    username: str          # Cognito's internal username (the sub in this pool)
    auth_time: int
    expires_at: float
    saml: SamlSignIn | None = None     # set when a SAML provider signed the user in


class BrowserSessionStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, BrowserSession] = {}

    def start(self, *, pool_id: str, username: str,
              saml: SamlSignIn | None = None) -> BrowserSession:
        now = self.clock.now()
        session = BrowserSession(session_id=secrets.token_urlsafe(32), pool_id=pool_id,
                                 username=username, auth_time=int(now),
                                 expires_at=now + SESSION_SECONDS, saml=saml)
        with self._lock:
            self._sessions[session.session_id] = session
        return session

    def find(self, session_id: str | None, pool_id: str) -> BrowserSession | None:
        """The live session named by the cookie, if it belongs to this pool."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or session.pool_id != pool_id:
                return None
            if session.expires_at <= self.clock.now():
                del self._sessions[session_id]
                return None
            return session

    def extend(self, session: BrowserSession) -> None:
        """Reusing the session resets its validity to one hour."""
        with self._lock:
            session.expires_at = self.clock.now() + SESSION_SECONDS

    def end(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)
