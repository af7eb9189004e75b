"""What the lab keeps beside moto: MFA settings shown by AdminGetUser / GetUser, and SRP
verifiers (never passwords)."""

from __future__ import annotations

import pyotp

from cognito_lab.client import secret_hash


def sign_in(lab, user):
    server = lab.app_clients["server"]
    return lab.client("cognito-idp").initiate_auth(
        ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password,
                        "SECRET_HASH": secret_hash(user.username, server.client_id,
                                                   server.client_secret)})


def test_admin_get_user_shows_the_users_totp_preference(lab):
    idp = lab.client("cognito-idp")
    user = lab.add_user("mfa-view", "mfa-view@example.com")
    access = sign_in(lab, user)["AuthenticationResult"]["AccessToken"]
    before = idp.admin_get_user(UserPoolId=lab.user_pool_id, Username=user.username)
    assert "UserMFASettingList" not in before and "PreferredMfaSetting" not in before
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    idp.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).at(lab.clock.now()))
    idp.admin_set_user_mfa_preference(UserPoolId=lab.user_pool_id, Username=user.username,
                                      SoftwareTokenMfaSettings={"Enabled": True,
                                                                "PreferredMfa": True})
    after = idp.admin_get_user(UserPoolId=lab.user_pool_id, Username=user.username)
    assert after["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert after["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert idp.get_user(AccessToken=access)["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


def test_the_lab_keeps_a_verifier_not_the_password(lab):
    user = lab.users["carol"]
    internal = lab.client("cognito-idp").admin_get_user(UserPoolId=lab.user_pool_id,
                                                       Username=user.username)["Username"]
    credential = lab.emulator.passwords.get(lab.user_pool_id, internal)
    assert credential is not None and not credential.temporary
    assert user.password not in repr(credential)
    assert lab.emulator.passwords.verify(lab.user_pool_id, internal, user.password) is True
    assert lab.emulator.passwords.verify(lab.user_pool_id, internal, "nope") is False
