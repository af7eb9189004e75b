"""GET /oauth2/idpresponse: the IdP sends the user back; Cognito signs them in.

AWS, "IdP response endpoint", "OIDC user pool IdP authentication flow" and "Specifying
identity provider attribute mappings for your user pool". Cognito:

1. finds its own ``state`` (single use; a missing, tampered or replayed one is an error
   page: nothing says where the app is);
2. exchanges the IdP's code at the IdP's token endpoint (client_secret_post), over HTTP
   (every call here goes through the lab's stand-ins: a played origin, such as Google's,
   is served by its loopback stand-in, never reached on the internet; stand_ins.py);
3. validates the ID token: RS256 signature by a key of the IdP's JWKS (``jwks_uri``, or,
   for Google, whose details name none, the one its issuer's discovery document names,
   OIDC Discovery 1.0 §4), ``iss`` equal to
   ``oidc_issuer``, ``aud`` holding the provider's ``client_id``, ``exp`` not passed (by the
   lab's clock), ``nonce`` equal to the one Cognito sent. Each failure goes back to the
   app's redirect URI as ``error=invalid_request&error_description=...`` (AWS, "Managed
   login and federation error responses");
4. reads the userInfo endpoint (``attributes_url``) with the IdP's access token. With
   ``attributes_url_add_attributes`` (Google's People API), the mapped attribute names the
   ID token lacks are appended to it, and with none there is no call (the lab's choice:
   AWS doesn't document which names it appends);
5. creates or updates the federated user: username ``<ProviderName>_<sub>``, the
   ``identities`` attribute, the provider's AttributeMapping applied on every sign-in (its
   values may also name the IdP's ``access_token``, and an OIDC provider's ``id_token``),
   membership of the group ``<user pool id>_<ProviderName>``;
6. continues as a password sign-in does: the ``cognito`` session and a code for the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import jwt
import requests
from werkzeug.wrappers import Request, Response

from ..stand_ins import NotPlayed
from ..user_pools.federated_users import FederatedSignInRefused, federated_user
from . import authorize
from .browser_sessions import COOKIE_NAME as SESSION_COOKIE
from .browser_sessions import SESSION_SECONDS, SamlSignIn
from .errors import REASON_HEADER, ErrorPage, redirect, with_query
from .federation import FederatedSignIn, describe

if TYPE_CHECKING:
    from .. import Emulator
    from .authorize import AuthorizationRequest

HTTP_TIMEOUT = 10
# mapping values that name the IdP's tokens, not attributes to ask its userInfo for
TOKEN_NAMES = ("access_token", "id_token", "refresh_token")
# the tokens a mapping may copy (AWS, "Specifying identity provider attribute mappings":
# "Social providers present an access token, and OIDC providers present an access and ID
# token"); the values named so are the tokens, whatever a claim of that name says
MAPPABLE_TOKENS = {"OIDC": ("access_token", "id_token")}
SOCIAL_TOKENS = ("access_token",)


class FederationError(Exception):
    """A failed second hop: answered at the app's redirect URI."""

    def __init__(self, description: str, error: str = "invalid_request") -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def back_to_app(pending: FederatedSignIn, failure: FederationError) -> Response:
    params = {"error_description": failure.description, "error": failure.error}
    if pending.request.state is not None:
        params["state"] = pending.request.state
    response = redirect(with_query(pending.request.redirect_uri, params))
    response.headers[REASON_HEADER] = failure.description
    return response


def reach(emulator: Emulator, url: str) -> str:
    """Where Cognito calls ``url``: its stand-in if the origin is played (stand_ins.py)."""
    try:
        return emulator.stand_ins.route(url)
    except NotPlayed as exc:
        raise FederationError(str(exc)) from exc


def exchange_code(emulator: Emulator, details: dict, code: str, redirect_uri: str) -> dict:
    token_url = reach(emulator, details["token_url"])
    try:
        answer = requests.post(token_url, timeout=HTTP_TIMEOUT, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": details["client_id"],
            "client_secret": details.get("client_secret", "")})
        body = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise FederationError("the identity provider's token endpoint did not answer") from exc
    if answer.status_code != 200 or "id_token" not in body:
        raise FederationError(f"Error - {answer.status_code} {body.get('error', '')}".strip())
    return body


