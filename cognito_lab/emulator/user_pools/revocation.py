"""RevokeToken: end a sign-in session by revoking its refresh token.

AWS, "Revoking tokens" and RevokeToken: revoking a refresh token also revokes every access
and ID token issued from it (they share its ``origin_jti``); other sessions are untouched.
The client must have EnableTokenRevocation (UnsupportedOperationException otherwise), a
confidential client proves itself with its ClientSecret (no SECRET_HASH here), only a
refresh token can be revoked (UnsupportedTokenTypeException for an access or ID token),
and, as at the revocation endpoint, an unknown token is answered with success. moto does
not implement RevokeToken.
"""

from __future__ import annotations

from ..errors import (
    InvalidParameterException,
    UnauthorizedException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
)
from ..operations import Call


def _looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("eyJ")


def revoke_token(call: Call) -> dict:
    token = call.param("Token")
    client_id = call.param("ClientId")
    if not isinstance(token, str) or not token:
        raise InvalidParameterException("Missing required parameter Token")
    if not isinstance(client_id, str) or not client_id:
        raise InvalidParameterException("Missing required parameter ClientId")
    emulator = call.emulator
    pool_id = emulator.pool_of_client(client_id)
    client = emulator.directory.client(pool_id, client_id)
    if not client.token_revocation:
        raise UnsupportedOperationException(
            "Token revocation is not enabled for this app client.")
    if client.secret is not None:
        if not client.secret_matches(call.param("ClientSecret")):
            raise UnauthorizedException(
                "Client secret is missing or invalid for this app client.")
    if _looks_like_jwt(token):
        raise UnsupportedTokenTypeException(
            "Only refresh tokens can be revoked; this is a JWT (access or ID "
            "token).")
    session = emulator.sessions.by_refresh_token(token)
    if session is None:
        return {}                       # RFC 7009 §2.2: an invalid token is not an error
    if session.client_id != client_id:
        raise UnauthorizedException(
            "Refresh tokens must be revoked with the app client that got them.")
    emulator.sessions.revoke(session)
    return {}
