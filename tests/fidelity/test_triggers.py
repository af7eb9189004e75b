"""Lambda triggers, played by Python functions (``lab.triggers``)."""

from __future__ import annotations

import jwt

from cognito_lab.client import secret_hash
from cognito_lab.lab import new_password

from .conftest import Accepted, Refused, Target, attempt, expect

FAKE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:cognito-lab-fidelity"


def use_trigger(target: Target, trigger: str, fn) -> str:
    """Lab: attach ``fn``. moto: point LambdaConfig at a Lambda ARN (moto never calls it)."""
    if target.is_lab:
        return target.lab.triggers.attach(trigger, fn)
    target.set_lambda_config({trigger: FAKE_ARN})
    return FAKE_ARN


def sign_up(target: Target, email: str, **extra):
    return attempt(target.idp.sign_up, ClientId=target.app("web").client_id, Username=email,
                   Password=new_password(), UserAttributes=[{"Name": "email", "Value": email}],
                   **extra)


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_pre_sign_up_can_refuse_a_sign_up(fresh_target):
    """An exception in the pre sign-up trigger fails SignUp with
    UserLambdaValidationException "PreSignUp failed with error <message>." and no user.

    AWS: "Pre sign-up Lambda trigger" (/cognito/latest/developerguide/
    user-pool-lambda-pre-sign-up.html) and SignUp errors.
    """
    target = fresh_target

    def only_example_org(event, context):
        if not event["request"]["userAttributes"]["email"].endswith("@example.org"):
            raise ValueError("Email domain not allowed")
        return event

    use_trigger(target, "PreSignUp", only_example_org)
    out = sign_up(target, "mallory@evil.test")
    expect(target, out, aws=Refused("UserLambdaValidationException",
                                    "PreSignUp failed with error Email domain not allowed."),
           moto=Accepted())
    if target.is_lab:
        assert not target.idp.list_users(UserPoolId=target.pool_id,
                                         Filter='email = "mallory@evil.test"')["Users"]


def test_pre_sign_up_auto_confirms_and_verifies(fresh_target):
    """autoConfirmUser and autoVerifyEmail: the user is CONFIRMED with a verified email and
    no code is sent; the event has AWS's shape.

    AWS: "Pre sign-up Lambda trigger" (/cognito/latest/developerguide/
    user-pool-lambda-pre-sign-up.html) and "Customizing user pool workflows with Lambda
    triggers" (common parameters).
    """
    target = fresh_target
    seen = []

    def confirm_everyone(event, context):
        seen.append(event)
        event["response"].update(autoConfirmUser=True, autoVerifyEmail=True)
        return event

    use_trigger(target, "PreSignUp", confirm_everyone)
    out = sign_up(target, "trusted@example.org",
                  ValidationData=[{"Name": "invite", "Value": "abc"}],
                  ClientMetadata={"source": "fidelity"})
    expect(target, out, aws=Accepted(lambda r: r["UserConfirmed"] is True
                                      and "CodeDeliveryDetails" not in r),
           moto=Accepted(lambda r: r["UserConfirmed"] is False))
    if target.is_lab:
        event = seen[0]
        assert event["version"] == "1" and event["triggerSource"] == "PreSignUp_SignUp"
        assert event["region"] == target.lab.region and event["userPoolId"] == target.pool_id
        assert event["callerContext"]["clientId"] == target.app("web").client_id
        assert event["request"]["userAttributes"]["email"] == "trusted@example.org"
        assert event["request"]["validationData"] == {"invite": "abc"}
        assert event["request"]["clientMetadata"] == {"source": "fidelity"}
        user = target.idp.admin_get_user(UserPoolId=target.pool_id,
                                         Username="trusted@example.org")
        assert user["UserStatus"] == "CONFIRMED"
        assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_pre_sign_up_runs_for_admin_create_user_and_its_flags_are_ignored(fresh_target):
    """AdminCreateUser invokes PreSignUp_AdminCreateUser; autoConfirmUser has no effect.

    AWS: "Pre sign-up Lambda trigger" ("Response parameters ... are ignored by Amazon
    Cognito when the Pre Sign-up lambda is triggered by the AdminCreateUser API")
    (/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html).
    """
    target = fresh_target
    sources = []

    def record(event):
        sources.append(event["triggerSource"])
        event["response"]["autoConfirmUser"] = True
        return event

    use_trigger(target, "PreSignUp", record)
    target.idp.admin_create_user(UserPoolId=target.pool_id, Username="made@example.org",
                                 TemporaryPassword=new_password(), MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "email", "Value": "made@example.org"}])
    status = target.idp.admin_get_user(UserPoolId=target.pool_id,
                                       Username="made@example.org")["UserStatus"]
    assert status == "FORCE_CHANGE_PASSWORD"
    assert sources == (["PreSignUp_AdminCreateUser"] if target.is_lab else [])


