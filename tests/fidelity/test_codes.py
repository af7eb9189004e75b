"""Codes Cognito sends (to ``lab.mailbox``) and checks: sign-up confirmation, password
reset, attribute verification, and AdminCreateUser's temporary password."""

from __future__ import annotations

import re

from cognito_lab.client import secret_hash
from cognito_lab.lab import new_password

from .conftest import Accepted, Fails, Refused, Target, attempt, expect

MISMATCH = Refused("CodeMismatchException",
                   "Invalid verification code provided, please try again.")
EXPIRED = Refused("ExpiredCodeException", "Invalid code provided, please request a code again.")


def sign_up(target: Target) -> tuple[str, dict]:
    email = f"code-{new_password()[:8].lower()}@example.com"
    answer = target.idp.sign_up(ClientId=target.app("web").client_id, Username=email,
                                Password=new_password(),
                                UserAttributes=[{"Name": "email", "Value": email}])
    return email, answer


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_sign_up_mails_a_six_digit_code(target):
    """SignUp sends a 6-digit code to the auto-verified email and says where.

    AWS: "Signing up and confirming user accounts" (/cognito/latest/developerguide/
    signing-up-users-in-your-app.html).
    """
    email, answer = sign_up(target)
    details = answer["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL" and details["AttributeName"] == "email"
    assert answer["UserConfirmed"] is False
    if target.is_lab:
        message = target.lab.mailbox.latest(email, "confirmation")
        assert re.fullmatch(r"\d{6}", message.code)
        assert message.subject == "Your verification code"
        assert message.code in message.body
        assert details["Destination"] == f"{email[0]}***@e***"


def test_confirm_sign_up_checks_the_code(target):
    """A wrong code is CodeMismatchException; the right one confirms the user and verifies
    the email.

    AWS: ConfirmSignUp (/cognito-user-identity-pools/latest/APIReference/
    API_ConfirmSignUp.html) and "Signing up and confirming user accounts".
    """
    email, _ = sign_up(target)
    web = target.app("web").client_id
    code = target.lab.mailbox.latest_code(email, "confirmation") if target.is_lab else "000000"
    out = attempt(target.idp.confirm_sign_up, ClientId=web, Username=email,
                  ConfirmationCode=other_than(code))
    expect(target, out, aws=MISMATCH, moto=Accepted())
    if target.is_lab:
        target.idp.confirm_sign_up(ClientId=web, Username=email, ConfirmationCode=code)
        user = target.idp.admin_get_user(UserPoolId=target.pool_id, Username=email)
        assert user["UserStatus"] == "CONFIRMED"
        assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_confirmation_codes_expire_after_24_hours(fresh_target):
    """A confirmation code is valid for 24 hours (lab.clock), then ExpiredCodeException.

    AWS: "Signing up and confirming user accounts" ("The code is valid for 24 hours")
    (/cognito/latest/developerguide/signing-up-users-in-your-app.html).
    """
    target = fresh_target
    email, _ = sign_up(target)
    code = target.lab.mailbox.latest_code(email, "confirmation") if target.is_lab else "000000"
    if target.is_lab:
        target.lab.clock.advance(hours=24, seconds=1)
    out = attempt(target.idp.confirm_sign_up, ClientId=target.app("web").client_id,
                  Username=email, ConfirmationCode=code)
    expect(target, out, aws=EXPIRED, moto=Accepted())


def test_resend_confirmation_code_replaces_the_code(target):
    """ResendConfirmationCode mails a new code; the old one no longer works.

    AWS: ResendConfirmationCode (/cognito-user-identity-pools/latest/APIReference/
    API_ResendConfirmationCode.html).
    """
    email, _ = sign_up(target)
    web = target.app("web").client_id
    out = attempt(target.idp.resend_confirmation_code, ClientId=web, Username=email)
    expect(target, out, aws=Accepted(lambda r: "CodeDeliveryDetails" in r), moto=Fails())
    if target.is_lab:
        first, second = [m.code for m in target.lab.mailbox.messages(email, "confirmation")]
        if first != second:
            MISMATCH.check(attempt(target.idp.confirm_sign_up, ClientId=web, Username=email,
                                   ConfirmationCode=first))
        target.idp.confirm_sign_up(ClientId=web, Username=email, ConfirmationCode=second)


def test_forgot_password_code_resets_the_password(target):
    """ForgotPassword mails a reset code; ConfirmForgotPassword checks it.

    AWS: "Recovering user accounts" (/cognito/latest/developerguide/
    how-to-recover-a-user-account.html), ForgotPassword and ConfirmForgotPassword.
    """
    user = target.new_user()
    web = target.app("web").client_id
    target.idp.forgot_password(ClientId=web, Username=user.username)
    code = target.lab.mailbox.latest_code(user.username, "password_reset") \
        if target.is_lab else "123456"
    new = new_password()
    out = attempt(target.idp.confirm_forgot_password, ClientId=web, Username=user.username,
                  ConfirmationCode=other_than(code), Password=new)
    expect(target, out, aws=MISMATCH, moto=Accepted())
    if target.is_lab:
        target.idp.confirm_forgot_password(ClientId=web, Username=user.username,
                                           ConfirmationCode=code, Password=new)
        server = target.app("server")
        signed_in = target.idp.initiate_auth(
            ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user.username, "PASSWORD": new,
                            "SECRET_HASH": secret_hash(user.username, server.client_id,
                                                       server.client_secret)})
        assert "AccessToken" in signed_in["AuthenticationResult"]


