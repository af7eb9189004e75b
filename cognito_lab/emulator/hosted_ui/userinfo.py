"""GET/POST /oauth2/userInfo: the signed-in user's attributes, as the token's scopes allow.

AWS "userInfo endpoint"; OpenID Connect Core §5.3; RFC 6750 §3.1. The access token must
come from the token endpoint and carry ``openid`` (API-issued tokens have no such scope and
are refused). What comes back depends on the scopes:
- ``openid`` alone: every attribute the app client may read;
- with ``profile`` / ``email`` / ``phone``: those groups of attributes (profile includes
  custom attributes). ``sub`` and ``username`` always.
Values are strings, as Cognito stores them (``"email_verified": "true"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from ..errors import CognitoError
from .errors import REASON_HEADER, OAuthErrorCode, json_response

if TYPE_CHECKING:
    from .. import Emulator

PROFILE = {"name", "family_name", "given_name", "middle_name", "nickname",
           "preferred_username", "profile", "picture", "website", "gender", "birthdate",
           "zoneinfo", "locale", "updated_at", "address"}
SCOPE_ATTRIBUTES = {"email": {"email", "email_verified"},
                    "phone": {"phone_number", "phone_number_verified"}}
INVALID_TOKEN = ("Access token is expired, disabled, or deleted, or the user has globally "
                 "signed out.")


def _refusal(status: int, error: OAuthErrorCode, description: str, reason: str) -> Response:
    response = json_response({"error": error, "error_description": description}, status)
    response.headers["WWW-Authenticate"] = (
        f'Bearer error="{error}", error_description="{description}"')
    response.headers[REASON_HEADER] = reason
    return response


def _released(name: str, scopes: list[str]) -> bool:
    """May an attribute be returned under these scopes?"""
    if not any(s in scopes for s in ("profile", "email", "phone")):
        return True                                 # openid alone: all readable attributes
    if "profile" in scopes and (name in PROFILE or name.startswith("custom:")):
        return True
    return any(name in SCOPE_ATTRIBUTES[s] for s in ("email", "phone") if s in scopes)


def userinfo(emulator: Emulator, request: Request) -> Response:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _refusal(400, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint",
                        "send the access token as Authorization: Bearer <token>")
    try:
        claims, session = emulator.tokens.read(token.strip(), "access")
    except CognitoError as error:
        return _refusal(401, "invalid_token", INVALID_TOKEN, error.message)
    scopes = claims.get("scope", "").split()
    if "openid" not in scopes:
        return _refusal(401, "invalid_token", INVALID_TOKEN,
                        "the access token has no openid scope (API-issued access tokens "
                        "never do: get one from the token endpoint)")
    try:
        user = emulator.directory.user(session.pool_id, session.username or "")
    except CognitoError:
        user = None
    if user is None or not user.enabled:
        return _refusal(401, "invalid_token", INVALID_TOKEN, "the user is disabled or deleted")
    readable = emulator.directory.client(session.pool_id, session.client_id).read_attributes
    body = {"sub": user.sub}
    for name, value in user.attributes.items():
        if name == "sub" or (readable is not None and name not in readable):
            continue
        if _released(name, scopes):
            body[name] = value
    body["username"] = user.username
    return json_response(body)