def test_post_confirmation_runs_after_confirm_sign_up(fresh_target):
    """PostConfirmation_ConfirmSignUp after ConfirmSignUp; if it fails, the API call fails
    (the user stays confirmed).

    AWS: "Post confirmation Lambda trigger" (/cognito/latest/developerguide/
    user-pool-lambda-post-confirmation.html).
    """
    target = fresh_target
    events = []

    def welcome(event, context):
        events.append(event)
        raise RuntimeError("welcome mail failed")

    use_trigger(target, "PostConfirmation", welcome)
    email = "newcomer@example.org"
    sign_up(target, email)
    code = target.lab.mailbox.latest_code(email, "confirmation") if target.is_lab else "000000"
    out = attempt(target.idp.confirm_sign_up, ClientId=target.app("web").client_id,
                  Username=email, ConfirmationCode=code)
    expect(target, out, aws=Refused("UserLambdaValidationException",
                                    "PostConfirmation failed with error welcome mail failed."),
           moto=Accepted())
    if target.is_lab:
        assert events[0]["triggerSource"] == "PostConfirmation_ConfirmSignUp"
        assert events[0]["request"]["userAttributes"]["email_verified"] == "true"
        assert target.idp.admin_get_user(UserPoolId=target.pool_id,
                                         Username=email)["UserStatus"] == "CONFIRMED"


def test_pre_token_generation_customises_the_id_token(fresh_target):
    """V1_0 pre token generation: add or override claims, suppress claims, override groups
    (in both tokens); reserved claims can't be changed; it runs again at refresh.

    AWS: "Pre token generation Lambda trigger" (/cognito/latest/developerguide/
    user-pool-lambda-pre-token-generation.html).
    """
    target = fresh_target
    sources = []

    def customise(event, context):
        sources.append(event["triggerSource"])
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"plan": "gold", "sub": "someone-else"},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {"groupsToOverride": ["auditors"]}}
        return event

    use_trigger(target, "PreTokenGeneration", customise)
    user = target.new_user()
    tokens = target.tokens(user)
    id_claims, access_claims = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    if not target.is_lab:
        assert "plan" not in id_claims          # moto never calls the function
        return
    assert id_claims["plan"] == "gold" and "email" not in id_claims
    assert id_claims["sub"] != "someone-else"                  # reserved: unchanged
    assert id_claims["cognito:groups"] == ["auditors"] == access_claims["cognito:groups"]
    server = target.app("server")
    target.idp.initiate_auth(ClientId=server.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                             AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"],
                                             "SECRET_HASH": secret_hash(
                                                 user.username, server.client_id,
                                                 server.client_secret)})
    assert sources == ["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"]


def test_an_arn_from_update_user_pool_is_played_by_a_bound_function(fresh_target):
    """A LambdaConfig ARN set with UpdateUserPool runs the function bound to it; an ARN
    with nothing bound fails the call (UnexpectedLambdaException).

    AWS: UpdateUserPool LambdaConfig (/cognito-user-identity-pools/latest/APIReference/
    API_UpdateUserPool.html) and "Customizing user pool workflows with Lambda triggers".
    """
    target = fresh_target
    arn = FAKE_ARN
    target.set_lambda_config({"PreSignUp": arn})
    out = sign_up(target, "unbound@example.org")
    expect(target, out, aws=Refused("UnexpectedLambdaException"), moto=Accepted())
    if target.is_lab:
        target.lab.triggers.bind(arn, lambda event, context: event)
        assert sign_up(target, "bound@example.org").accepted
        assert target.lab.triggers.last("PreSignUp").arn == arn


def test_a_trigger_must_return_the_event(fresh_target):
    """A function that returns nothing: InvalidLambdaResponseException.

    AWS: SignUp errors, InvalidLambdaResponseException (/cognito-user-identity-pools/latest/
    APIReference/API_SignUp.html).
    """
    target = fresh_target
    use_trigger(target, "PreSignUp", lambda event, context: None)
    expect(target, sign_up(target, "forgetful@example.org"),
           aws=Refused("InvalidLambdaResponseException", "Unrecognizable lambda output"),
           moto=Accepted())


def test_update_user_pool_keeps_username_attributes(fresh_target):
    """UpdateUserPool resets what it is given defaults for, but can't touch
    UsernameAttributes: users still sign in with their email afterwards.

    AWS: UpdateUserPool (/cognito-user-identity-pools/latest/APIReference/
    API_UpdateUserPool.html).
    """
    target = fresh_target
    user = target.new_user()
    target.set_lambda_config({})
    pool = target.idp.describe_user_pool(UserPoolId=target.pool_id)["UserPool"]
    if target.is_lab:
        assert pool["UsernameAttributes"] == ["email"]
    else:
        assert "UsernameAttributes" not in pool
    out = attempt(target.password_sign_in, user)
    expect(target, out, aws=Accepted(), moto=Refused("UserNotFoundException"))


def test_pre_authentication_can_refuse_a_sign_in(fresh_target):
    """An exception in the pre authentication trigger fails the sign-in with
    UserLambdaValidationException "PreAuthentication failed with error <message>.".

    AWS: "Pre authentication Lambda trigger" (/cognito/latest/developerguide/
    user-pool-lambda-pre-authentication.html).
    """
    target = fresh_target

    def office_hours_only(event, context):
        raise PermissionError("Sign-in is closed for maintenance")

    use_trigger(target, "PreAuthentication", office_hours_only)
    out = attempt(target.password_sign_in, target.new_user())
    expect(target, out, aws=Refused("UserLambdaValidationException", "PreAuthentication failed "
                                    "with error Sign-in is closed for maintenance."),
           moto=Accepted())
    if target.is_lab:
        event = target.lab.triggers.last("PreAuthentication").event
        assert event["triggerSource"] == "PreAuthentication_Authentication"
