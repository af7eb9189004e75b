"""User pool feature plans (UserPoolTier) and the sign-in policy they allow.

AWS, "User pool feature plans": each pool has a plan, LITE, ESSENTIALS or PLUS, and
"The default plan selection for new user pools is Essentials". SignInPolicyType and
WebAuthnConfigurationType: "To activate this setting, your user pool must be in the
Essentials tier or higher" — choice-based sign-in with one-time passwords or passkeys
(AllowedFirstAuthFactors beyond PASSWORD) is refused on Lite with
FeatureUnavailableInTierException. SignInPolicyType: "SOFTWARE_TOKEN is not currently
supported as a first auth factor".

moto stores UserPoolTier and Policies.SignInPolicy when it is given them, sets no default
and checks nothing. The lab fills in AWS's defaults when a pool is created (ESSENTIALS; the
first factor PASSWORD), checks the plan on CreateUserPool and UpdateUserPool, and keeps the
plan when an UpdateUserPool doesn't name one (the lab's choice: AWS's pages don't say
that an update without UserPoolTier changes the plan, which is a billing decision).
This module is a leaf (the plan's facts and checks, used by tokens and triggers too); the
CreateUserPool / UpdateUserPool handlers that apply them are in ``plan_settings``.
"""

from __future__ import annotations

from ..errors import FeatureUnavailableInTierException, InvalidParameterException

TIERS = ("LITE", "ESSENTIALS", "PLUS")
DEFAULT_TIER = "ESSENTIALS"
DEFAULT_FIRST_FACTORS = ["PASSWORD"]
PASSWORDLESS_FACTORS = ("EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")


def tier_of(pool: dict) -> str:
    return pool.get("UserPoolTier") or DEFAULT_TIER


def first_factors(pool: dict) -> list[str]:
    """The pool's AllowedFirstAuthFactors (PASSWORD alone unless the pool says more)."""
    policy = (pool.get("Policies") or {}).get("SignInPolicy") or {}
    return list(policy.get("AllowedFirstAuthFactors") or DEFAULT_FIRST_FACTORS)


def at_least_essentials(tier: str) -> bool:
    return TIERS.index(tier) >= TIERS.index("ESSENTIALS")


def require_essentials(pool: dict, feature: str) -> None:
    """FeatureUnavailableInTierException unless the pool is on Essentials or Plus."""
    if not at_least_essentials(tier_of(pool)):
        raise FeatureUnavailableInTierException(
            f"{feature} requires the ESSENTIALS or PLUS feature plan; this user pool is on "
            f"{tier_of(pool)}.")


def check_sign_in_policy(tier: str, policies: object) -> None:
    factors = ((policies or {}).get("SignInPolicy") or {}).get("AllowedFirstAuthFactors") \
        if isinstance(policies, dict) else None
    if not factors:
        return
    if "SOFTWARE_TOKEN" in factors:
        raise InvalidParameterException(
            "SOFTWARE_TOKEN is not supported as a first authentication factor.")
    passwordless = [f for f in factors if f in PASSWORDLESS_FACTORS]
    if passwordless and not at_least_essentials(tier):
        raise FeatureUnavailableInTierException(
            f"AllowedFirstAuthFactors {', '.join(passwordless)} require the ESSENTIALS or PLUS "
            f"feature plan; this user pool is on {tier}.")


def with_default_sign_in_policy(policies: object) -> dict:
    policies = dict(policies) if isinstance(policies, dict) else {}
    if not (policies.get("SignInPolicy") or {}).get("AllowedFirstAuthFactors"):
        policies["SignInPolicy"] = {"AllowedFirstAuthFactors": list(DEFAULT_FIRST_FACTORS)}
    return policies