def keys_url(emulator: Emulator, details: dict) -> str:
    """The IdP's JWKS: ``jwks_uri``, else the one its issuer's discovery document names."""
    if details.get("jwks_uri"):
        return reach(emulator, details["jwks_uri"])
    discovery = reach(emulator, details["oidc_issuer"].rstrip("/")
                      + "/.well-known/openid-configuration")
    try:
        document = requests.get(discovery, timeout=HTTP_TIMEOUT).json()
        named = document["jwks_uri"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        raise FederationError("the identity provider's discovery document names no "
                              "jwks_uri") from exc
    return reach(emulator, named)


def validated_claims(emulator: Emulator, details: dict, id_token: str, nonce: str) -> dict:
    """OIDC Core 3.1.3.7, as Cognito applies it to the IdP's ID token."""
    jwks = keys_url(emulator, details)
    try:
        key = jwt.PyJWKClient(jwks, timeout=HTTP_TIMEOUT) \
            .get_signing_key_from_jwt(id_token).key
        claims = jwt.decode(id_token, key, algorithms=["RS256"],
                            options={"verify_aud": False, "verify_iss": False,
                                     "verify_exp": False, "verify_iat": False,
                                     "verify_nbf": False})
    except jwt.PyJWTError as exc:
        raise FederationError("Invalid id_token: the signature does not verify with the "
                              "identity provider's keys") from exc
    if claims.get("iss") != details["oidc_issuer"]:
        raise FederationError("Invalid id_token: the issuer does not match oidc_issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if details["client_id"] not in audiences:
        raise FederationError("Invalid id_token: the audience is not the provider's client_id")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp <= emulator.clock.now():
        raise FederationError("Invalid id_token: the token has expired")
    if claims.get("nonce") != nonce:
        raise FederationError("Invalid id_token: the nonce does not match")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise FederationError("Invalid id_token: no sub")
    return claims


def user_info(emulator: Emulator, details: dict, access_token: str | None, sub: str,
              wanted: list[str]) -> dict:
    url = details.get("attributes_url")
    if not url or not access_token:
        return {}
    if details.get("attributes_url_add_attributes") == "true":
        if not wanted:
            return {}
        url += quote(",".join(wanted), safe=",")
    url = reach(emulator, url)
    headers = {"Authorization": f"Bearer {access_token}"}
    try:
        if details.get("attributes_request_method") == "POST":
            answer = requests.post(url, headers=headers, timeout=HTTP_TIMEOUT)
        else:
            answer = requests.get(url, headers=headers, timeout=HTTP_TIMEOUT)
        body = answer.json() if answer.status_code == 200 else {}
    except (requests.RequestException, ValueError):
        body = {}
    if not isinstance(body, dict) or body.get("sub") not in (None, sub):
        return {}          # OIDC Core 5.3.2: a userInfo answer for someone else is ignored
    return body


def idp_response(emulator: Emulator, request: Request) -> Response:
    pending = emulator.hosted_ui.federation.take(request.args.get("state"))
    if pending is None:
        return ErrorPage("invalid_request", "the state is missing, unknown, used or expired: "
                         "this is not the answer to a sign-in Cognito started").response()
    try:
        return second_hop(emulator, request, pending)
    except FederationError as failure:
        return back_to_app(pending, failure)


def second_hop(emulator: Emulator, request: Request, pending: FederatedSignIn) -> Response:
    app = pending.request.app
    provider = describe(emulator, app.pool_id, pending.provider_name)
    details = provider.get("ProviderDetails") or {}
    if provider.get("ProviderType") == "SAML":      # its answer is POSTed to /saml2/...
        raise FederationError(f"{pending.provider_name} is a SAML identity provider: its "
                              "response goes to /saml2/idpresponse")
    if "error" in request.args:
        raise FederationError(f"{pending.provider_name} Error - "
                              f"{request.args.get('error_description', '')}".strip(),
                              error=request.args["error"])
    code = request.args.get("code")
    if not code:
        raise FederationError("the identity provider sent no code")
    tokens = exchange_code(emulator, details, code, pending.idp_redirect_uri)
    claims = validated_claims(emulator, details, tokens["id_token"], pending.nonce)
    mapped = (provider.get("AttributeMapping") or {}).items()
    wanted = list(dict.fromkeys(claim for attribute, claim in mapped if attribute != "username"
                                and claim not in claims and claim not in TOKEN_NAMES))
    offered = MAPPABLE_TOKENS.get(str(provider.get("ProviderType")), SOCIAL_TOKENS)
    everything = {**claims, **user_info(emulator, details, tokens.get("access_token"),
                                        claims["sub"], wanted),
                  **{name: tokens[name] for name in offered
                     if isinstance(tokens.get(name), str)}}
    try:
        username = federated_user(emulator, app.pool_id, provider, everything,
                                  client_id=app.client_id)
    except FederatedSignInRefused as refused:
        raise FederationError(refused.description) from refused
    return signed_in(emulator, request, pending.request, username)


def signed_in(emulator: Emulator, request: Request, app_request: AuthorizationRequest,
              username: str, *, saml: SamlSignIn | None = None) -> Response:
    """The end of every federated sign-in: the ``cognito`` session and a code for the app."""
    session = emulator.hosted_ui.browser_sessions.start(pool_id=app_request.app.pool_id,
                                                        username=username, saml=saml)
    response = authorize.complete(emulator, app_request, session)
    response.set_cookie(SESSION_COOKIE, session.session_id, max_age=SESSION_SECONDS,
                        httponly=True, samesite="Lax", secure=request.is_secure,
                        path=domain_root(request))
    return response


def domain_root(request: Request) -> str:
    """The path of the lab's domain root as the browser sees it, for the session cookie.

    /login's cookie takes its default path, ``<prefix>/``; a cookie set here
    (``<prefix>/oauth2/idpresponse``, ``<prefix>/saml2/idpresponse``) would default to
    ``<prefix>/oauth2`` (RFC 6265 5.1.4), unseen by /login and /logout. jupyter-server-proxy
    strips the prefix and names it in X-Forwarded-Prefix."""
    prefix = request.headers.get("X-Forwarded-Prefix", "").rstrip("/") + request.script_root
    return (prefix + request.path).rsplit("/", 2)[0] + "/"
