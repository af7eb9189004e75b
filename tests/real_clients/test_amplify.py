"""Amplify JS v6's Auth category (npm aws-amplify) against the lab.

Each test runs drive_amplify.mjs (protocol: steps.mjs) in a node process of its own (Amplify
keeps one signed-in user per process), configured with
``Auth.Cognito.userPoolEndpoint = lab.endpoint_url`` and an in-memory token store, for the
public "web" app client (SRP) or a public client that also allows USER_PASSWORD_AUTH.
Mailed codes come from ``lab.mailbox``, TOTP codes are computed here from the secret
Amplify was handed. Tokens are checked with the kit's verifier; refusals by the service's
exception name (Amplify's AuthError carries it as ``name``). Amplify hides some service
answers (signOut always clears the local tokens), so each step also reports the calls it
made and their HTTP status.

AWS pages: "User pool authentication flow", "Signing up and confirming user accounts",
"Forgot password", "TOTP software token MFA", "Refresh tokens", GlobalSignOut and
GetTokensFromRefreshToken in the Amazon Cognito API reference.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cognito_lab.lab import DemoUser, new_password

from .helpers import fresh_user, new_email, public_client, totp_code, verified, wrong_code

SCRIPT = "drive_amplify.mjs"


@pytest.fixture(scope="module")
def password_client(lab):
    """A public client that also allows USER_PASSWORD_AUTH (the "web" client is SRP only)."""
    return public_client(lab, "amplify-password", [
        "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])


@pytest.fixture
def amplify(node_project, lab):
    def start(client_id: str | None = None):
        return node_project.steps(SCRIPT, userPoolId=lab.user_pool_id,
                                  clientId=client_id or lab.app_clients["web"].client_id,
                                  endpoint=lab.endpoint_url)
    with start() as driver:
        driver.start_another = start
        yield driver


def operations(result: dict) -> list[str]:
    return [call["operation"] for call in result["calls"]]


def session_tokens(amplify, lab, user, client_id: str | None = None) -> dict:
    """fetchAuthSession's tokens, checked: the user's, for this client, accepted."""
    session = amplify.ok("session")
    tokens = session["tokens"]
    client = {"client_id": client_id} if client_id else {}
    access = verified(lab, tokens["accessToken"], "access", **client)
    claims = verified(lab, tokens["idToken"], "id", **client)
    assert claims["email"] == user.username and claims["sub"] == access["sub"]
    assert session["userSub"] == claims["sub"]
    return {**tokens, "claims": claims, "access": access}


def test_the_pinned_version_runs(amplify):
    pinned = json.loads((Path(__file__).parent / "package.json").read_text())
    assert amplify.started["version"] == pinned["dependencies"]["aws-amplify"]


def test_sign_in_uses_srp_by_default(amplify, lab):
    user = fresh_user(lab, "amp-srp")
    signed_in = amplify.ok("signIn", username=user.username, password=user.password)
    assert signed_in["isSignedIn"] is True and signed_in["nextStep"] == "DONE"
    first, second = signed_in["calls"][:2]
    assert (first["operation"], first["authFlow"], first["status"]) == (
        "InitiateAuth", "USER_SRP_AUTH", 200)
    assert (second["operation"], second["challenge"], second["status"]) == (
        "RespondToAuthChallenge", "PASSWORD_VERIFIER", 200)
    tokens = session_tokens(amplify, lab, user)
    current = amplify.ok("currentUser")
    assert current["userId"] == tokens["claims"]["sub"]
    assert current["loginId"] == user.username
    assert current["authFlowType"] == "USER_SRP_AUTH"


def test_wrong_password_is_refused_as_not_authorized(amplify, lab):
    user = fresh_user(lab, "amp-wrong")
    error = amplify.refused("signIn", username=user.username, password=new_password())
    assert error["name"] == "NotAuthorizedException"


def test_sign_in_with_user_password_auth(amplify, lab, password_client):
    user = fresh_user(lab, "amp-pw")
    with amplify.start_another(password_client) as other:
        signed_in = other.ok("signIn", username=user.username, password=user.password,
                             authFlowType="USER_PASSWORD_AUTH")
        assert signed_in["isSignedIn"] is True
        call = signed_in["calls"][0]
        assert (call["operation"], call["authFlow"], call["status"]) == (
            "InitiateAuth", "USER_PASSWORD_AUTH", 200)
        assert call["authParameters"] == ["PASSWORD", "USERNAME"]
        session_tokens(other, lab, user, client_id=password_client)
    # the SRP-only web client refuses that flow
    refused = amplify.refused("signIn", username=user.username, password=user.password,
                              authFlowType="USER_PASSWORD_AUTH")
    assert refused["name"] == "InvalidParameterException"


def test_fetch_and_update_user_attributes(amplify, lab):
    user = fresh_user(lab, "amp-attrs")
    amplify.ok("signIn", username=user.username, password=user.password)
    attributes = amplify.ok("fetchUserAttributes")["attributes"]
    assert attributes["email"] == user.username
    assert attributes["email_verified"] == "true"
    updated = amplify.ok("updateUserAttributes",
                         userAttributes={"name": "Ada Lovelace", "locale": "en-GB"})
    assert updated["updated"] == {"name": {"isUpdated": True, "step": "DONE"},
                                  "locale": {"isUpdated": True, "step": "DONE"}}
    again = amplify.ok("fetchUserAttributes")["attributes"]
    assert again["name"] == "Ada Lovelace" and again["locale"] == "en-GB"
    # the tenant is an administrator's to set: the web client may not write it
    refused = amplify.refused("updateUserAttributes",
                              userAttributes={"custom:tenant_id": "globex"})
    assert refused["name"] == "NotAuthorizedException"


def test_sign_up_then_confirm_with_the_mailed_code(amplify, lab):
    email, password = new_email("amp-signup"), new_password()
    signed_up = amplify.ok("signUp", username=email, password=password,
                           userAttributes={"email": email})
    assert signed_up["isSignUpComplete"] is False
    assert signed_up["nextStep"] == "CONFIRM_SIGN_UP"
    assert signed_up["delivery"]["deliveryMedium"] == "EMAIL"
    code = lab.mailbox.latest_code(email, kind="confirmation")
    wrong = amplify.refused("confirmSignUp", username=email, confirmationCode=wrong_code(code))
    assert wrong["name"] == "CodeMismatchException"
    confirmed = amplify.ok("confirmSignUp", username=email, confirmationCode=code)
    assert confirmed["isSignUpComplete"] is True
    assert amplify.ok("signIn", username=email, password=password)["isSignedIn"] is True
    tokens = session_tokens(amplify, lab, DemoUser(username=email, password=password))
    assert tokens["claims"]["sub"] == signed_up["userId"]


def test_reset_password_then_confirm_with_the_mailed_code(amplify, lab):
    user = fresh_user(lab, "amp-reset")
    started = amplify.ok("resetPassword", username=user.username)
    assert started["isPasswordReset"] is False
    assert started["nextStep"] == "CONFIRM_RESET_PASSWORD_WITH_CODE"
    assert started["delivery"]["deliveryMedium"] == "EMAIL"
    code = lab.mailbox.latest_code(user.username, kind="password_reset")
    changed = new_password()
    wrong = amplify.refused("confirmResetPassword", username=user.username,
                            confirmationCode=wrong_code(code), newPassword=changed)
    assert wrong["name"] == "CodeMismatchException"
    amplify.ok("confirmResetPassword", username=user.username, confirmationCode=code,
               newPassword=changed)
    assert amplify.refused("signIn", username=user.username,
                           password=user.password)["name"] == "NotAuthorizedException"
    assert amplify.ok("signIn", username=user.username, password=changed)["isSignedIn"]
    session_tokens(amplify, lab, user)


def test_update_password(amplify, lab):
    user = fresh_user(lab, "amp-change")
    amplify.ok("signIn", username=user.username, password=user.password)
    changed = new_password()
    wrong = amplify.refused("updatePassword", oldPassword=new_password(), newPassword=changed)
    assert wrong["name"] == "NotAuthorizedException"
    amplify.ok("updatePassword", oldPassword=user.password, newPassword=changed)
    amplify.ok("signOut")
    assert amplify.ok("signIn", username=user.username, password=changed)["isSignedIn"]


def test_totp_set_up_then_mfa_sign_in(amplify, lab):
    user = fresh_user(lab, "amp-totp")
    amplify.ok("signIn", username=user.username, password=user.password)
    set_up = amplify.ok("setUpTOTP")
    secret = set_up["sharedSecret"]
    assert set_up["setupUri"].startswith("otpauth://totp/cognito-lab:")
    assert f"secret={secret}" in set_up["setupUri"]
    wrong = amplify.refused("verifyTOTPSetup", code=wrong_code(totp_code(lab, secret)))
    assert wrong["name"] == "EnableSoftwareTokenMFAException"
    amplify.ok("verifyTOTPSetup", code=totp_code(lab, secret))
    amplify.ok("updateMFAPreference", totp="PREFERRED")
    preference = amplify.ok("fetchMFAPreference")
    assert (preference["enabled"], preference["preferred"]) == (["TOTP"], "TOTP")
    amplify.ok("signOut")

    lab.clock.advance(seconds=30)            # a new code for the sign-in
    stopped = amplify.ok("signIn", username=user.username, password=user.password)
    assert stopped["isSignedIn"] is False
    assert stopped["nextStep"] == "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    signed_in = amplify.ok("confirmSignIn", challengeResponse=totp_code(lab, secret))
    assert signed_in["isSignedIn"] is True and signed_in["nextStep"] == "DONE"
    call = signed_in["calls"][0]
    assert (call["operation"], call["challenge"], call["status"]) == (
        "RespondToAuthChallenge", "SOFTWARE_TOKEN_MFA", 200)
    session_tokens(amplify, lab, user)


def test_global_sign_out_refuses_the_old_tokens(amplify, lab):
    user = fresh_user(lab, "amp-signout")
    amplify.ok("signIn", username=user.username, password=user.password)
    tokens = session_tokens(amplify, lab, user)
    signed_out = amplify.ok("signOut", **{"global": True})
    assert [(c["operation"], c["status"]) for c in signed_out["calls"]] == [
        ("GlobalSignOut", 200)]
    assert amplify.ok("session")["tokens"] is None          # nothing kept locally
    idp = lab.client("cognito-idp")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=tokens["accessToken"])
    # and signing in again works
    assert amplify.ok("signIn", username=user.username, password=user.password)["isSignedIn"]
    session_tokens(amplify, lab, user)


def test_force_refresh_gives_new_tokens(amplify, lab):
    user = fresh_user(lab, "amp-refresh")
    amplify.ok("signIn", username=user.username, password=user.password)
    before = session_tokens(amplify, lab, user)
    lab.clock.advance(seconds=5)
    refreshed = amplify.ok("session", forceRefresh=True)
    assert [(c["operation"], c["status"]) for c in refreshed["calls"]] == [
        ("GetTokensFromRefreshToken", 200)]
    access = verified(lab, refreshed["tokens"]["accessToken"], "access")
    claims = verified(lab, refreshed["tokens"]["idToken"], "id")
    assert access["sub"] == before["access"]["sub"] == claims["sub"]
    assert access["iat"] > before["access"]["iat"]
