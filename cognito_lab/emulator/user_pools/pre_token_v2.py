"""PreTokenGeneration V2_0 and V3_0: the event that changes ID *and* access tokens.

AWS, "Pre token generation Lambda trigger": the pool's
``LambdaConfig.PreTokenGenerationConfig.LambdaVersion`` chooses the event. V1_0 changes the
ID token (``triggers.claims_override``). A V2_0 or V3_0 event is one request carrying what
Cognito would write into both tokens — ``userAttributes``, ``groupConfiguration``,
``scopes``, ``clientMetadata`` — and its response is

    claimsAndScopeOverrideDetails:
      idTokenGeneration:     {claimsToAddOrOverride, claimsToSuppress}
      accessTokenGeneration: {claimsToAddOrOverride, claimsToSuppress,
                              scopesToAdd, scopesToSuppress}
      groupOverrideDetails:  {groupsToOverride, iamRolesToOverride, preferredRole}

Claim values may be strings, numbers, booleans, arrays of those, or JSON objects (V1_0:
strings only). V3_0 events are sent for machine-to-machine tokens too (client-credentials
grants and GetClientToken: triggerSource ``TokenGeneration_ClientCredentials``); V2_0
events only for users' tokens. AWS offers V2_0 and V3_0 in pools on the Essentials or Plus
feature plan (the lab has no feature plans yet, so it doesn't enforce that).

Where AWS is silent the lab chooses: a V3_0 machine event's ``userName`` is the client id,
``userAttributes`` is empty and ``groupConfiguration`` has empty lists; besides the claims
no trigger may change (``tokens.RESERVED_CLAIMS``), an access token's ``client_id``,
``scope`` (changed through scopesToAdd/scopesToSuppress only), ``username`` and ``version``
are kept; a scope with white space is not added.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InvalidLambdaResponseException
from .tokens import RESERVED_CLAIMS, override_id_claims

VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}       # LambdaVersion -> event "version"
ACCESS_RESERVED = RESERVED_CLAIMS | {"client_id", "scope", "username", "version"}
# "In the ID token, you can populate complex objects to claim values except for
# phone_number_verified, email_verified, updated_at, and address."
SIMPLE_ONLY_IN_ID = frozenset({"phone_number_verified", "email_verified", "updated_at",
                               "address"})


@dataclass(frozen=True)
class ClaimsAndScopeOverride:
    """What a V2_0/V3_0 trigger asked for; applied by the token service like
    :class:`~.tokens.ClaimsOverride` (``apply_to_access``, ``apply_to_id``)."""

    id_add: dict = field(default_factory=dict)
    id_suppress: tuple[str, ...] = ()
    access_add: dict = field(default_factory=dict)
    access_suppress: tuple[str, ...] = ()
    scopes_add: tuple[str, ...] = ()
    scopes_suppress: tuple[str, ...] = ()
    replace_groups: bool = False
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    preferred_role: str | None = None

    def _groups(self, claims: dict) -> None:
        if self.replace_groups:
            claims.pop("cognito:groups", None)
            if self.groups:
                claims["cognito:groups"] = list(self.groups)

    def apply_to_access(self, claims: dict) -> dict:
        self._groups(claims)
        for name, value in self.access_add.items():
            if name not in ACCESS_RESERVED:
                claims[name] = value
        for name in self.access_suppress:
            if name not in ACCESS_RESERVED:
                claims.pop(name, None)
        scopes = [s for s in str(claims.get("scope", "")).split()
                  if s not in self.scopes_suppress]
        for scope in self.scopes_add:
            if scope not in scopes and scope not in self.scopes_suppress:
                scopes.append(scope)
        claims["scope"] = " ".join(scopes)
        return claims

    def apply_to_id(self, claims: dict) -> dict:
        self._groups(claims)
        return override_id_claims(claims, replace_groups=self.replace_groups,
                                  roles=self.roles, preferred_role=self.preferred_role,
                                  add=self.id_add, suppress=self.id_suppress)


def _bad() -> InvalidLambdaResponseException:
    return InvalidLambdaResponseException("Unrecognizable lambda output")


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad()
    return tuple(value)


def _claims(value: object, *, id_token: bool) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad()
    for name, claim in value.items():
        if id_token and name in SIMPLE_ONLY_IN_ID and isinstance(claim, dict | list):
            raise _bad()
    return dict(value)


def _section(details: dict, name: str) -> dict:
    section = details.get(name) or {}
    if not isinstance(section, dict):
        raise _bad()
    return section


def read_response(response: dict) -> ClaimsAndScopeOverride | None:
    """Read a V2_0/V3_0 event's ``response`` (None if it asks for nothing);
    InvalidLambdaResponseException if it is malformed."""
    details = response.get("claimsAndScopeOverrideDetails")
    if not details:
        return None
    if not isinstance(details, dict):
        raise _bad()
    id_part = _section(details, "idTokenGeneration")
    access = _section(details, "accessTokenGeneration")
    group_details = details.get("groupOverrideDetails")
    if group_details is not None and not isinstance(group_details, dict):
        raise _bad()
    group_details = group_details or {}
    return ClaimsAndScopeOverride(
        id_add=_claims(id_part.get("claimsToAddOrOverride"), id_token=True),
        id_suppress=_strings(id_part.get("claimsToSuppress")),
        access_add=_claims(access.get("claimsToAddOrOverride"), id_token=False),
        access_suppress=_strings(access.get("claimsToSuppress")),
        scopes_add=tuple(s for s in _strings(access.get("scopesToAdd")) if s.split() == [s]),
        scopes_suppress=_strings(access.get("scopesToSuppress")),
        replace_groups="groupOverrideDetails" in details,
        groups=_strings(group_details.get("groupsToOverride")),
        roles=_strings(group_details.get("iamRolesToOverride")),
        preferred_role=group_details.get("preferredRole"))


def user_request(attributes: dict, groups: list[str], roles: list[str],
                 preferred_role: str | None, scopes: list[str],
                 client_metadata: dict | None) -> dict:
    """The ``request`` of a V2_0/V3_0 event for a user's tokens."""
    return {"userAttributes": attributes,
            "scopes": list(scopes),
            "groupConfiguration": {"groupsToOverride": list(groups),
                                   "iamRolesToOverride": list(roles),
                                   "preferredRole": preferred_role},
            "clientMetadata": dict(client_metadata or {}) or None}


def machine_request(scopes: list[str], client_metadata: dict | None) -> dict:
    """The ``request`` of a V3_0 event for a machine (client-credentials) token."""
    return user_request({}, [], [], None, scopes, client_metadata)


def check_plan(tier: str, lambda_config: object) -> None:
    """CreateUserPool / UpdateUserPool: V2_0 and V3_0 events need the Essentials or Plus
    feature plan (AWS, "Pre token generation Lambda trigger"); FeatureUnavailableInTierException
    on Lite."""
    from ..errors import FeatureUnavailableInTierException
    from .feature_plans import at_least_essentials

    config = lambda_config.get("PreTokenGenerationConfig") if isinstance(
        lambda_config, dict) else None
    version = config.get("LambdaVersion") if isinstance(config, dict) else None
    if version in ("V2_0", "V3_0") and not at_least_essentials(tier):
        raise FeatureUnavailableInTierException(
            f"Pre token generation {version} events require the ESSENTIALS or PLUS feature "
            f"plan; this user pool is on {tier}.")
