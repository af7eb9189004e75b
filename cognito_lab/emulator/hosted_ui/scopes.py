"""Which scopes a request gets, by Cognito's rules.

AWS ("Authorize endpoint", "Token endpoint", "Scopes, M2M, and APIs with resource servers"):
- A scope must be allowed for the app client (AllowedOAuthScopes); custom scopes
  (``<resource server>/<scope>``) must also exist on a resource server of the pool.
- No scope requested at /oauth2/authorize: all the client's allowed scopes.
- ``email``, ``phone`` and ``profile`` can be requested only together with ``openid``.
- client_credentials grants custom scopes only; none requested: all the client's allowed
  custom scopes.
A scope outside these rules is refused with ``invalid_scope`` (RFC 6749 §4.1.2.1, §5.2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..user_pools.directory import ClientSettings

if TYPE_CHECKING:
    from .. import Emulator

OPENID = "openid"
NEEDS_OPENID = ("email", "phone", "profile")
RESERVED_SCOPES = ("openid", "email", "phone", "profile", "aws.cognito.signin.user.admin")


class ScopeError(ValueError):
    """The request asked for a scope it may not have (RFC 6749: invalid_scope)."""


def parse(raw: str | None) -> list[str]:
    """RFC 6749 §3.3: space-delimited, order kept, duplicates dropped."""
    return list(dict.fromkeys((raw or "").split()))


def is_custom(scope: str) -> bool:
    return scope not in RESERVED_SCOPES


def pool_custom_scopes(emulator: Emulator, pool_id: str) -> set[str]:
    """Every ``identifier/scope`` the pool's resource servers define."""
    listed = emulator.moto.idp("ListResourceServers", UserPoolId=pool_id, MaxResults=50)
    return {f"{server['Identifier']}/{scope['ScopeName']}"
            for server in listed.get("ResourceServers", [])
            for scope in server.get("Scopes") or []}


def _check_allowed(requested: list[str], app: ClientSettings, defined: set[str]) -> None:
    for scope in requested:
        if scope not in app.oauth_scopes:
            raise ScopeError(f"scope {scope!r} is not allowed for this app client")
        if is_custom(scope) and scope not in defined:
            raise ScopeError(f"scope {scope!r} is not defined by a resource server of the pool")


def for_authorization(emulator: Emulator, app: ClientSettings, raw: str | None) -> list[str]:
    """The scopes of a hosted-UI sign-in (authorization code or implicit grant)."""
    requested = parse(raw) or list(app.oauth_scopes)
    _check_allowed(requested, app, pool_custom_scopes(emulator, app.pool_id))
    if OPENID not in requested:
        needing = [s for s in requested if s in NEEDS_OPENID]
        if needing:
            raise ScopeError(f"scope {needing[0]!r} can be requested only with 'openid'")
    return requested


def for_client_credentials(emulator: Emulator, app: ClientSettings, raw: str | None) -> list[str]:
    """The scopes of a client_credentials grant: custom scopes only."""
    defined = pool_custom_scopes(emulator, app.pool_id)
    requested = parse(raw)
    for scope in requested:
        if not is_custom(scope):
            raise ScopeError(f"scope {scope!r} cannot be granted to a client: "
                             "client_credentials grants custom scopes only")
    _check_allowed(requested, app, defined)
    granted = requested or [s for s in app.oauth_scopes if is_custom(s) and s in defined]
    if not granted:
        raise ScopeError("this app client has no custom scopes to grant")
    return granted
