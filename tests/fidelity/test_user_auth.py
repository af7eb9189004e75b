"""Choice-based sign-in (AuthFlow USER_AUTH): first factors, one-time passwords, auth factors."""

from __future__ import annotations

import uuid

from cognito_lab.client import srp
from cognito_lab.lab import DemoUser, new_password

from .conftest import Accepted, Fails, Refused, Target, attempt, expect

USER_AUTH_FLOWS = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def user_auth_client(target: Target) -> str:
    return target.new_client(ExplicitAuthFlows=USER_AUTH_FLOWS)["ClientId"]


def start(target: Target, client_id: str, user: DemoUser, **params: str):
    return attempt(target.idp.initiate_auth, ClientId=client_id, AuthFlow="USER_AUTH",
                   AuthParameters={"USERNAME": user.username, **params})


def started(target: Target, out) -> bool:
    """On bare moto USER_AUTH doesn't exist: assert that property and stop the scenario."""
    expect(target, out, aws=Accepted(), moto=Refused("InvalidParameterException",
                                                     contains="authFlow"))
    return target.is_lab


def answer(target: Target, client_id: str, name: str, session: str, **responses: str):
    return attempt(target.idp.respond_to_auth_challenge, ClientId=client_id,
                   ChallengeName=name, Session=session, ChallengeResponses=responses)


def tokens(value: dict) -> bool:
    return "AccessToken" in value.get("AuthenticationResult", {})


def test_user_auth_needs_allow_user_auth(target: Target):
    """AWS, CreateUserPoolClient ExplicitAuthFlows (ALLOW_USER_AUTH) and "Authentication
    flows": choice-based sign-in runs only through a client that allows it."""
    out = start(target, target.app("server").client_id, target.new_user())
    expect(target, out,
           aws=Refused("InvalidParameterException", "USER_AUTH is not enabled for the client."),
           moto=Refused("InvalidParameterException", contains="authFlow"))


