"""GET /oauth2/authorize: check an authorization request, then sign the user in.

AWS "Authorize endpoint"; RFC 6749 §4.1.1, §4.1.2.1, §4.2.1; RFC 7636 §4.3; RFC 9700 §4.1.
The order of the checks is the security of this endpoint:

1. Until the client and its redirect URI are known and registered, nothing is trusted: an
   unknown client, a missing or unregistered ``redirect_uri`` (compared by exact string
   match), or a repeated parameter gets an error page and no redirect.
2. After that, every problem goes back to the registered ``redirect_uri`` as
   ``?error=...&state=...``.
3. A valid request with a live ``cognito`` session cookie is answered at once (a code, or
   tokens for the implicit grant); otherwise the browser goes to ``/login`` with the same
   parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urljoin

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from ..errors import CognitoError
from ..user_pools.directory import ClientSettings
from . import federation, rfc7636, scopes
from .app_clients import find_app
from .browser_sessions import COOKIE_NAME, BrowserSession
from .errors import (
    ErrorPage,
    OAuthErrorCode,
    RedirectError,
    redirect,
    with_fragment,
    with_query,
)

if TYPE_CHECKING:
    from .. import Emulator

SINGLE_VALUED = ("response_type", "client_id", "redirect_uri", "state", "scope", "nonce",
                 "code_challenge", "code_challenge_method", "identity_provider",
                 "idp_identifier")
# response_type -> the AllowedOAuthFlows entry that permits it
RESPONSE_TYPES = {"code": "code", "token": "implicit"}


@dataclass(frozen=True)
class AuthorizationRequest:
    """A checked request: every field here has passed Cognito's rules."""

    app: ClientSettings
    response_type: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    query: str                      # the request's parameters, carried on to /login
    identity_provider: str | None = None    # an external IdP to federate to (not COGNITO)


def parse(emulator: Emulator, args: MultiDict) -> AuthorizationRequest:
    """Check an authorization request; raise ErrorPage (untrusted) or RedirectError."""
    for name in ("client_id", "redirect_uri"):
        if len(args.getlist(name)) > 1:
            raise ErrorPage("invalid_request", f"{name} must not be repeated")
    app = find_app(emulator, args.get("client_id"))
    if app is None:
        raise ErrorPage("invalid_request",
                        "client_id is missing or names no app client of this user pool")
    redirect_uri = args.get("redirect_uri") or ""
    if redirect_uri not in app.callback_urls:
        raise ErrorPage("redirect_mismatch",
                        "redirect_uri is missing or is not one of the app client's "
                        "callback URLs (compared exactly)")
    # From here on the redirect URI is trusted: errors go back to it.
    state = args.get("state")

    def fail(error: OAuthErrorCode, reason: str) -> RedirectError:
        return RedirectError(error, reason, redirect_uri, state)

    for name in SINGLE_VALUED:
        if len(args.getlist(name)) > 1:
            raise fail("invalid_request", f"{name} must not be repeated")
    if not app.oauth_enabled:
        raise fail("unauthorized_client", "the app client is not enabled for OAuth flows")
    response_type = args.get("response_type")
    if not response_type:
        raise fail("invalid_request", "response_type is required")
    if response_type not in RESPONSE_TYPES:
        raise fail("unsupported_response_type", "response_type must be code or token")
    if RESPONSE_TYPES[response_type] not in app.oauth_flows:
        raise fail("unauthorized_client",
                   f"the app client does not allow the {RESPONSE_TYPES[response_type]} flow")
    challenge, method = _pkce(args, fail)
    provider = args.get("identity_provider")
    try:      # an external IdP (federation.py), or None for the user pool's own sign-in
        federated = federation.provider_for(emulator, app.pool_id, app.identity_providers,
                                            provider, args.get("idp_identifier"))
    except ValueError as exc:
        raise fail("invalid_request", str(exc)) from None
    if provider == "COGNITO" and "COGNITO" not in app.identity_providers:
        raise fail("invalid_request", "identity_provider 'COGNITO' is not one of the app "
                   "client's SupportedIdentityProviders")
    if federated is None and not app.identity_providers:
        # without COGNITO, /login offers the client's other IdPs (and no password form)
        raise fail("unauthorized_client", "the app client supports no identity provider "
                   "(SupportedIdentityProviders is empty)")
    try:
        granted = scopes.for_authorization(emulator, app, args.get("scope"))
    except scopes.ScopeError as exc:
        raise fail("invalid_scope", str(exc)) from None
    return AuthorizationRequest(app=app, response_type=response_type,
                                redirect_uri=redirect_uri, scopes=tuple(granted),
                                state=state, nonce=args.get("nonce"), code_challenge=challenge,
                                code_challenge_method=method,
                                query=urlencode(list(args.items(multi=True))),
                                identity_provider=federated)


