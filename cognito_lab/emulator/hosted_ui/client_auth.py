"""Who is calling the token and revocation endpoints (RFC 6749 §2.3, §3.2.1).

- ``client_secret_basic``: ``Authorization: Basic base64(client_id:client_secret)``;
- ``client_secret_post``: ``client_id`` and ``client_secret`` in the form body;
- a public client (no secret) names itself with ``client_id`` in the body and sends no secret.
A client must use one method only (RFC 6749 §2.3: "MUST NOT use more than one"). A client
with a secret must present it; a client without one must not present any.

HTTP Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1), as
openid-client, Authlib and oauthlib send them; AWS's "Token endpoint" page writes
``Base64Encode(client_id:client_secret)`` with no encoding step. For Cognito's own
secrets the two are the same string; for a secret with a ``+`` (``[\\w+]`` allows one, and
the lab's secrets often have one) they differ, so the header's id and secret are taken as
RFC 6749 has them and, failing that, as sent: both forms of the one right secret pass,
and nothing else does. A raw ``+`` decoded per RFC alone would become a space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from werkzeug.wrappers import Request

from ..user_pools.directory import ClientSettings
from .app_clients import find_app
from .errors import OAuthError

if TYPE_CHECKING:
    from .. import Emulator


def authenticate(emulator: Emulator, request: Request, *, status: int = 400) -> ClientSettings:
    """The authenticated app client, or OAuthError invalid_client / invalid_request.

    ``status`` is the HTTP status of invalid_client: Cognito's token endpoint answers 400,
    its revocation endpoint 401 (AWS "Token endpoint", "Revoke endpoint").
    """
    header = request.headers.get("Authorization")
    form_id = request.form.get("client_id")
    form_secret = request.form.get("client_secret")
    if header is not None:
        basic = request.authorization
        if basic is None or basic.type != "basic" or basic.username is None:
            raise OAuthError("invalid_client", "the Authorization header is not HTTP Basic "
                             "client authentication", status)
        if form_secret is not None:
            raise OAuthError("invalid_request", "the client authenticated twice (Basic header "
                             "and client_secret in the body)")
        client_id = unquote_plus(basic.username)
        secrets = _forms(basic.password)
        if form_id is not None and form_id not in (client_id, basic.username):
            raise OAuthError("invalid_client",
                             "client_id in the body differs from the Basic header's", status)
        app = find_app(emulator, client_id)
        if app is None and basic.username != client_id:
            app = find_app(emulator, basic.username or "")
    else:
        client_id, secrets = form_id or "", [form_secret] if form_secret is not None else []
        app = find_app(emulator, client_id)
    if app is None:
        raise OAuthError("invalid_client", "no app client has this client_id", status)
    secret = next((s for s in secrets if s), None)
    if app.secret:
        if not any(app.secret_matches(s) for s in secrets):
            raise OAuthError("invalid_client", "the client secret is missing or wrong", status)
    elif secret:
        raise OAuthError("invalid_client", "this app client has no secret, yet one was sent",
                         status)
    return app


def _forms(password: str | None) -> list[str]:
    """A Basic password as RFC 6749 §2.3.1 encodes it (decoded), then as sent."""
    if password is None:
        return []
    return list(dict.fromkeys((unquote_plus(password), password)))