def test_without_a_preference_the_user_selects_a_challenge(target: Target):
    """AWS, InitiateAuth AuthParameters (USER_AUTH: "If you don't provide a value for
    PREFERRED_CHALLENGE, Amazon Cognito responds with the AvailableChallenges parameter")."""
    out = start(target, user_auth_client(target), target.new_user())
    if started(target, out):
        assert out.value["ChallengeName"] == "SELECT_CHALLENGE"
        assert out.value["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]


def test_preferred_password_signs_in_at_once(target: Target):
    """AWS, "Manage authentication methods in AWS SDKs" (choice-based: PREFERRED_CHALLENGE
    PASSWORD with the PASSWORD parameter)."""
    user = target.new_user()
    out = start(target, user_auth_client(target), user, PREFERRED_CHALLENGE="PASSWORD",
                PASSWORD=user.password)
    if started(target, out):
        assert tokens(out.value)
        wrong = start(target, user_auth_client(target), user, PREFERRED_CHALLENGE="PASSWORD",
                      PASSWORD=new_password())
        assert wrong.code == "NotAuthorizedException"


def test_preferred_password_srp_runs_the_srp_handshake(target: Target):
    """AWS, "Manage authentication methods in AWS SDKs" (PASSWORD_SRP with SRP_A, then
    PASSWORD_VERIFIER as in USER_SRP_AUTH)."""
    user = target.new_user()
    client_id = user_auth_client(target)
    client = srp.SrpClient(target.pool_id, client_id)
    params = client.start(user.username)
    out = start(target, client_id, user, PREFERRED_CHALLENGE="PASSWORD_SRP",
                SRP_A=params["SRP_A"])
    if started(target, out):
        assert out.value["ChallengeName"] == "PASSWORD_VERIFIER"
        done = answer(target, client_id, "PASSWORD_VERIFIER", out.value["Session"],
                      **client.answer(out.value["ChallengeParameters"], user.password))
        assert tokens(done.value)


def test_select_challenge_then_an_email_one_time_password(target: Target):
    """AWS, RespondToAuthChallenge (SELECT_CHALLENGE: "Respond with a challenge selection as
    ANSWER"; EMAIL_OTP: "Respond with the code ... as EMAIL_OTP_CODE") and "Passwordless
    sign-in"."""
    user = target.new_user()
    client_id = user_auth_client(target)
    out = start(target, client_id, user)
    if not started(target, out):
        return
    chosen = answer(target, client_id, "SELECT_CHALLENGE", out.value["Session"],
                    USERNAME=user.username, ANSWER="EMAIL_OTP")
    assert chosen.value["ChallengeName"] == "EMAIL_OTP"
    assert chosen.value["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    message = target.lab.mailbox.latest(user.email, kind="sign_in_code")
    assert message.medium == "EMAIL" and len(message.code) == 8
    done = answer(target, client_id, "EMAIL_OTP", chosen.value["Session"],
                  USERNAME=user.username, EMAIL_OTP_CODE=message.code)
    assert tokens(done.value)


def test_an_answer_outside_the_available_challenges_is_refused(target: Target):
    """AWS, RespondToAuthChallenge (SELECT_CHALLENGE: ANSWER "must be one of the challenge
    types in the AvailableChallenges response parameter")."""
    user = target.new_user()
    client_id = user_auth_client(target)
    out = start(target, client_id, user)
    if started(target, out):
        wrong = answer(target, client_id, "SELECT_CHALLENGE", out.value["Session"],
                       USERNAME=user.username, ANSWER="WEB_AUTHN")       # no passkey yet
        assert wrong.code == "InvalidParameterException", wrong


def test_a_wrong_one_time_password_is_code_mismatch(target: Target):
    """AWS, RespondToAuthChallenge errors (CodeMismatchException); the session stays open
    for another try ("Passwordless sign-in")."""
    user = target.new_user()
    client_id = user_auth_client(target)
    out = start(target, client_id, user, PREFERRED_CHALLENGE="EMAIL_OTP")
    if not started(target, out):
        return
    code = target.lab.mailbox.latest_code(user.email, kind="sign_in_code")
    wrong = answer(target, client_id, "EMAIL_OTP", out.value["Session"],
                   USERNAME=user.username, EMAIL_OTP_CODE=str((int(code) + 1) % 10**8).zfill(8))
    assert wrong.code == "CodeMismatchException", wrong
    right = answer(target, client_id, "EMAIL_OTP", out.value["Session"],
                   USERNAME=user.username, EMAIL_OTP_CODE=code)
    assert tokens(right.value)


def test_an_expired_one_time_password_is_refused(fresh_target: Target):
    """AWS, RespondToAuthChallenge errors (ExpiredCodeException) and the app client's
    AuthSessionValidity (3 minutes by default)."""
    target = fresh_target
    user = target.new_user()
    client_id = user_auth_client(target)
    out = start(target, client_id, user, PREFERRED_CHALLENGE="EMAIL_OTP")
    if not started(target, out):
        return
    code = target.lab.mailbox.latest_code(user.email, kind="sign_in_code")
    target.lab.clock.advance(seconds=181)
    late = answer(target, client_id, "EMAIL_OTP", out.value["Session"],
                  USERNAME=user.username, EMAIL_OTP_CODE=code)
    assert late.code == "ExpiredCodeException", late


def test_an_sms_one_time_password_goes_to_the_phone(fresh_target: Target):
    """AWS, "Passwordless sign-in" (SMS_OTP to a verified phone number, answered as
    SMS_OTP_CODE) and SignInPolicyType AllowedFirstAuthFactors."""
    target = fresh_target
    pool = target.idp.describe_user_pool(UserPoolId=target.pool_id)["UserPool"]
    target.idp.update_user_pool(
        UserPoolId=target.pool_id, AutoVerifiedAttributes=["email"],
        UserPoolTier="ESSENTIALS", AdminCreateUserConfig=pool["AdminCreateUserConfig"],
        Policies={**pool["Policies"], "SignInPolicy": {
            "AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}})
    user = target.new_user()
    phone = f"+1555{uuid.uuid4().int % 10**7:07d}"
    target.idp.admin_update_user_attributes(
        UserPoolId=target.pool_id, Username=user.username,
        UserAttributes=[{"Name": "phone_number", "Value": phone},
                        {"Name": "phone_number_verified", "Value": "true"}])
    client_id = user_auth_client(target)
    out = start(target, client_id, user, PREFERRED_CHALLENGE="SMS_OTP")
    if not started(target, out):
        return
    assert out.value["ChallengeName"] == "SMS_OTP"
    assert out.value["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    text = target.lab.mailbox.texts(phone)[-1]
    assert text.medium == "SMS" and text.code in text.body
    done = answer(target, client_id, "SMS_OTP", out.value["Session"],
                  USERNAME=user.username, SMS_OTP_CODE=text.code)
    assert tokens(done.value)


def test_an_unavailable_preference_falls_back_to_select_challenge(target: Target):
    """AWS, "Manage authentication methods in AWS SDKs": Cognito answers with the user's
    available challenges when the preferred one isn't among them."""
    out = start(target, user_auth_client(target), target.new_user(),
                PREFERRED_CHALLENGE="WEB_AUTHN")
    if started(target, out):
        assert out.value["ChallengeName"] == "SELECT_CHALLENGE"
        assert "WEB_AUTHN" not in out.value["AvailableChallenges"]


def test_get_user_auth_factors_lists_what_the_user_can_sign_in_with(target: Target):
    """AWS, GetUserAuthFactors and AdminGetUserAuthFactors (ConfiguredUserAuthFactors)."""
    user = target.new_user()
    access = target.tokens(user)["AccessToken"]
    out = attempt(target.idp.get_user_auth_factors, AccessToken=access)
    expect(target, out,
           aws=Accepted(lambda v: v["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP"]),
           moto=Fails())                                        # not implemented (HTTP 500)
    admin = attempt(target.idp.admin_get_user_auth_factors, UserPoolId=target.pool_id,
                    Username=user.username)
    expect(target, admin,
           aws=Accepted(lambda v: v["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP"]),
           moto=Fails())


def test_admin_initiate_auth_runs_user_auth_too(target: Target):
    """AWS, AdminInitiateAuth AuthParameters (USER_AUTH: USERNAME, PREFERRED_CHALLENGE)."""
    user = target.new_user()
    out = attempt(target.idp.admin_initiate_auth, UserPoolId=target.pool_id,
                  ClientId=user_auth_client(target), AuthFlow="USER_AUTH",
                  AuthParameters={"USERNAME": user.username, "PREFERRED_CHALLENGE": "PASSWORD",
                                  "PASSWORD": user.password})
    expect(target, out, aws=Accepted(tokens),
           moto=Refused("InvalidParameterException", contains="authFlow"))
