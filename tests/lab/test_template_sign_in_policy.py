"""The template's feature plan and sign-in policy, and CloudFormation's passkey properties."""

from __future__ import annotations

import uuid

from cognito_lab.template import apply_template, default_template_path, load_template
from cognito_lab.template.model import Context


def test_the_course_pool_is_on_essentials_with_passwordless_first_factors(lab):
    pool = lab.client("cognito-idp").describe_user_pool(UserPoolId=lab.user_pool_id)["UserPool"]
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"] == [
        "PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]


def test_webauthn_properties_become_the_pools_passkey_settings(lab):
    """AWS::Cognito::UserPool WebAuthnRelyingPartyID / WebAuthnUserVerification are
    SetUserPoolMfaConfig's WebAuthnConfiguration."""
    template = load_template(default_template_path())
    pool = template["Resources"]["UserPool"]
    pool["Properties"].update(UserPoolName=f"passkeys-{uuid.uuid4().hex[:8]}",
                              WebAuthnRelyingPartyID="shop.example.com",
                              WebAuthnUserVerification="required")
    template["Resources"] = {"UserPool": pool}
    created = apply_template(template, Context(client=lab.client, region=lab.region,
                                               account_id="123456789012"))
    idp = lab.client("cognito-idp")
    pool_id = created["UserPool"].physical_id
    mfa = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    assert mfa["WebAuthnConfiguration"] == {"RelyingPartyId": "shop.example.com",
                                            "UserVerification": "required"}
    assert mfa["MfaConfiguration"] == "OPTIONAL"
    idp.delete_user_pool(UserPoolId=pool_id)
