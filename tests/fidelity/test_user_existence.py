"""PreventUserExistenceErrors: answers that don't reveal whether a user exists."""

from __future__ import annotations

from cognito_lab.client import srp
from cognito_lab.lab import new_password

from .conftest import Accepted, Fails, Refused, Target, attempt, expect

INCORRECT = Refused("NotAuthorizedException", "Incorrect username or password.")
NOT_FOUND = Refused("UserNotFoundException", "User does not exist.")
MOTO_NOT_FOUND = Refused("UserNotFoundException")     # moto's wording is its own


def client(target: Target, setting: str) -> str:
    return target.new_client(ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH",
                                                "ALLOW_USER_SRP_AUTH",
                                                "ALLOW_REFRESH_TOKEN_AUTH"],
                             PreventUserExistenceErrors=setting)["ClientId"]


def password_sign_in(target: Target, client_id: str, username: str, password: str):
    return attempt(target.idp.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                   AuthParameters={"USERNAME": username, "PASSWORD": password})


def test_enabled_unknown_user_looks_like_a_wrong_password(target):
    """With ENABLED, an unknown user and a wrong password get the same answer.

    AWS: "Managing user existence error responses" (/cognito/latest/developerguide/
    cognito-user-pool-managing-errors.html), "User name password based authentication".
    """
    client_id = client(target, "ENABLED")
    unknown = password_sign_in(target, client_id, "nobody@example.com", new_password())
    expect(target, unknown, aws=INCORRECT, moto=MOTO_NOT_FOUND)
    wrong = password_sign_in(target, client_id, target.new_user().username, new_password())
    expect(target, wrong, aws=INCORRECT, moto=Refused("NotAuthorizedException"))


def test_legacy_unknown_user_is_user_not_found(target):
    """With LEGACY (the API's default), an unknown user is UserNotFoundException.

    AWS: "Managing user existence error responses" (/cognito/latest/developerguide/
    cognito-user-pool-managing-errors.html).
    """
    out = password_sign_in(target, client(target, "LEGACY"), "nobody@example.com",
                           new_password())
    expect(target, out, aws=NOT_FOUND, moto=MOTO_NOT_FOUND)


def test_enabled_srp_unknown_user_gets_a_simulated_challenge(target):
    """SRP with ENABLED: a simulated PASSWORD_VERIFIER challenge (same salt and user id for
    the same name), then "Incorrect username or password.".

    AWS: "Managing user existence error responses", "Secure Remote Password (SRP) based
    authentication" (/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
    """
    client_id = client(target, "ENABLED")
    helper = srp.SrpClient(target.pool_id, client_id)
    first = attempt(target.idp.initiate_auth, ClientId=client_id, AuthFlow="USER_SRP_AUTH",
                    AuthParameters=helper.start("nobody@example.com"))
    expect(target, first, aws=Accepted(lambda r: r["ChallengeName"] == "PASSWORD_VERIFIER"),
           moto=MOTO_NOT_FOUND)
    if target.is_lab:
        again = target.idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_SRP_AUTH",
            AuthParameters=srp.SrpClient(target.pool_id, client_id).start("nobody@example.com"))
        for name in ("SALT", "USER_ID_FOR_SRP"):
            assert again["ChallengeParameters"][name] == first.value["ChallengeParameters"][name]
        out = attempt(target.idp.respond_to_auth_challenge, ClientId=client_id,
                      ChallengeName="PASSWORD_VERIFIER", Session=first.value["Session"],
                      ChallengeResponses=helper.answer(first.value["ChallengeParameters"],
                                                       new_password()))
        INCORRECT.check(out)


def test_enabled_forgot_password_pretends_for_unknown_users(target):
    """ForgotPassword with ENABLED: CodeDeliveryDetails with a simulated destination for an
    unknown user; with LEGACY, UserNotFoundException.

    AWS: "Managing user existence error responses", ForgotPassword
    (/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
    """
    enabled = attempt(target.idp.forgot_password, ClientId=client(target, "ENABLED"),
                      Username="nobody@example.com")
    pretend = Accepted(lambda r: r["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL")
    expect(target, enabled, aws=pretend, moto=pretend)
    legacy = attempt(target.idp.forgot_password, ClientId=client(target, "LEGACY"),
                     Username="nobody@example.com")
    expect(target, legacy, aws=NOT_FOUND, moto=pretend)


def test_enabled_resend_confirmation_code_pretends_for_unknown_users(target):
    """ResendConfirmationCode with ENABLED: CodeDeliveryDetails for a user that doesn't exist.

    AWS: "Managing user existence error responses", ResendConfirmationCode
    (/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
    """
    out = attempt(target.idp.resend_confirmation_code, ClientId=client(target, "ENABLED"),
                  Username="nobody@example.com")
    expect(target, out, aws=Accepted(lambda r: "CodeDeliveryDetails" in r), moto=Fails())


def test_enabled_confirm_forgot_password_unknown_user_is_code_mismatch(target):
    """ConfirmForgotPassword with ENABLED: CodeMismatchException for a user that doesn't
    exist (LEGACY: UserNotFoundException).

    AWS: "Managing user existence error responses", ConfirmForgotPassword
    (/cognito/latest/developerguide/cognito-user-pool-managing-errors.html).
    """
    out = attempt(target.idp.confirm_forgot_password, ClientId=client(target, "ENABLED"),
                  Username="nobody@example.com", ConfirmationCode="123456",
                  Password=new_password())
    expect(target, out, aws=Refused("CodeMismatchException"),
           moto=Refused("ResourceNotFoundException"))
    legacy = attempt(target.idp.confirm_forgot_password, ClientId=client(target, "LEGACY"),
                     Username="nobody@example.com", ConfirmationCode="123456",
                     Password=new_password())
    expect(target, legacy, aws=NOT_FOUND, moto=Refused("ResourceNotFoundException"))
