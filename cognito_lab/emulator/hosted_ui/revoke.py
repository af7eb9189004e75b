"""POST /oauth2/revoke: revoke a refresh token and the access tokens issued from it.

AWS "Revoke endpoint"; RFC 7009. Errors: 400 ``invalid_request`` (no token, or revocation
is disabled for the app client), 400 ``unsupported_token_type`` (not a refresh token),
401 ``invalid_client``. An unknown token, or one issued to another app client, is answered
200 and changes nothing (RFC 7009 §2.2): a client can revoke only its own tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from . import client_auth
from .errors import OAuthError

if TYPE_CHECKING:
    from .. import Emulator


def revoke_token(emulator: Emulator, request: Request) -> None:
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request",
                         "Content-Type must be application/x-www-form-urlencoded")
    app = client_auth.authenticate(emulator, request, status=401)
    token = request.form.get("token")
    if not token:
        raise OAuthError("invalid_request", "token is required")
    if not app.token_revocation:
        raise OAuthError("invalid_request", "token revocation is disabled for this app client")
    if token.count(".") == 2 and token.startswith("eyJ"):
        raise OAuthError("unsupported_token_type", "only refresh tokens can be revoked")
    session = emulator.sessions.by_refresh_token(token)
    if session is not None and session.client_id == app.client_id:
        emulator.sessions.revoke(session)


def revoke(emulator: Emulator, request: Request) -> Response:
    try:
        revoke_token(emulator, request)
    except OAuthError as refused:
        return refused.response()
    return Response(status=200)
