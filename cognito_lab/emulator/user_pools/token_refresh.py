"""Refreshing a session: GetTokensFromRefreshToken, and refresh-token rotation.

AWS, "Refresh tokens" (Developer Guide), GetTokensFromRefreshToken and
RefreshTokenRotationType (API reference):

- GetTokensFromRefreshToken issues new ID and access tokens from a valid refresh token,
  and a new refresh token too when the app client's ``RefreshTokenRotation.Feature`` is
  ENABLED. The new refresh token lives for what was left of the original's lifetime.
- With rotation on, the submitted refresh token stops working after
  ``RetryGracePeriodSeconds`` (0 to 60; 0: at once). A rotated-out token used after that
  is refused with RefreshTokenReuseException ("a refresh token that has been invalidated by
  refresh-token rotation").
- "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh token
  rotation enabled" (``auth.refresh`` refuses it); the token endpoint's refresh_token grant
  rotates too ("optionally (with refresh token rotation) refresh tokens").
- A client with a secret sends it as ``ClientSecret`` (any active secret, see
  ``client_secret_rotation``); a client without one sends none.

moto (5.2.x) has no GetTokensFromRefreshToken. Where AWS is silent the lab chooses: the
client's ExplicitAuthFlows don't gate GetTokensFromRefreshToken (AWS tells rotating clients
to turn ALLOW_REFRESH_TOKEN_AUTH off, and they must still refresh); the wording of the
secret and reuse errors; DeviceKey is accepted and ignored (the lab remembers no devices).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import (
    InvalidParameterException,
    NotAuthorizedException,
    RefreshTokenReuseException,
)
from ..operations import Call
from .directory import ClientSettings
from .sessions import Session
from .tokens import TokenSet

if TYPE_CHECKING:
    from .. import Emulator


class RotatedOut(Exception):
    """A refresh token replaced by rotation, used after its grace period."""


def live_session(emulator: Emulator, token: str) -> Session | None:
    """The session a refresh token belongs to: a current token, or a rotated-out one still
    inside its grace period. None for a token the lab never issued; :class:`RotatedOut`
    for one rotated out longer ago than the grace period."""
    session = emulator.sessions.by_refresh_token(token)
    if session is not None:
        return session
    rotated = emulator.sessions.rotated_out(token)
    if rotated is None:
        return None
    session, valid_until = rotated
    if valid_until <= emulator.clock.now():
        raise RotatedOut(token)
    return session


def rotate(emulator: Emulator, client: ClientSettings, session: Session, token: str,
           tokens: TokenSet) -> TokenSet:
    """With rotation on, the refreshed tokens come with a new refresh token, and ``token``
    works only for the client's grace period from now on."""
    if not client.refresh_token_rotation:
        return tokens
    grace_until = emulator.clock.now() + client.rotation_grace_seconds
    new = emulator.sessions.rotate(session, token, grace_until)
    return TokenSet(tokens.access_token, tokens.id_token, new, tokens.expires_in,
                    tokens.session)


def check_client_secret(client: ClientSettings, given: object) -> None:
    if client.secret is None:
        if given:
            raise InvalidParameterException(
                f"App client {client.client_id} is not configured with a secret, but a "
                "ClientSecret was received")
        return
    if not given:
        raise NotAuthorizedException(
            f"Client {client.client_id} is configured with secret but ClientSecret was "
            "not received")
    if not client.secret_matches(given):
        raise NotAuthorizedException(f"Unable to verify secret for client {client.client_id}")


def get_tokens_from_refresh_token(call: Call) -> dict:
    emulator = call.emulator
    client_id = call.param("ClientId")
    pool_id = emulator.pool_of_client(client_id)
    client = emulator.directory.client(pool_id, client_id)
    check_client_secret(client, call.param("ClientSecret"))
    token = call.param("RefreshToken")
    try:
        session = live_session(emulator, token)
    except RotatedOut:
        raise RefreshTokenReuseException(
            "Refresh token has been rotated and is no longer valid") from None
    if session is None or session.client_id != client_id or session.pool_id != pool_id:
        raise NotAuthorizedException("Invalid Refresh Token")
    if session.revoked:
        raise NotAuthorizedException("Refresh Token has been revoked")
    if session.refresh_expires_at is not None and \
            session.refresh_expires_at <= emulator.clock.now():
        raise NotAuthorizedException("Refresh Token has expired")
    user = emulator.directory.find_user(pool_id, session.username)
    if user is None:
        raise NotAuthorizedException("User does not exist.")
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    tokens = emulator.tokens.refresh(session, client, user,
                                     client_metadata=dict(call.param("ClientMetadata") or {}))
    tokens = rotate(emulator, client, session, token, tokens)
    return {"AuthenticationResult": tokens.authentication_result()}
