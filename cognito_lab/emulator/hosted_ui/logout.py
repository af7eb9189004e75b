"""GET /logout: end the hosted UI session (the ``cognito`` cookie), then redirect.

AWS "Logout endpoint": ``client_id`` is required, with either
- ``logout_uri``, which must be one of the app client's sign-out URLs (exact match), or
- ``redirect_uri`` plus the other /login parameters, to sign in again (checked as /login
  checks them).
Anything else gets an error page and no redirect. Sign-out clears the cookie only: tokens
already issued stay valid until they expire or are revoked (/oauth2/revoke, GlobalSignOut).
A user a SAML provider with ``IDPSignout`` signed in goes to that IdP first, to be signed
out there too (SAML single logout: ``saml_logout_request.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from . import authorize
from .app_clients import find_app
from .browser_sessions import COOKIE_NAME
from .errors import ErrorPage, RedirectError, redirect
from .saml_logout_request import single_logout

if TYPE_CHECKING:
    from .. import Emulator


def _signed_out(emulator: Emulator, request: Request, pool_id: str,
                location: str) -> Response:
    sessions = emulator.hosted_ui.browser_sessions
    session = sessions.find(request.cookies.get(COOKIE_NAME), pool_id)
    sessions.end(request.cookies.get(COOKIE_NAME))
    response = single_logout(emulator, request, session, location) or redirect(location)
    response.delete_cookie(COOKIE_NAME, path=None, httponly=True, samesite="Lax")
    return response


def logout(emulator: Emulator, request: Request) -> Response:
    app = find_app(emulator, request.args.get("client_id"))
    if app is None:
        return ErrorPage("invalid_request", "client_id is missing or names no app client "
                         "of this user pool").response()
    logout_uri = request.args.get("logout_uri")
    if logout_uri is not None:
        if len(request.args.getlist("logout_uri")) > 1 or logout_uri not in app.logout_urls:
            return ErrorPage("redirect_mismatch", "logout_uri is not one of the app client's "
                             "sign-out URLs (compared exactly)").response()
        return _signed_out(emulator, request, app.pool_id, logout_uri)
    if request.args.get("redirect_uri") is not None:
        try:
            checked = authorize.parse(emulator, request.args)
        except (ErrorPage, RedirectError) as refused:
            return refused.response()
        return _signed_out(emulator, request, app.pool_id, f"login?{checked.query}")
    return ErrorPage("invalid_request",
                     "logout needs logout_uri (a sign-out URL of the app client) or "
                     "redirect_uri with the parameters of /login").response()
