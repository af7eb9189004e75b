"""The pool's password policy (the template: 12 characters, upper, lower, digits) on every
operation that sets a password."""

from __future__ import annotations

import pytest

from cognito_lab.client import secret_hash
from cognito_lab.lab import new_password

from .conftest import Accepted, Refused, Target, attempt, expect

SHORT = "Sh0rtPass"          # 9 characters: upper, lower, digit, but not 12 long
POLICY = Refused("InvalidPasswordException",
                 "Password did not conform with policy: Password not long enough")
MOTO_POLICY = Refused("InvalidPasswordException")


def sign_up(target: Target, password: str):
    email = f"pw-{new_password()[:8].lower()}@example.com"
    return attempt(target.idp.sign_up, ClientId=target.app("web").client_id, Username=email,
                   Password=password, UserAttributes=[{"Name": "email", "Value": email}])


@pytest.mark.parametrize("password, reason", [
    ("alllowercase12", "Password must have uppercase characters"),
    ("ALLUPPERCASE12", "Password must have lowercase characters"),
    ("NoDigitsHereAtAll", "Password must have numeric characters"),
])
def test_sign_up_names_the_rule_a_password_breaks(target, password, reason):
    """SignUp answers InvalidPasswordException with AWS's reason.

    AWS: "Adding user pool password requirements" (/cognito/latest/developerguide/
    user-pool-settings-policies.html) and SignUp.
    """
    out = sign_up(target, password)
    expect(target, out,
           aws=Refused("InvalidPasswordException",
                       f"Password did not conform with policy: {reason}"),
           moto=MOTO_POLICY)
    if not target.is_lab:      # moto refuses, but doesn't name the rule the password breaks
        assert reason not in (out.message or "")


def test_temporary_password_must_meet_the_policy(target):
    """AdminCreateUser's TemporaryPassword is checked against the policy.

    AWS: AdminCreateUser, TemporaryPassword ("The temporary password must conform to the
    password policy that you specified when you created the user pool")
    (/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html).
    """
    email = f"temp-{new_password()[:8].lower()}@example.com"
    out = attempt(target.idp.admin_create_user, UserPoolId=target.pool_id, Username=email,
                  TemporaryPassword=SHORT, MessageAction="SUPPRESS",
                  UserAttributes=[{"Name": "email", "Value": email}])
    expect(target, out, aws=POLICY, moto=Accepted())


def test_admin_set_user_password_checks_the_policy(target):
    """AdminSetUserPassword.

    AWS: "Adding user pool password requirements" (/cognito/latest/developerguide/
    user-pool-settings-policies.html).
    """
    user = target.new_user()
    out = attempt(target.idp.admin_set_user_password, UserPoolId=target.pool_id,
                  Username=user.username, Password=SHORT, Permanent=True)
    expect(target, out, aws=POLICY, moto=MOTO_POLICY)


def test_change_password_checks_the_policy(target):
    """ChangePassword.

    AWS: ChangePassword (/cognito-user-identity-pools/latest/APIReference/
    API_ChangePassword.html) and the password policy page.
    """
    user = target.new_user()
    out = attempt(target.idp.change_password, AccessToken=target.tokens(user)["AccessToken"],
                  PreviousPassword=user.password, ProposedPassword=SHORT)
    expect(target, out, aws=POLICY, moto=MOTO_POLICY)


def test_confirm_forgot_password_checks_the_policy(target):
    """ConfirmForgotPassword (with a valid reset code on the lab; moto takes any code).

    AWS: ConfirmForgotPassword, InvalidPasswordException (/cognito-user-identity-pools/
    latest/APIReference/API_ConfirmForgotPassword.html).
    """
    user = target.new_user()
    web = target.app("web").client_id
    target.idp.forgot_password(ClientId=web, Username=user.username)
    code = target.lab.mailbox.latest_code(user.username, "password_reset") \
        if target.is_lab else "123456"
    out = attempt(target.idp.confirm_forgot_password, ClientId=web, Username=user.username,
                  ConfirmationCode=code, Password=SHORT)
    expect(target, out, aws=POLICY, moto=Accepted())


def test_new_password_required_answer_checks_the_policy(target):
    """The NEW_PASSWORD_REQUIRED answer after a temporary password.

    AWS: RespondToAuthChallenge, NEW_PASSWORD_REQUIRED (/cognito-user-identity-pools/latest/
    APIReference/API_RespondToAuthChallenge.html).
    """
    server = target.app("server")
    email = f"np-{new_password()[:8].lower()}@example.com"
    temporary = new_password()
    target.idp.admin_create_user(UserPoolId=target.pool_id, Username=email,
                                 TemporaryPassword=temporary, MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "email", "Value": email}])
    hashed = secret_hash(email, server.client_id, server.client_secret)
    started = target.idp.initiate_auth(
        ClientId=server.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": temporary, "SECRET_HASH": hashed})
    out = attempt(target.idp.respond_to_auth_challenge, ClientId=server.client_id,
                  ChallengeName="NEW_PASSWORD_REQUIRED", Session=started["Session"],
                  ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": SHORT,
                                      "SECRET_HASH": hashed})
    expect(target, out, aws=POLICY, moto=MOTO_POLICY)
    if target.is_lab:      # the session stays open: the user may try again
        done = target.idp.respond_to_auth_challenge(
            ClientId=server.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password(),
                                "SECRET_HASH": hashed})
        assert "AccessToken" in done["AuthenticationResult"]