def _pkce(args: MultiDict,
          fail: Callable[[OAuthErrorCode, str], RedirectError]) -> tuple[str | None, str | None]:
    """RFC 7636 §4.3 with Cognito's rules: S256 only; challenge and method go together."""
    challenge = args.get("code_challenge")
    method = args.get("code_challenge_method")
    if challenge is None and method is None:
        return None, None
    if challenge is None:
        raise fail("invalid_request", "code_challenge_method was sent without code_challenge")
    if method is None:
        raise fail("invalid_request", "code_challenge was sent without code_challenge_method "
                   "(Cognito does not default to plain)")
    if method not in rfc7636.SUPPORTED_METHODS:
        raise fail("invalid_request",
                   f"code_challenge_method {method!r} is not supported: Cognito supports S256 only")
    if not rfc7636.well_formed(challenge):
        raise fail("invalid_request",
                   "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
    return challenge, method


def complete(emulator: Emulator, request: AuthorizationRequest,
             session: BrowserSession) -> Response:
    """The signed-in user's answer: a code (authorization code grant) or tokens (implicit)."""
    base = {"state": request.state} if request.state is not None else {}
    if request.response_type == "code":
        code = emulator.hosted_ui.codes.issue(
            pool_id=request.app.pool_id, client_id=request.app.client_id,
            redirect_uri=request.redirect_uri, scopes=request.scopes,
            username=session.username, auth_time=session.auth_time,
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method, nonce=request.nonce)
        return redirect(with_query(request.redirect_uri, {"code": code.code, **base}))
    # The implicit grant: tokens in the fragment, never a refresh token.
    user = emulator.directory.user(request.app.pool_id, session.username)
    client = request.app
    tokens = emulator.tokens.start_session(
        pool_id=request.app.pool_id, client=client, user=user, scopes=list(request.scopes),
        nonce=request.nonce, with_refresh=False,
        with_id="openid" in request.scopes, auth_time=session.auth_time, at_hash=True)
    emulator.hosted_ui.mark_hosted(tokens.session.origin_jti)
    fragment = {"access_token": tokens.access_token}
    if tokens.id_token:
        fragment["id_token"] = tokens.id_token
    fragment.update({"token_type": "Bearer", "expires_in": str(tokens.expires_in), **base})
    return redirect(with_fragment(request.redirect_uri, fragment))


def live_session(emulator: Emulator, request: Request,
                 app: ClientSettings) -> BrowserSession | None:
    """The browser's ``cognito`` session for this pool, if it is live and its user enabled."""
    state = emulator.hosted_ui
    session = state.browser_sessions.find(request.cookies.get(COOKIE_NAME), app.pool_id)
    if session is None:
        return None
    try:
        enabled = emulator.directory.user(app.pool_id, session.username).enabled
    except CognitoError:          # the user was deleted
        enabled = False
    if not enabled:
        state.browser_sessions.end(session.session_id)
        return None
    return session


def login_location(query: str) -> str:
    """Where /oauth2/authorize sends the browser to sign in: relative, so a path prefix
    in front of the lab (a proxy) is kept."""
    return f"../login?{query}"


def authorize(emulator: Emulator, request: Request) -> Response:
    try:
        checked = parse(emulator, request.args)
    except (ErrorPage, RedirectError) as refused:
        return refused.response()
    if checked.identity_provider is not None:
        return federation.to_idp(emulator, checked, checked.identity_provider,
                                 urljoin(request.base_url, "idpresponse"))
    session = live_session(emulator, request, checked.app)
    if session is not None:
        emulator.hosted_ui.browser_sessions.extend(session)
        return complete(emulator, checked, session)
    return redirect(login_location(checked.query))
