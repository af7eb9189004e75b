"""amazon-cognito-identity-js (npm), the SDK under Amplify v5, against the lab.

Each test runs drive_identity_js.mjs (protocol: steps.mjs) with a CognitoUserPool pointed
at the lab by its ``endpoint`` option, for the public "web" app client (SRP and refresh
only, like an SPA). Codes Cognito would email come from ``lab.mailbox``; TOTP codes are
computed here from the secret the SDK was handed, as an authenticator app would. Tokens
are checked with the kit's verifier; refusals by the service's exception name.

AWS pages: "User pool authentication flow" (SRP), "Signing up and confirming user
accounts", "Refresh tokens", "Forgot password" (ForgotPassword / ConfirmForgotPassword),
"TOTP software token MFA", GlobalSignOut in the Amazon Cognito API reference.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cognito_lab.lab import new_password

from .helpers import check_tokens, fresh_user, new_email, totp_code, verified, wrong_code

SCRIPT = "drive_identity_js.mjs"
PACKAGE = "amazon-cognito-identity-js"


@pytest.fixture
def sdk(node_project, lab):
    with node_project.steps(SCRIPT, userPoolId=lab.user_pool_id,
                            clientId=lab.app_clients["web"].client_id,
                            endpoint=lab.endpoint_url) as driver:
        yield driver


def test_the_pinned_version_runs(sdk):
    pinned = json.loads((Path(__file__).parent / "package.json").read_text())
    assert sdk.started["version"] == pinned["dependencies"][PACKAGE]


def test_srp_sign_in_gives_tokens_the_verifier_accepts(sdk, lab):
    user = fresh_user(lab, "srp")
    signed_in = sdk.ok("signIn", username=user.username, password=user.password)
    claims = check_tokens(lab, signed_in["tokens"], user.username)
    access = verified(lab, signed_in["tokens"]["accessToken"], "access")
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert claims["token_use"] == "id"
    read = sdk.ok("getUser", username=user.username)
    assert read["attributes"]["email"] == user.username
    assert read["attributes"]["sub"] == claims["sub"]


def test_wrong_password_is_refused_as_not_authorized(sdk, lab):
    user = fresh_user(lab, "wrongpw")
    error = sdk.refused("signIn", username=user.username, password=new_password())
    assert error["code"] == "NotAuthorizedException"


def test_sign_up_then_confirm_with_the_mailed_code(sdk, lab):
    email, password = new_email(), new_password()
    signed_up = sdk.ok("signUp", username=email, password=password,
                       attributes={"email": email})
    assert signed_up["userConfirmed"] is False
    assert signed_up["delivery"]["DeliveryMedium"] == "EMAIL"
    refused = sdk.refused("signIn", username=email, password=password)
    assert refused["code"] == "UserNotConfirmedException"
    code = lab.mailbox.latest_code(email, kind="confirmation")
    wrong = sdk.refused("confirmRegistration", username=email, code=wrong_code(code))
    assert wrong["code"] == "CodeMismatchException"
    assert sdk.ok("confirmRegistration", username=email, code=code)["answer"] == "SUCCESS"
    signed_in = sdk.ok("signIn", username=email, password=password)
    claims = check_tokens(lab, signed_in["tokens"], email)
    assert claims["sub"] == signed_up["userSub"]
    assert claims["email_verified"] is True


# amazon-cognito-identity-js's refreshSession() sends {"REFRESH_TOKEN": ..., "DEVICE_KEY": null}
# whenever the app's store names the last signed-in user but holds no device key (device
# tracking off: every app that signed in on this device), and AWS answers with tokens.
def test_refresh_session_gives_new_tokens_for_the_same_user(sdk, lab):
    user = fresh_user(lab, "refresh")
    first = sdk.ok("signIn", username=user.username, password=user.password)["tokens"]
    lab.clock.advance(seconds=5)            # new tokens get a later iat
    refreshed = sdk.ok("refresh", username=user.username)["tokens"]
    before = verified(lab, first["accessToken"], "access")
    after = verified(lab, refreshed["accessToken"], "access")
    assert after["sub"] == before["sub"] and after["iat"] > before["iat"]
    check_tokens(lab, refreshed, user.username)


def test_refresh_with_only_a_refresh_token(sdk, lab):
    # Another device (a store of its own, no last user): the SDK sends REFRESH_TOKEN only.
    user = fresh_user(lab, "refreshonly")
    first = sdk.ok("signIn", username=user.username, password=user.password)["tokens"]
    lab.clock.advance(seconds=5)
    refreshed = sdk.ok("refreshWith", username=user.username,
                       refreshToken=first["refreshToken"])["tokens"]
    before = verified(lab, first["accessToken"], "access")
    after = verified(lab, refreshed["accessToken"], "access")
    assert after["sub"] == before["sub"] and after["iat"] > before["iat"]
    check_tokens(lab, refreshed, user.username)
    assert refreshed["refreshToken"] == first["refreshToken"]   # no rotation: the same one


def test_change_password(sdk, lab):
    user = fresh_user(lab, "changepw")
    sdk.ok("signIn", username=user.username, password=user.password)
    changed = new_password()
    wrong = sdk.refused("changePassword", username=user.username,
                        oldPassword=new_password(), newPassword=changed)
    assert wrong["code"] == "NotAuthorizedException"
    weak = sdk.refused("changePassword", username=user.username,
                       oldPassword=user.password, newPassword="short")
    assert weak["code"] == "InvalidPasswordException"
    answer = sdk.ok("changePassword", username=user.username, oldPassword=user.password,
                    newPassword=changed)
    assert answer["answer"] == "SUCCESS"
    assert sdk.refused("signIn", username=user.username,
                       password=user.password)["code"] == "NotAuthorizedException"
    check_tokens(lab, sdk.ok("signIn", username=user.username, password=changed)["tokens"],
                 user.username)


def test_forgot_password_then_confirm_with_the_mailed_code(sdk, lab):
    user = fresh_user(lab, "forgot")
    started = sdk.ok("forgotPassword", username=user.username)
    assert started["delivery"]["DeliveryMedium"] == "EMAIL"
    code = lab.mailbox.latest_code(user.username, kind="password_reset")
    changed = new_password()
    wrong = sdk.refused("confirmPassword", username=user.username,
                        code=wrong_code(code), newPassword=changed)
    assert wrong["code"] == "CodeMismatchException"
    assert sdk.ok("confirmPassword", username=user.username, code=code,
                  newPassword=changed)["answer"] == "SUCCESS"
    assert sdk.refused("signIn", username=user.username,
                       password=user.password)["code"] == "NotAuthorizedException"
    check_tokens(lab, sdk.ok("signIn", username=user.username, password=changed)["tokens"],
                 user.username)


def test_totp_set_up_then_mfa_sign_in(sdk, lab):
    user = fresh_user(lab, "totp")
    sdk.ok("signIn", username=user.username, password=user.password)
    secret = sdk.ok("associateSoftwareToken", username=user.username)["secret"]
    wrong = sdk.refused("verifySoftwareToken", username=user.username,
                        code=wrong_code(totp_code(lab, secret)))
    assert wrong["code"] == "EnableSoftwareTokenMFAException"
    verified_token = sdk.ok("verifySoftwareToken", username=user.username,
                            code=totp_code(lab, secret))
    assert verified_token["answer"] == "SUCCESS"
    assert sdk.ok("preferTotp", username=user.username)["answer"] == "SUCCESS"
    settings = sdk.ok("getUser", username=user.username)
    assert settings["preferredMfa"] == "SOFTWARE_TOKEN_MFA"
    assert settings["mfa"] == ["SOFTWARE_TOKEN_MFA"]

    lab.clock.advance(seconds=30)            # a new code for the sign-in
    stopped = sdk.ok("signIn", username=user.username, password=user.password)
    assert stopped == {"challenge": "SOFTWARE_TOKEN_MFA"}
    refused = sdk.refused("sendMFACode", username=user.username,
                          code=wrong_code(totp_code(lab, secret)), mfaType="SOFTWARE_TOKEN_MFA")
    assert refused["code"] == "CodeMismatchException"
    stopped = sdk.ok("signIn", username=user.username, password=user.password)
    assert stopped == {"challenge": "SOFTWARE_TOKEN_MFA"}
    signed_in = sdk.ok("sendMFACode", username=user.username, code=totp_code(lab, secret),
                       mfaType="SOFTWARE_TOKEN_MFA")
    claims = check_tokens(lab, signed_in["tokens"], user.username)
    assert claims["token_use"] == "id"


def test_global_sign_out_refuses_the_old_tokens(sdk, lab):
    user = fresh_user(lab, "signout")
    tokens = sdk.ok("signIn", username=user.username, password=user.password)["tokens"]
    assert sdk.ok("getUser", username=user.username, tokens=tokens)["attributes"]["email"] \
        == user.username
    assert sdk.ok("globalSignOut", username=user.username)["answer"] == "SUCCESS"
    refused = sdk.refused("getUser", username=user.username, tokens=tokens)
    assert refused["code"] == "NotAuthorizedException"
    refresh = sdk.refused("refreshWith", username=user.username,
                          refreshToken=tokens["refreshToken"])
    assert refresh["code"] == "NotAuthorizedException"
    # signing in again works
    check_tokens(lab, sdk.ok("signIn", username=user.username, password=user.password)["tokens"],
                 user.username)
