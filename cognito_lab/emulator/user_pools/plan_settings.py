"""CreateUserPool and UpdateUserPool with the feature plan applied (see ``feature_plans``).

AWS, "User pool feature plans": new pools get Essentials and the first factor PASSWORD;
settings the plan lacks are refused (FeatureUnavailableInTierException: passwordless first
factors here, V2_0/V3_0 pre token generation events in ``pre_token_v2``). Then the pool's
id (``pool_ids``) and UpdateUserPool's rules (``pool_settings``) as before.
"""

from __future__ import annotations

from ..operations import Call
from . import pool_ids, pool_settings, pre_token_v2
from .feature_plans import (
    DEFAULT_TIER,
    check_sign_in_policy,
    tier_of,
    with_default_sign_in_policy,
)


def create_user_pool(call: Call) -> dict:
    tier = call.param("UserPoolTier") or DEFAULT_TIER
    check_sign_in_policy(tier, call.param("Policies"))
    pre_token_v2.check_plan(tier, call.param("LambdaConfig"))
    call.params = {**call.params, "UserPoolTier": tier,
                   "Policies": with_default_sign_in_policy(call.param("Policies"))}
    return pool_ids.create_user_pool(call)


def update_user_pool(call: Call) -> dict:
    pool = call.emulator.directory.pool(call.param("UserPoolId"))
    tier = call.param("UserPoolTier") or tier_of(pool)
    check_sign_in_policy(tier, call.param("Policies"))
    pre_token_v2.check_plan(tier, call.param("LambdaConfig"))
    call.params = {**call.params, "UserPoolTier": tier,
                   "Policies": with_default_sign_in_policy(call.param("Policies"))}
    return pool_settings.update_user_pool(call)
