"""POST /oauth2/token: codes, refresh tokens and client credentials in, tokens out.

AWS "Token endpoint"; RFC 6749 §3.2, §4.1.3, §4.4, §5, §6; RFC 7636 §4.5-4.6;
RFC 9700 §2.1.1. Errors are ``{"error": code}`` with status 400. Each rule is one ``raise``
below, in the order the endpoint applies them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from ..errors import CognitoError
from ..user_pools import token_refresh
from ..user_pools.directory import ClientSettings, User
from ..user_pools.tokens import TokenSet
from . import client_auth, rfc7636, scopes
from .errors import OAuthError, json_response

if TYPE_CHECKING:
    from .. import Emulator

GRANT_FLOWS = {"authorization_code": "code", "client_credentials": "client_credentials"}


def authorization_code(emulator: Emulator, app: ClientSettings, form: dict) -> TokenSet:
    """RFC 6749 §4.1.3 and RFC 7636 §4.6: redeem a code, once."""
    code_value, redirect_uri = form.get("code"), form.get("redirect_uri")
    if not code_value:
        raise OAuthError("invalid_request", "code is required")
    if not redirect_uri:
        raise OAuthError("invalid_request", "redirect_uri is required with a code")
    code = emulator.hosted_ui.codes.take(code_value)    # spent now, whatever follows
    if code is None:
        raise OAuthError("invalid_grant", "the code does not exist or was used already")
    if code.expires_at <= emulator.clock.now():
        raise OAuthError("invalid_grant", "the code has expired (codes live five minutes)")
    if code.client_id != app.client_id:
        raise OAuthError("invalid_grant", "the code was issued to another app client")
    if code.redirect_uri != redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri differs from the one sent to "
                         "/oauth2/authorize for this code")
    verifier = form.get("code_verifier")
    if code.code_challenge is not None:
        if verifier is None:
            raise OAuthError("invalid_grant", "the code was requested with PKCE: "
                             "code_verifier is required")
        if not rfc7636.well_formed(verifier):
            raise OAuthError("invalid_grant", "code_verifier must be 43 to 128 characters "
                             "of A-Z a-z 0-9 - . _ ~")
        if not rfc7636.verifier_matches(verifier, code.code_challenge):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    elif verifier is not None:
        # RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade.
        raise OAuthError("invalid_grant", "code_verifier sent, but the code was requested "
                         "without a code_challenge")
    user = _enabled_user(emulator, app.pool_id, code.username)
    tokens = emulator.tokens.start_session(
        pool_id=app.pool_id, client=app, user=user, scopes=list(code.scopes),
        nonce=code.nonce, with_id="openid" in code.scopes, auth_time=code.auth_time,
        at_hash=True)
    emulator.hosted_ui.mark_hosted(tokens.session.origin_jti)
    return tokens


def refresh_token(emulator: Emulator, app: ClientSettings, form: dict) -> TokenSet:
    """RFC 6749 §6: new access (and ID) tokens from a refresh token of this client."""
    token = form.get("refresh_token")
    if not token:
        raise OAuthError("invalid_request", "refresh_token is required")
    if app.auth_flows and "ALLOW_REFRESH_TOKEN_AUTH" not in app.auth_flows \
            and not app.refresh_token_rotation:   # a rotating client turns that flow off
        raise OAuthError("unauthorized_client",
                         "the app client does not allow ALLOW_REFRESH_TOKEN_AUTH")
    try:
        session = token_refresh.live_session(emulator, token)
    except token_refresh.RotatedOut:
        raise OAuthError("invalid_grant", "the refresh token was replaced by refresh token "
                         "rotation and its grace period is over") from None
    if session is None or session.pool_id != app.pool_id:
        raise OAuthError("invalid_grant", "the refresh token is not valid")
    if session.client_id != app.client_id:
        raise OAuthError("invalid_grant", "the refresh token was issued to another app client")
    if session.revoked:
        raise OAuthError("invalid_grant", "the refresh token has been revoked")
    expires_at = session.refresh_expires_at
    if expires_at is not None and expires_at <= emulator.clock.now():
        raise OAuthError("invalid_grant", "the refresh token has expired")
    user = _enabled_user(emulator, app.pool_id, session.username or "")
    tokens = emulator.tokens.refresh(session, app, user, at_hash=True)
    # AWS "Refresh tokens": with rotation on, the refresh_token grant rotates too
    tokens = token_refresh.rotate(emulator, app, session, token, tokens)
    if emulator.hosted_ui.is_hosted(session.origin_jti) and "openid" not in session.scopes:
        # A hosted-UI session without the openid scope never gets an ID token.
        tokens = TokenSet(tokens.access_token, None, tokens.refresh_token, tokens.expires_in,
                          tokens.session)
    return tokens


def client_credentials(emulator: Emulator, app: ClientSettings, form: dict) -> TokenSet:
    """RFC 6749 §4.4: an access token for the client itself (sub = client id)."""
    if app.is_public:
        raise OAuthError("unauthorized_client",
                         "client_credentials needs an app client with a client secret")
    try:
        granted = scopes.for_client_credentials(emulator, app, form.get("scope"))
    except scopes.ScopeError as exc:
        raise OAuthError("invalid_scope", str(exc)) from None
    return emulator.tokens.start_session(pool_id=app.pool_id, client=app, user=None,
                                         scopes=granted, with_refresh=False, with_id=False,
                                         client_metadata=_client_metadata(form))


def _client_metadata(form: dict) -> dict | None:
    """AWS "Token endpoint": ``aws_client_metadata``, URL-encoded JSON passed to the pre
    token generation trigger (a V3_0 event) in client-credentials grants."""
    raw = form.get("aws_client_metadata")
    if raw is None:
        return None
    try:
        metadata = json.loads(raw)
    except ValueError:
        metadata = None
    if not isinstance(metadata, dict):
        raise OAuthError("invalid_request", "aws_client_metadata must be a JSON object")
    return {str(k): str(v) for k, v in metadata.items()}


GRANTS = {"authorization_code": authorization_code, "refresh_token": refresh_token,
          "client_credentials": client_credentials}


def _enabled_user(emulator: Emulator, pool_id: str, username: str) -> User:
    try:
        user = emulator.directory.user(pool_id, username)
    except CognitoError:
        raise OAuthError("invalid_grant", "the user no longer exists") from None
    if not user.enabled:
        raise OAuthError("invalid_grant", "the user is disabled")
    return user


def issue(emulator: Emulator, request: Request) -> TokenSet:
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request",
                         "Content-Type must be application/x-www-form-urlencoded")
    for name, values in request.form.lists():
        if len(values) > 1:
            raise OAuthError("invalid_request", f"{name} must not be repeated")
    app = client_auth.authenticate(emulator, request)
    grant_type = request.form.get("grant_type")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    if grant_type not in GRANTS:
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not "
                         "authorization_code, refresh_token or client_credentials")
    if not app.oauth_enabled:
        raise OAuthError("unauthorized_client", "the app client is not enabled for OAuth flows")
    flow = GRANT_FLOWS.get(grant_type)
    if flow is not None and flow not in app.oauth_flows:
        raise OAuthError("unauthorized_client",
                         f"the app client does not allow the {flow} flow")
    return GRANTS[grant_type](emulator, app, request.form)


def token(emulator: Emulator, request: Request) -> Response:
    try:
        tokens = issue(emulator, request)
    except OAuthError as refused:
        response = refused.response()
    else:
        body: dict = {"access_token": tokens.access_token}
        if tokens.id_token:
            body["id_token"] = tokens.id_token
        if tokens.refresh_token:
            body["refresh_token"] = tokens.refresh_token
        body.update({"token_type": "Bearer", "expires_in": tokens.expires_in})
        response = json_response(body)
    # AWS: the token endpoint answers any origin, so a browser app can redeem its code.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
