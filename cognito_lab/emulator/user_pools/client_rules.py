"""CreateUserPoolClient / UpdateUserPoolClient: the app-client settings Cognito refuses.

AWS, CreateUserPoolClient (API reference) and "Application-specific settings with app
clients":

- ExplicitAuthFlows: AWS's values only, legacy ones never mixed with ALLOW_ ones;
- token validity: access and ID tokens 5 minutes to 1 day, refresh tokens 1 hour to
  10 years, in the client's TokenValidityUnits (defaults: hours, hours, days) —
  "Invalid range for token validity.";
- callback and sign-out URLs: absolute, no fragment, "HTTPS over HTTP except for
  http://localhost for testing purposes only"; app schemes such as myapp://callback are
  allowed;
  DefaultRedirectURI must be one of the CallbackURLs;
- OAuth: client_credentials "can not be selected along with code flow or implicit flow",
  needs a client secret, and every OAuth flow needs AllowedOAuthFlowsUserPoolClient and
  at least one scope;
- SupportedIdentityProviders: ``COGNITO`` or an IdP the pool has ("You can also specify
  the names that you configured for the SAML and OIDC IdPs in your user pool"); any other
  name is InvalidParameterException "The provider X does not exist for User Pool Y.";
- IdP-initiated SAML ("Using IdP-initiated SAML sign-in"): "you can't add non-SAML IdPs,
  including the user pool itself, to any app client that uses a SAML provider with
  IdP-initiated sign-in" (``IDPInit`` "true"): InvalidParameterException (the lab's
  wording; AWS documents the rule, not its error).

moto accepts all of it (even ExplicitAuthFlows ["ALLOW_FOO"]).

UpdateUserPoolClient replaces the client's settings, it does not merge: AWS,
UpdateUserPoolClient and "Updating user pool and app client configuration" — "If you
don't provide a value for an attribute, Amazon Cognito sets it to its default value."
moto merges, so the handler sends moto every setting the request leaves out, at the value
CreateUserPoolClient gives it when it is not named (``CREATE_DEFAULTS``; None, which moto
drops, for a setting that then has none). The client's id, secret and name stay: they
are not settings an update can reset (AWS's pages name no default name). The request is
checked on the settings the client ends up with.

Secrets: every answer that shows a client shows its AWS-shaped secret (``client_secrets``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import (
    InvalidOAuthFlowException,
    InvalidParameterException,
    ScopeDoesNotExistException,
)
from ..operations import Call
from .directory import DEFAULT_UNITS, DEFAULT_VALIDITY, UNIT_SECONDS, VALIDITY_FIELD
from .flows import enum_error, validate_explicit_auth_flows

# What CreateUserPoolClient gives a setting the request doesn't name, when that is a value
# (AWS, CreateUserPoolClient: AuthSessionValidity "default ... 3 minutes",
# EnableTokenRevocation "automatically activated", RefreshTokenValidity 30 days). Every
# other setting then has none: no callback URLs, no OAuth flows or scopes, no explicit auth
# flows (SRP, custom and refresh), access and ID tokens of an hour, all attributes.
CREATE_DEFAULTS = {"AllowedOAuthFlowsUserPoolClient": False, "AuthSessionValidity": 3,
                   "EnablePropagateAdditionalUserContextData": False,
                   "EnableTokenRevocation": True, "RefreshTokenValidity": 30}
KEPT_BY_UPDATE = ("UserPoolId", "ClientId", "ClientName", "ClientSecret",
                  "CreationDate", "LastModifiedDate")

BOUNDS = {"AccessToken": (300, 86400), "IdToken": (300, 86400),
          "RefreshToken": (3600, 3650 * 86400)}
OAUTH_FLOWS = ("code", "implicit", "client_credentials")
LOOPBACK = ("localhost",)   # AWS names only http://localhost, not 127.0.0.1 or [::1]


def check_token_validity(settings: dict) -> None:
    units = {**DEFAULT_UNITS, **(settings.get("TokenValidityUnits") or {})}
    for token, unit in units.items():
        if unit not in UNIT_SECONDS:
            raise enum_error(unit, f"tokenValidityUnits.{token[0].lower()}{token[1:]}",
                             tuple(UNIT_SECONDS))
    for token, (low, high) in BOUNDS.items():
        value = settings.get(VALIDITY_FIELD[token])
        if value is None or (token == "RefreshToken" and value == 0):
            value = DEFAULT_VALIDITY[token]     # 0 means "the default" for refresh tokens
            unit_seconds = UNIT_SECONDS[DEFAULT_UNITS[token]]
        else:
            unit_seconds = UNIT_SECONDS[units[token]]
        if not isinstance(value, int) or not low <= value * unit_seconds <= high:
            raise InvalidParameterException("Invalid range for token validity.")


def url_problem(url: object) -> str | None:
    """Why Cognito would refuse ``url`` as a callback or sign-out URL (None if it wouldn't)."""
    if not isinstance(url, str) or not url:
        return "is empty"
    parts = urlsplit(url)
    if not parts.scheme or not (parts.netloc or parts.path):
        return "is not an absolute URI"
    if parts.fragment or url.endswith("#"):
        return "must not include a fragment component"
    if parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK:
        return "must use HTTPS (http is allowed only for http://localhost, for testing)"
    if parts.scheme in ("http", "https") and not parts.hostname:
        return "has no host"
    if parts.scheme.lower() == "javascript":
        return "is not a URL a browser can be sent to"
    return None


def check_urls(settings: dict) -> None:
    for field in ("CallbackURLs", "LogoutURLs"):
        for url in settings.get(field) or []:
            problem = url_problem(url)
            if problem:
                raise InvalidParameterException(f"{field} {url!r} {problem}.")
    default = settings.get("DefaultRedirectURI")
    if default:
        problem = url_problem(default)
        if problem:
            raise InvalidParameterException(f"DefaultRedirectURI {default!r} {problem}.")
        if default not in (settings.get("CallbackURLs") or []):
            raise InvalidParameterException("DefaultRedirectURI must be one of the CallbackURLs.")


def check_oauth(settings: dict, has_secret: bool) -> None:
    flows = settings.get("AllowedOAuthFlows") or []
    scopes = settings.get("AllowedOAuthScopes") or []
    for flow in flows:
        if flow not in OAUTH_FLOWS:
            raise enum_error(flow, "allowedOAuthFlows", OAUTH_FLOWS)
    if (flows or scopes) and not settings.get("AllowedOAuthFlowsUserPoolClient"):
        raise InvalidParameterException("AllowedOAuthFlowsUserPoolClient must be true to use "
                                        "AllowedOAuthFlows and AllowedOAuthScopes.")
    if "client_credentials" in flows and ({"code", "implicit"} & set(flows)):
        raise InvalidOAuthFlowException(
            "client_credentials flow can not be selected along with code flow "
            "or implicit flow.")
    if "client_credentials" in flows and not has_secret:
        raise InvalidOAuthFlowException(
            "client_credentials flow can not be selected if client does not "
            "have a client secret.")
    if flows and not scopes:
        raise InvalidParameterException("AllowedOAuthScopes must name at least one scope when "
                                        "AllowedOAuthFlows are set.")
    if settings.get("AllowedOAuthFlowsUserPoolClient") and not flows and scopes:
        raise InvalidParameterException("AllowedOAuthFlows must name at least one flow when "
                                        "AllowedOAuthScopes are set.")


STANDARD_SCOPES = ("openid", "email", "phone", "profile", "aws.cognito.signin.user.admin")


def check_scopes_exist(call: Call, settings: dict) -> None:
    """A custom scope must be ``<resource server>/<scope>`` of one of the pool's resource
    servers (AWS answers ScopeDoesNotExistException)."""
    custom = [s for s in settings.get("AllowedOAuthScopes") or [] if s not in STANDARD_SCOPES]
    if not custom:
        return
    servers = call.emulator.moto.idp("ListResourceServers", UserPoolId=settings["UserPoolId"],
                                     MaxResults=50).get("ResourceServers", [])
    defined = {f"{server['Identifier']}/{scope['ScopeName']}"
               for server in servers for scope in server.get("Scopes") or []}
    for scope in custom:
        if scope not in defined:
            raise ScopeDoesNotExistException(f"Invalid scope requested: {scope}")


def check_providers_exist(call: Call, settings: dict) -> None:
    """Every SupportedIdentityProviders name is ``COGNITO`` or one of the pool's IdPs."""
    named = [p for p in settings.get("SupportedIdentityProviders") or [] if p != "COGNITO"]
    if not named:
        return
    pool_id = settings["UserPoolId"]
    existing: set[str] = set()
    page: dict = {}
    while True:
        token = page.get("NextToken")
        page = call.emulator.moto.idp("ListIdentityProviders", UserPoolId=pool_id,
                                      MaxResults=60, **({"NextToken": token} if token else {}))
        existing |= {p["ProviderName"] for p in page.get("Providers", [])}
        if not page.get("NextToken"):
            break
    for name in named:
        if name not in existing:
            raise InvalidParameterException(
                f"The provider {name} does not exist for User Pool {pool_id}.")


def check_idp_initiated_saml_alone(call: Call, settings: dict) -> None:
    """An app client with an IDPInit SAML provider supports SAML providers only."""
    named = settings.get("SupportedIdentityProviders") or []
    idp_initiated, others = [], []
    for name in named:
        provider = {} if name == "COGNITO" else call.emulator.moto.idp(
            "DescribeIdentityProvider", UserPoolId=settings["UserPoolId"],
            ProviderName=name)["IdentityProvider"]
        if provider.get("ProviderType") != "SAML":
            others.append(name)
        elif (provider.get("ProviderDetails") or {}).get("IDPInit") == "true":
            idp_initiated.append(name)
    if idp_initiated and others:
        raise InvalidParameterException(
            f"The SAML provider {idp_initiated[0]} accepts IdP-initiated sign-in (IDPInit), "
            "so this app client can support SAML providers only, not "
            f"{', '.join(others)}.")


def check_client_settings(settings: dict, *, has_secret: bool) -> None:
    validate_explicit_auth_flows(settings.get("ExplicitAuthFlows"))
    if settings.get("PreventUserExistenceErrors") not in (None, "ENABLED", "LEGACY"):
        raise enum_error(settings["PreventUserExistenceErrors"], "preventUserExistenceErrors",
                         ("LEGACY", "ENABLED"))
    check_token_validity(settings)
    check_urls(settings)
    check_oauth(settings, has_secret)


def _shown(call: Call, answer: dict) -> dict:
    """A moto answer with a ``UserPoolClient`` in it, as Cognito would show it."""
    if "UserPoolClient" in answer:
        secrets = call.emulator.directory.client_secrets
        answer = {**answer, "UserPoolClient": secrets.as_aws(answer["UserPoolClient"])}
    return answer


def create_user_pool_client(call: Call) -> dict:
    check_client_settings(call.params, has_secret=bool(call.param("GenerateSecret")))
    check_scopes_exist(call, call.params)
    check_providers_exist(call, call.params)
    check_idp_initiated_saml_alone(call, call.params)
    return _shown(call, call.forward())


def reset_settings(current: dict, request: dict) -> dict:
    """What moto must be sent so the client ends with ``request``'s settings and the
    defaults (not ``current``'s values) for everything else."""
    reset: dict = {}
    for name in (set(current) | set(CREATE_DEFAULTS)) - set(request) - set(KEPT_BY_UPDATE):
        # moto reads ReadAttributes as a list when it mints its own tokens: [] for "all"
        reset[name] = CREATE_DEFAULTS.get(name, [] if name == "ReadAttributes" else None)
    return {**request, **reset}


def update_user_pool_client(call: Call) -> dict:
    current = call.emulator.directory.client(call.param("UserPoolId"), call.param("ClientId"))
    kept = {name: current.raw[name] for name in KEPT_BY_UPDATE if name in current.raw}
    settings = {**CREATE_DEFAULTS, **kept, **call.params}
    check_client_settings(settings, has_secret=current.secret is not None)
    check_scopes_exist(call, settings)
    check_providers_exist(call, settings)
    check_idp_initiated_saml_alone(call, settings)
    try:
        return _shown(call, call.forward(reset_settings(current.raw, call.params)))
    finally:
        call.emulator.directory.forget_clients(call.params["UserPoolId"])


def delete_user_pool_client(call: Call) -> dict:
    try:
        return call.forward()
    finally:
        call.emulator.directory.forget_clients(call.params["UserPoolId"])


def describe_user_pool_client(call: Call) -> dict:
    return _shown(call, call.forward())
