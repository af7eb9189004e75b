"""Account state at sign-in: unconfirmed, reset required, temporary passwords."""

from __future__ import annotations

from cognito_lab.client import secret_hash
from cognito_lab.lab import new_password

from .conftest import Accepted, Refused, Target, attempt, expect


def sign_in(target: Target, username: str, password: str):
    server = target.app("server")
    return attempt(target.idp.initiate_auth, ClientId=server.client_id,
                   AuthFlow="USER_PASSWORD_AUTH",
                   AuthParameters={"USERNAME": username, "PASSWORD": password,
                                   "SECRET_HASH": secret_hash(username, server.client_id,
                                                              server.client_secret)})


def test_unconfirmed_users_cannot_sign_in(target):
    """A signed-up user who hasn't confirmed: UserNotConfirmedException.

    AWS: "Signing up and confirming user accounts" (/cognito/latest/developerguide/
    signing-up-users-in-your-app.html) and InitiateAuth errors.
    """
    email = f"unc-{new_password()[:6].lower()}@example.com"
    password = new_password()
    target.idp.sign_up(ClientId=target.app("web").client_id, Username=email,
                       Password=password, UserAttributes=[{"Name": "email", "Value": email}])
    expect(target, sign_in(target, email, password),
           aws=Refused("UserNotConfirmedException", "User is not confirmed."),
           moto=Refused("UserNotConfirmedException"))     # moto's wording is its own


def test_temporary_passwords_expire(fresh_target):
    """After TemporaryPasswordValidityDays (7 in the template) the temporary password no
    longer signs in.

    AWS: "Adding user pool password requirements", TemporaryPasswordValidityDays
    (/cognito/latest/developerguide/user-pool-settings-policies.html).
    """
    target = fresh_target
    email = f"old-{new_password()[:6].lower()}@example.com"
    temporary = new_password()
    target.idp.admin_create_user(UserPoolId=target.pool_id, Username=email,
                                 TemporaryPassword=temporary, MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "email", "Value": email}])
    if target.is_lab:
        target.lab.clock.advance(days=7, seconds=1)
    out = sign_in(target, email, temporary)
    expect(target, out, aws=Refused("NotAuthorizedException", "Temporary password has expired "
                                    "and must be reset by an administrator."),
           moto=Accepted(lambda r: r["ChallengeName"] == "NEW_PASSWORD_REQUIRED"))


def test_admin_reset_requires_a_password_reset(target):
    """After AdminResetUserPassword the old password gives PasswordResetRequiredException,
    and a reset code is on its way.

    AWS: AdminResetUserPassword (/cognito-user-identity-pools/latest/APIReference/
    API_AdminResetUserPassword.html).
    """
    user = target.new_user()
    target.idp.admin_reset_user_password(UserPoolId=target.pool_id, Username=user.username)
    out = sign_in(target, user.username, user.password)
    expect(target, out, aws=Refused("PasswordResetRequiredException",
                                    "Password reset required for the user"),
           moto=Accepted())
    if target.is_lab:
        assert target.lab.mailbox.latest_code(user.username, "password_reset")
