"""Which IAM role a user gets: SetIdentityPoolRoles, GetIdentityPoolRoles, role resolution.

Follows "Using role-based access control" in the Amazon Cognito Developer Guide: a pool has
an authenticated and an unauthenticated role; per login provider (for a user pool,
``cognito-idp.<region>.amazonaws.com/<pool>:<app client id>``; for an OIDC provider, its
name, ``login.provider.com``) a role mapping may choose the role from the ID token
(``Token``: ``cognito:preferred_role`` / ``cognito:roles``) or by rules on its claims
(``Rules``: first match wins), and ``AmbiguousRoleResolution`` says what happens when that
gives no answer: the authenticated role, or ``Deny``.

AWS documents that a ``CustomRoleArn`` outside the roles the token or rules allow is denied
(NotAuthorizedException) but not the message; the lab's wording there is its own.
"""

from __future__ import annotations

import re

from ..errors import (
    CognitoError,
    InvalidIdentityPoolConfigurationException,
    InvalidParameterException,
    NotAuthorizedException,
)
from ..operations import Call
from .logins import Login
from .pools import describe_pool

ROLE_KEYS = ("authenticated", "unauthenticated")
MAPPING_TYPES = ("Token", "Rules")
RESOLUTIONS = ("AuthenticatedRole", "Deny")
MATCH_TYPES = ("Equals", "Contains", "StartsWith", "NotEqual")
ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
MAX_RULES = 25


def invalid(message: str) -> CognitoError:
    return InvalidParameterException(message)


def no_role_configured() -> CognitoError:
    return InvalidIdentityPoolConfigurationException(
        "Invalid identity pool configuration. Check assigned IAM roles for "
        "this pool.")


def _check_arn(arn: object, where: str) -> None:
    if not isinstance(arn, str) or not ROLE_ARN.match(arn):
        raise invalid(f"{where} is not a valid role ARN: {arn!r}")


def _check_mapping(provider: str, mapping: object) -> None:
    if not isinstance(mapping, dict):
        raise invalid(f"RoleMappings[{provider!r}] must be an object")
    if mapping.get("Type") not in MAPPING_TYPES:
        raise invalid(f"RoleMappings[{provider!r}].Type must be Token or Rules")
    resolution = mapping.get("AmbiguousRoleResolution")
    if resolution not in RESOLUTIONS:
        raise invalid(f"RoleMappings[{provider!r}].AmbiguousRoleResolution must be "
                      "AuthenticatedRole or Deny")
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
    if mapping["Type"] == "Token":
        if rules:
            raise invalid(f"RoleMappings[{provider!r}]: a Token mapping takes no rules")
        return
    if not isinstance(rules, list) or not 1 <= len(rules) <= MAX_RULES:
        raise invalid(f"RoleMappings[{provider!r}] of type Rules needs 1 to {MAX_RULES} rules "
                      "in RulesConfiguration.Rules")
    for n, rule in enumerate(rules):
        where = f"RoleMappings[{provider!r}].RulesConfiguration.Rules[{n}]"
        if not isinstance(rule, dict) or not all(
                isinstance(rule.get(k), str) and rule[k] for k in ("Claim", "Value")):
            raise invalid(f"{where} needs Claim, MatchType, Value and RoleARN")
        if rule.get("MatchType") not in MATCH_TYPES:
            raise invalid(f"{where}.MatchType must be one of {', '.join(MATCH_TYPES)}")
        _check_arn(rule.get("RoleARN"), f"{where}.RoleARN")


def set_identity_pool_roles(call: Call) -> dict:
    pool = describe_pool(call, call.param("IdentityPoolId"))
    roles = call.param("Roles")
    mappings = call.param("RoleMappings") or {}
    if not isinstance(roles, dict):
        raise invalid("Roles is required: a map with keys authenticated and/or unauthenticated")
    for key, arn in roles.items():
        if key not in ROLE_KEYS:
            raise invalid(f"Roles key {key!r} must be authenticated or unauthenticated")
        _check_arn(arn, f"Roles[{key!r}]")
    if not isinstance(mappings, dict):
        raise invalid("RoleMappings must be a map of identity provider to role mapping")
    for provider, mapping in mappings.items():
        _check_mapping(provider, mapping)
    call.emulator.identity.set_roles(pool["IdentityPoolId"], roles, mappings)
    return {}


def get_identity_pool_roles(call: Call) -> dict:
    pool = describe_pool(call, call.param("IdentityPoolId"))
    saved = call.emulator.identity.roles(pool["IdentityPoolId"])
    answer = {"IdentityPoolId": pool["IdentityPoolId"], "Roles": saved["Roles"]}
    if saved["RoleMappings"]:
        answer["RoleMappings"] = saved["RoleMappings"]
    return answer


# -- resolution ------------------------------------------------------------------------------
def _values(claim: object) -> list[str]:
    """A claim as strings: lists (cognito:groups, cognito:roles) give one value per item."""
    if isinstance(claim, list):
        return [str(v) for v in claim]
    if isinstance(claim, bool):
        return ["true" if claim else "false"]
    return [str(claim)]


def rule_matches(rule: dict, claims: dict) -> bool:
    """One rule of a Rules mapping. A NotEqual rule on a missing claim is not evaluated."""
    if rule["Claim"] not in claims:
        return False
    values, wanted = _values(claims[rule["Claim"]]), rule["Value"]
    match = rule["MatchType"]
    if match == "Equals":
        return wanted in values
    if match == "Contains":
        return any(wanted in v for v in values)
    if match == "StartsWith":
        return any(v.startswith(wanted) for v in values)
    return wanted not in values                                    # NotEqual


def token_roles(claims: dict) -> list[str]:
    """``cognito:roles`` as a list (a JSON array in Cognito's ID tokens)."""
    roles = claims.get("cognito:roles") or []
    if isinstance(roles, str):
        roles = [r.strip() for r in roles.split(",") if r.strip()]
    return [str(r) for r in roles]


def choose_role(pool_roles: dict, login: Login | None, custom_role_arn: str | None) -> str:
    """The role ARN GetCredentialsForIdentity assumes for this login (None: a guest)."""
    roles = pool_roles["Roles"]
    if login is None:
        if not roles.get("unauthenticated"):
            raise no_role_configured()
        return roles["unauthenticated"]
    mapping = pool_roles["RoleMappings"].get(login.role_mapping_key)
    chosen: str | None = None
    if mapping is not None and mapping["Type"] == "Token":
        allowed = token_roles(login.claims)
        if custom_role_arn:
            if custom_role_arn not in allowed:
                raise NotAuthorizedException(f"CustomRoleArn {custom_role_arn} is not in the "
                                             "cognito:roles claim of the token.")
            chosen = custom_role_arn
        else:
            chosen = login.claims.get("cognito:preferred_role") or None
    elif mapping is not None:
        matching = [r["RoleARN"] for r in mapping["RulesConfiguration"]["Rules"]
                    if rule_matches(r, login.claims)]
        if custom_role_arn:
            if custom_role_arn not in matching:
                raise NotAuthorizedException(
                    f"CustomRoleArn {custom_role_arn} is not the role of a matching rule.")
            chosen = custom_role_arn
        elif matching:
            chosen = matching[0]
    if chosen:
        return chosen
    if mapping is not None and mapping["AmbiguousRoleResolution"] == "Deny":
        raise NotAuthorizedException(
            f"The ambiguous role mapping rules for: {login.provider} denied this request.")
    if not roles.get("authenticated"):
        raise no_role_configured()
    return roles["authenticated"]