def test_reset_codes_expire_after_an_hour(fresh_target):
    """A password-reset code is valid for one hour.

    AWS: ForgotPassword / "Recovering user accounts" (/cognito/latest/developerguide/
    how-to-recover-a-user-account.html).
    """
    target = fresh_target
    user = target.new_user()
    web = target.app("web").client_id
    target.idp.forgot_password(ClientId=web, Username=user.username)
    code = target.lab.mailbox.latest_code(user.username, "password_reset") \
        if target.is_lab else "123456"
    if target.is_lab:
        target.lab.clock.advance(minutes=61)
    out = attempt(target.idp.confirm_forgot_password, ClientId=web, Username=user.username,
                  ConfirmationCode=code, Password=new_password())
    expect(target, out, aws=EXPIRED, moto=Accepted())


def test_attribute_verification_codes(target):
    """GetUserAttributeVerificationCode mails a code; VerifyUserAttribute checks it.

    AWS: GetUserAttributeVerificationCode and VerifyUserAttribute
    (/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html).
    """
    user = target.new_user()
    access = target.tokens(user)["AccessToken"]
    out = attempt(target.idp.get_user_attribute_verification_code, AccessToken=access,
                  AttributeName="email")
    expect(target, out,
           aws=Accepted(lambda r: r["CodeDeliveryDetails"]["AttributeName"] == "email"),
           moto=Fails())
    if target.is_lab:
        code = target.lab.mailbox.latest_code(user.username, "attribute_verification")
        MISMATCH.check(attempt(target.idp.verify_user_attribute, AccessToken=access,
                               AttributeName="email", Code=other_than(code)))
        target.idp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=code)


def test_changing_email_sends_a_verification_code(target):
    """UpdateUserAttributes with a new email: it becomes unverified and a code goes out.

    AWS: UpdateUserAttributes (CodeDeliveryDetailsList) (/cognito-user-identity-pools/
    latest/APIReference/API_UpdateUserAttributes.html).
    """
    user = target.new_user()
    new_email = f"moved-{new_password()[:6].lower()}@example.com"
    out = attempt(target.idp.update_user_attributes,
                  AccessToken=target.tokens(user)["AccessToken"],
                  UserAttributes=[{"Name": "email", "Value": new_email}])
    expect(target, out, aws=Accepted(lambda r: len(r["CodeDeliveryDetailsList"]) == 1),
           moto=Accepted(lambda r: "CodeDeliveryDetailsList" not in r))
    if target.is_lab:
        assert target.lab.mailbox.latest(new_email, "attribute_verification").code


def test_admin_create_user_mails_the_temporary_password(target):
    """Without MessageAction SUPPRESS, AdminCreateUser sends the invitation with the
    temporary password, which signs in to NEW_PASSWORD_REQUIRED.

    AWS: AdminCreateUser (/cognito-user-identity-pools/latest/APIReference/
    API_AdminCreateUser.html) and "Customizing user invitation messages".
    """
    email = f"invite-{new_password()[:6].lower()}@example.com"
    target.idp.admin_create_user(UserPoolId=target.pool_id, Username=email,
                                 DesiredDeliveryMediums=["EMAIL"],
                                 UserAttributes=[{"Name": "email", "Value": email}])
    if not target.is_lab:
        return    # moto sends nothing, and made up no password either: nothing to sign in with
    message = target.lab.mailbox.latest(email, "temporary_password")
    assert message.subject == "Your temporary password"
    assert email in message.body and message.code in message.body
    server = target.app("server")
    started = target.idp.initiate_auth(
        ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": message.code,
                        "SECRET_HASH": secret_hash(email, server.client_id,
                                                   server.client_secret)})
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
