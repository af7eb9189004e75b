"""User pool feature plans (UserPoolTier): the default, and what Lite refuses."""

from __future__ import annotations

import uuid

from .conftest import Accepted, Refused, Target, attempt, expect

PASSWORDLESS = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}


def new_pool(target: Target, **settings) -> str:
    pool = target.idp.create_user_pool(PoolName=f"plans-{uuid.uuid4().hex[:8]}",
                                       **settings)["UserPool"]
    return pool["Id"]


def test_new_pools_are_on_the_essentials_plan(target: Target):
    """AWS, "User pool feature plans": "The default plan selection for new user pools is
    Essentials"; DescribeUserPool shows it as UserPoolTier."""
    pool_id = new_pool(target)
    out = attempt(target.idp.describe_user_pool, UserPoolId=pool_id)
    expect(target, out,
           aws=Accepted(lambda v: v["UserPool"]["UserPoolTier"] == "ESSENTIALS"
                        and v["UserPool"]["Policies"]["SignInPolicy"]
                        == {"AllowedFirstAuthFactors": ["PASSWORD"]}),
           moto=Accepted(lambda v: "UserPoolTier" not in v["UserPool"]))     # no plan at all
    target.idp.delete_user_pool(UserPoolId=pool_id)


def test_lite_refuses_passwordless_first_factors(target: Target):
    """AWS, SignInPolicyType ("your user pool must be in the Essentials tier or higher") and
    CreateUserPool's FeatureUnavailableInTierException."""
    out = attempt(target.idp.create_user_pool, PoolName=f"lite-{uuid.uuid4().hex[:8]}",
                  UserPoolTier="LITE", Policies=PASSWORDLESS)
    expect(target, out, aws=Refused("FeatureUnavailableInTierException", contains="LITE"),
           moto=Accepted())
    if out.accepted:
        target.idp.delete_user_pool(UserPoolId=out.value["UserPool"]["Id"])


def test_moving_to_lite_with_passwordless_sign_in_is_refused(target: Target):
    """AWS, UpdateUserPool (FeatureUnavailableInTierException) and "Turning off features to
    change feature plans": a plan change must not keep features the new plan lacks."""
    pool_id = new_pool(target, UserPoolTier="ESSENTIALS", Policies=PASSWORDLESS)
    out = attempt(target.idp.update_user_pool, UserPoolId=pool_id, UserPoolTier="LITE",
                  Policies=PASSWORDLESS)
    expect(target, out, aws=Refused("FeatureUnavailableInTierException"), moto=Accepted())
    target.idp.delete_user_pool(UserPoolId=pool_id)


def test_an_update_without_a_plan_keeps_the_plan(target: Target):
    """AWS, "User pool feature plans" (a plan is chosen per pool, and switched on purpose);
    the lab keeps it when UpdateUserPool doesn't name one."""
    pool_id = new_pool(target, UserPoolTier="PLUS")
    target.idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])
    out = attempt(target.idp.describe_user_pool, UserPoolId=pool_id)
    expect(target, out, aws=Accepted(lambda v: v["UserPool"]["UserPoolTier"] == "PLUS"),
           moto=Accepted(lambda v: "UserPoolTier" not in v["UserPool"]))     # plan forgotten
    target.idp.delete_user_pool(UserPoolId=pool_id)


def test_software_token_is_not_a_first_factor(target: Target):
    """AWS, SignInPolicyType: "SOFTWARE_TOKEN is not currently supported as a first auth
    factor. Do not include this value in AllowedFirstAuthFactors"."""
    out = attempt(target.idp.create_user_pool, PoolName=f"totp-{uuid.uuid4().hex[:8]}",
                  Policies={"SignInPolicy": {"AllowedFirstAuthFactors":
                                             ["PASSWORD", "SOFTWARE_TOKEN"]}})
    expect(target, out, aws=Refused("InvalidParameterException"), moto=Accepted())
    if out.accepted:
        target.idp.delete_user_pool(UserPoolId=out.value["UserPool"]["Id"])


def test_passkey_settings_need_essentials(target: Target):
    """AWS, WebAuthnConfigurationType ("your user pool must be in the Essentials tier or
    higher") and SetUserPoolMfaConfig's FeatureUnavailableInTierException."""
    pool_id = new_pool(target, UserPoolTier="LITE")
    out = attempt(target.idp.set_user_pool_mfa_config, UserPoolId=pool_id,
                  MfaConfiguration="OFF",
                  WebAuthnConfiguration={"RelyingPartyId": "shop.example.com"})
    expect(target, out, aws=Refused("FeatureUnavailableInTierException"),
           moto=Accepted(lambda v: "WebAuthnConfiguration" not in v))        # ignored
    target.idp.delete_user_pool(UserPoolId=pool_id)
