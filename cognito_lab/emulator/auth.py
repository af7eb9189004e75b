"""Sign-in through the user pools API: InitiateAuth, AdminInitiateAuth and challenges.

moto checks the password and runs the challenge flow; the emulator then throws moto's
tokens away and mints the lab's own (right keys, lifetimes, claims). Refresh is the
emulator's alone, since the refresh tokens are.
"""

from __future__ import annotations

import base64
import json

from .errors import not_authorized
from .operations import Call, operation
from .tokens import ADMIN_SCOPE, TokenSet

REFRESH_FLOWS = {"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"}


def moto_token_username(moto_access_token: str) -> str:
    payload = moto_access_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims["username"]


def pool_id_of(call: Call) -> str:
    return call.param("UserPoolId") or call.emulator.pool_of_client(call.param("ClientId"))


def sign_in(call: Call, pool_id: str, moto_result: dict) -> TokenSet:
    """Mint the lab's tokens for a sign-in moto has just accepted."""
    emulator = call.emulator
    moto_access = moto_result["AccessToken"]
    user = emulator.directory.user(pool_id, moto_token_username(moto_access))
    client = emulator.directory.client(pool_id, call.param("ClientId"))
    return emulator.tokens.start_session(pool_id=pool_id, client=client, user=user,
                                         scopes=[ADMIN_SCOPE], moto_access_token=moto_access)


def refresh(call: Call, pool_id: str) -> dict:
    """REFRESH_TOKEN_AUTH: new access and ID tokens for a live, unrevoked session."""
    emulator = call.emulator
    token = (call.param("AuthParameters") or {}).get("REFRESH_TOKEN", "")
    session = emulator.sessions.by_refresh_token(token)
    client_id = call.param("ClientId")
    if session is None or session.client_id != client_id or session.pool_id != pool_id:
        raise not_authorized("Invalid Refresh Token")
    if session.revoked:
        raise not_authorized("Refresh Token has been revoked")
    if session.refresh_expires_at is not None and session.refresh_expires_at <= emulator.clock.now():
        raise not_authorized("Refresh Token has expired")
    user = emulator.directory.user(pool_id, session.username or "")
    if not user.enabled:
        raise not_authorized("User is disabled.")
    client = emulator.directory.client(pool_id, client_id)
    tokens = emulator.tokens.refresh(session, client, user)
    return {"AuthenticationResult": tokens.authentication_result(), "ChallengeParameters": {}}


@operation("cognito-idp", "InitiateAuth", "AdminInitiateAuth",
           "RespondToAuthChallenge", "AdminRespondToAuthChallenge")
def authenticate(call: Call) -> dict:
    pool_id = pool_id_of(call)
    if call.param("AuthFlow") in REFRESH_FLOWS:
        return refresh(call, pool_id)
    response = call.forward()
    if "AuthenticationResult" in response:
        tokens = sign_in(call, pool_id, response["AuthenticationResult"])
        response["AuthenticationResult"] = tokens.authentication_result()
    return response
