"""Sign-ins waiting for an answer: the ``Session`` of InitiateAuth / RespondToAuthChallenge.

AWS, RespondToAuthChallenge: each challenge comes with a session string that the next
call must send back, and "Your user pool native user must respond to each authentication
challenge before the session expires" (the app client's AuthSessionValidity, 3 minutes by
default). The lab keeps what the next step needs: who is signing in, through which
client, the challenge asked, and for SRP the server's half of the handshake.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field

from ...clock import Clock
from ..errors import NotAuthorizedException
from .srp import ServerHandshake


@dataclass
class PendingSignIn:
    session: str
    pool_id: str
    client_id: str
    username: str | None            # internal username; None for a simulated unknown user
    challenge: str                   # PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, ...
    expires_at: float
    client_metadata: dict = field(default_factory=dict)
    handshake: ServerHandshake | None = field(default=None, repr=False)
    new_password_set: bool = False   # the user answered NEW_PASSWORD_REQUIRED on the way
    totp_verified: bool = False      # MFA_SETUP: VerifySoftwareToken accepted a code


class ChallengeStore:
    """Open sign-ins by session string (and, for SRP, by the secret block)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, PendingSignIn] = {}

    def open(self, *, pool_id: str, client_id: str, username: str | None, challenge: str,
             lifetime_seconds: float, client_metadata: dict | None = None,
             handshake: ServerHandshake | None = None, new_password_set: bool = False,
             totp_verified: bool = False) -> PendingSignIn:
        pending = PendingSignIn(secrets.token_urlsafe(96), pool_id, client_id, username,
                                challenge, self._clock.now() + lifetime_seconds,
                                dict(client_metadata or {}), handshake, new_password_set,
                                totp_verified)
        with self._lock:
            self._prune()
            self._pending[pending.session] = pending
        return pending

    def take(self, session: object, *, client_id: str, challenge: str,
             secret_block: object = None) -> PendingSignIn:
        """The open sign-in this answer belongs to, closing it; NotAuthorized otherwise.

        SRP clients may leave out the session: their PASSWORD_CLAIM_SECRET_BLOCK names it.
        """
        with self._lock:
            pending = self._pending.get(session) if isinstance(session, str) else None
            if pending is None and secret_block is not None:
                pending = next((p for p in self._pending.values() if p.handshake is not None
                                and _b64(p.handshake.secret_block) == secret_block), None)
            if pending is None or pending.client_id != client_id \
                    or pending.challenge != challenge:
                raise NotAuthorizedException("Invalid session for the user.")
            del self._pending[pending.session]
        if pending.expires_at <= self._clock.now():
            raise NotAuthorizedException("Invalid session for the user, session is expired.")
        return pending

    def put_back(self, pending: PendingSignIn) -> None:
        """Keep a sign-in open after a wrong answer, so the user can try again."""
        with self._lock:
            self._pending[pending.session] = pending

    def peek(self, session: object) -> PendingSignIn | None:
        with self._lock:
            return self._pending.get(session) if isinstance(session, str) else None

    def _prune(self) -> None:
        now = self._clock.now()
        for key in [k for k, p in self._pending.items() if p.expires_at <= now - 3600]:
            del self._pending[key]


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")
