"""What the local Cognito remembers about tokens it issued: sessions, revocation, sign-out.

A *session* starts at sign-in and is named by its ``origin_jti``: every access and ID
token minted from it (at sign-in and at each refresh) carries that ``origin_jti``, which
is how AWS revokes "the refresh token and the access tokens issued from it" together.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field


@dataclass
class Session:
    origin_jti: str
    pool_id: str
    client_id: str
    username: str | None          # None for client_credentials
    scopes: list[str]
    auth_time: int
    refresh_token: str | None = None
    refresh_expires_at: float | None = None
    revoked: bool = False
    moto_access_token: str | None = field(default=None, repr=False)
    nonce: str | None = None


class SessionStore:
    """Thread-safe registry of sessions, refresh tokens and global sign-outs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_origin: dict[str, Session] = {}
        self._by_refresh: dict[str, Session] = {}
        self._signed_out_at: dict[tuple[str, str], float] = {}
        # refresh tokens rotated out (refresh-token rotation): token -> (session, valid until)
        self._rotated_out: dict[str, tuple[Session, float]] = {}

    def add(self, session: Session) -> Session:
        with self._lock:
            self._by_origin[session.origin_jti] = session
            if session.refresh_token:
                self._by_refresh[session.refresh_token] = session
        return session

    def new_refresh_token(self, session: Session, expires_at: float) -> str:
        """An opaque refresh token (Cognito's are encrypted blobs; ours are random)."""
        token = secrets.token_urlsafe(96)
        with self._lock:
            session.refresh_token = token
            session.refresh_expires_at = expires_at
            self._by_refresh[token] = session
        return token

    def rotate(self, session: Session, old_token: str, grace_until: float) -> str:
        """Refresh-token rotation: a new refresh token for the session, valid as long as
        the one it replaces; ``old_token`` keeps working until ``grace_until``."""
        new = secrets.token_urlsafe(96)
        with self._lock:
            self._by_refresh.pop(old_token, None)
            # a retry inside the grace period doesn't extend it
            self._rotated_out.setdefault(old_token, (session, grace_until))
            session.refresh_token = new
            self._by_refresh[new] = session
        return new

    def rotated_out(self, token: str) -> tuple[Session, float] | None:
        """The session a rotated-out refresh token belonged to, and until when it may
        still be used (its grace period); None if the token was never rotated out."""
        with self._lock:
            return self._rotated_out.get(token)

    def by_origin(self, origin_jti: str) -> Session | None:
        with self._lock:
            return self._by_origin.get(origin_jti)

    def by_refresh_token(self, token: str) -> Session | None:
        with self._lock:
            return self._by_refresh.get(token)

    def revoke(self, session: Session) -> None:
        with self._lock:
            session.revoked = True

    def sign_out(self, pool_id: str, username: str, at: float) -> None:
        """GlobalSignOut: every token issued to this user before ``at`` stops working."""
        with self._lock:
            self._signed_out_at[(pool_id, username)] = at
            for session in self._by_origin.values():
                if session.pool_id == pool_id and session.username == username:
                    session.revoked = True

    def signed_out_at(self, pool_id: str, username: str) -> float | None:
        with self._lock:
            return self._signed_out_at.get((pool_id, username))
