"""The sign-in page's calls to the user pools API, made in-process like any other client.

Managed login is itself a client of the user pools API: the password, the user's state
(disabled, unconfirmed, must change password), MFA, Lambda triggers and
PreventUserExistenceErrors are all decided by ``AdminInitiateAuth`` and
``AdminRespondToAuthChallenge`` in the emulator's fidelity layer, never re-implemented here.

The calls go through ``Emulator.call``, which marks them internal: on AWS, managed login
does not need the app client to allow ALLOW_ADMIN_USER_PASSWORD_AUTH, nor to send a
SECRET_HASH, so the fidelity layer skips those two app-client checks for internal calls,
and nothing else.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...clock import Clock
from ..user_pools.directory import ClientSettings

if TYPE_CHECKING:
    from .. import Emulator

# AWS: AuthSessionValidity (minutes) bounds how long a challenge may wait for its answer.
DEFAULT_CHALLENGE_MINUTES = 3
# The challenges the sign-in page can ask for, and the ChallengeResponses key of each answer.
CHALLENGE_ANSWERS = {
    "NEW_PASSWORD_REQUIRED": "NEW_PASSWORD",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "SMS_MFA": "SMS_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
    "MFA_SETUP": None,      # answered by VerifySoftwareToken, then the challenge itself
}


def start(emulator: Emulator, app: ClientSettings, username: str, password: str) -> dict:
    """AdminInitiateAuth with the user's password; the API's answer, or CognitoError."""
    return emulator.call("cognito-idp", "AdminInitiateAuth", {
        "UserPoolId": app.pool_id, "ClientId": app.client_id,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": username, "PASSWORD": password}})


def answer(emulator: Emulator, app: ClientSettings, pending: PendingChallenge, value: str) -> dict:
    """AdminRespondToAuthChallenge with the user's answer to a pending challenge.

    MFA_SETUP is answered in two calls, as AWS documents it: VerifySoftwareToken with the
    first code from the new authenticator (it returns a new session), then the challenge.
    """
    session = pending.session
    responses = {"USERNAME": pending.username}
    key = CHALLENGE_ANSWERS[pending.challenge_name]
    if key is None:
        session = emulator.call("cognito-idp", "VerifySoftwareToken", {
            "Session": session, "UserCode": value,
            "FriendlyDeviceName": "managed login"})["Session"]
    else:
        responses[key] = value
    return emulator.call("cognito-idp", "AdminRespondToAuthChallenge", {
        "UserPoolId": app.pool_id, "ClientId": app.client_id,
        "ChallengeName": pending.challenge_name, "Session": session,
        "ChallengeResponses": responses})


def set_up_totp(emulator: Emulator, challenge: dict) -> dict:
    """MFA_SETUP: AssociateSoftwareToken with the challenge's session. The answer carries
    the new secret (to show the user) and the session to continue with."""
    return emulator.call("cognito-idp", "AssociateSoftwareToken",
                         {"Session": challenge.get("Session", "")})


@dataclass
class SignedIn:
    """Who signed in (Cognito's internal username)."""

    username: str


def signed_in(emulator: Emulator, authentication_result: dict) -> SignedIn:
    """Read who signed in from the API's tokens, then revoke that throwaway API session:
    the hosted UI mints its own session (with the granted scopes) when a code is redeemed."""
    _claims, session = emulator.tokens.read(authentication_result["AccessToken"], "access")
    emulator.sessions.revoke(session)
    return SignedIn(username=session.username or "")


@dataclass
class PendingChallenge:
    """A sign-in waiting for the user's answer to a challenge (kept server-side: the page
    carries only an opaque ``challenge_id``)."""

    challenge_id: str
    pool_id: str
    client_id: str
    username: str                   # Cognito's internal username (USER_ID_FOR_SRP)
    typed_username: str             # what the user typed (their email), for display
    challenge_name: str
    session: str = field(repr=False)
    parameters: dict
    expires_at: float
    totp_secret: str | None = field(default=None, repr=False)   # MFA_SETUP: to show once


class PendingChallenges:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, PendingChallenge] = {}

    def add(self, *, app: ClientSettings, username: str, response: dict,
            totp_secret: str | None = None) -> PendingChallenge:
        parameters = response.get("ChallengeParameters") or {}
        minutes = app.raw.get("AuthSessionValidity") or DEFAULT_CHALLENGE_MINUTES
        pending = PendingChallenge(
            challenge_id=secrets.token_urlsafe(24), pool_id=app.pool_id,
            client_id=app.client_id,
            username=parameters.get("USER_ID_FOR_SRP") or username, typed_username=username,
            challenge_name=response["ChallengeName"], session=response.get("Session", ""),
            parameters=parameters, expires_at=self.clock.now() + 60 * int(minutes),
            totp_secret=totp_secret)
        with self._lock:
            self._pending[pending.challenge_id] = pending
        return pending

    def find(self, challenge_id: str | None, client_id: str) -> PendingChallenge | None:
        with self._lock:
            pending = self._pending.get(challenge_id or "")
            if pending is None or pending.client_id != client_id:
                return None
            if pending.expires_at <= self.clock.now():
                del self._pending[pending.challenge_id]
                return None
            return pending

    def drop(self, pending: PendingChallenge) -> None:
        with self._lock:
            self._pending.pop(pending.challenge_id, None)
