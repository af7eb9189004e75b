"""Which sign-in flows an app client allows: its ExplicitAuthFlows, enforced.

AWS, CreateUserPoolClient (ExplicitAuthFlows) and "Authentication flows": a client signs
users in only with the flows it lists. With no list at all it allows
ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH and ALLOW_CUSTOM_AUTH. The legacy values
(ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH) can't be mixed with ALLOW_
values. moto stores the list (even "ALLOW_FOO") and enforces none of it.
"""

from __future__ import annotations

from ..errors import CognitoError, InvalidParameterException

ALLOW_VALUES = (
    "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH",
    "ALLOW_TOKEN_EXCHANGE_DELEGATION", "ALLOW_TOKEN_EXCHANGE_IMPERSONATION",
    "ALLOW_CLIENT_TOKEN_AUTH",      # GetClientToken (AWS: the client's only flow)
)
LEGACY_VALUES = ("ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH")
EXPLICIT_AUTH_FLOWS = LEGACY_VALUES + ALLOW_VALUES
DEFAULT_FLOWS = frozenset({"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
                           "ALLOW_CUSTOM_AUTH"})

AUTH_FLOWS = ("USER_SRP_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN", "CUSTOM_AUTH",
              "ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH",
              "USER_AUTH")
ADMIN_ONLY = {"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}
NOT_FOR_ADMIN = {"USER_PASSWORD_AUTH"}

# AuthFlow -> (the ExplicitAuthFlows value it needs, AWS's message when it is missing)
REQUIRES = {
    "USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH",
                           "USER_PASSWORD_AUTH flow not enabled for this client"),
    "USER_SRP_AUTH": ("ALLOW_USER_SRP_AUTH", "USER_SRP_AUTH is not enabled for the client."),
    "ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                 "Auth flow not enabled for this client"),
    "ADMIN_NO_SRP_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH",
                          "Auth flow not enabled for this client"),
    "REFRESH_TOKEN_AUTH": ("ALLOW_REFRESH_TOKEN_AUTH",
                           "Refresh Token flow not enabled for this client"),
    "REFRESH_TOKEN": ("ALLOW_REFRESH_TOKEN_AUTH",
                      "Refresh Token flow not enabled for this client"),
    "CUSTOM_AUTH": ("ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH is not enabled for the client."),
    "USER_AUTH": ("ALLOW_USER_AUTH", "USER_AUTH is not enabled for the client."),
}
_LEGACY_MEANS = {"ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                 "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
                 "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH"}


def enum_error(value: object, field: str, allowed: tuple[str, ...]) -> CognitoError:
    """AWS's request-validation message for a value outside an enum."""
    return InvalidParameterException(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]")


def validate_explicit_auth_flows(flows: object) -> None:
    """CreateUserPoolClient / UpdateUserPoolClient: only AWS's values, never mixed."""
    if flows is None:
        return
    if not isinstance(flows, list):
        raise InvalidParameterException("ExplicitAuthFlows must be a list of strings")
    unknown = [f for f in flows if f not in EXPLICIT_AUTH_FLOWS]
    if unknown:
        raise InvalidParameterException(
            f"1 validation error detected: Value '[{', '.join(map(str, flows))}]' at "
            "'explicitAuthFlows' failed to satisfy constraint: Member must satisfy "
            "constraint: [Member must satisfy enum value set: "
            f"[{', '.join(EXPLICIT_AUTH_FLOWS)}]]")
    if "ALLOW_CLIENT_TOKEN_AUTH" in flows and len(set(flows)) > 1:
        raise InvalidParameterException(
            "ALLOW_CLIENT_TOKEN_AUTH is mutually exclusive with user authentication flows: "
            "it must be the only ExplicitAuthFlows value.")
    legacy = [f for f in flows if f in LEGACY_VALUES]
    if legacy and len(legacy) != len(flows):
        raise InvalidParameterException(
            "ExplicitAuthFlows can't combine the legacy values "
            f"{', '.join(legacy)} with ALLOW_ values.")


def allowed_flows(explicit_auth_flows: list[str]) -> frozenset[str]:
    """The ALLOW_ values a client's ExplicitAuthFlows amount to."""
    if not explicit_auth_flows:
        return DEFAULT_FLOWS
    if any(f in LEGACY_VALUES for f in explicit_auth_flows):
        # Legacy clients: SRP and refresh are always on, unless custom auth is the only way.
        base = {"ALLOW_REFRESH_TOKEN_AUTH"}
        if "CUSTOM_AUTH_FLOW_ONLY" not in explicit_auth_flows:
            base.add("ALLOW_USER_SRP_AUTH")
        return frozenset(base | {_LEGACY_MEANS[f] for f in explicit_auth_flows})
    return frozenset(explicit_auth_flows)


def require_flow(auth_flow: object, explicit_auth_flows: list[str], *, admin: bool) -> str:
    """Refuse ``auth_flow`` as Cognito does, or return it. ``admin``: AdminInitiateAuth."""
    if auth_flow not in AUTH_FLOWS:
        raise enum_error(auth_flow, "authFlow", AUTH_FLOWS)
    assert isinstance(auth_flow, str)
    if (auth_flow in ADMIN_ONLY and not admin) or (auth_flow in NOT_FOR_ADMIN and admin):
        raise InvalidParameterException("Initiate Auth method not supported.")
    needed, message = REQUIRES[auth_flow]
    if needed not in allowed_flows(explicit_auth_flows):
        raise InvalidParameterException(message)
    return auth_flow
