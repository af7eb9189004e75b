"""TOTP software-token MFA: real per-user secrets and RFC 6238 codes (pyotp is the user's
authenticator app)."""

from __future__ import annotations

import time

import pyotp

from cognito_lab.client import secret_hash

from .conftest import Accepted, Refused, Target, attempt, expect

MISMATCH = Refused("CodeMismatchException", "Invalid code or auth state for the user.")


def now(target: Target) -> float:
    return target.lab.clock.now() if target.is_lab else time.time()


def code(target: Target, secret: str, steps: int = 0) -> str:
    """What the user's authenticator shows (``steps`` windows of 30 s from now)."""
    try:
        return pyotp.TOTP(secret).at(now(target) + 30 * steps)
    except Exception:     # a secret pyotp refuses (too short, not base32): any code will do
        return "123456"


def enrol(target: Target, user) -> str:
    """Associate, verify and enable TOTP for ``user``; return the secret."""
    access = target.tokens(user)["AccessToken"]
    secret = target.idp.associate_software_token(AccessToken=access)["SecretCode"]
    target.idp.verify_software_token(AccessToken=access, UserCode=code(target, secret))
    target.idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={
        "Enabled": True, "PreferredMfa": True})
    return secret


def start_sign_in(target: Target, user) -> dict:
    return target.password_sign_in(user)


def answer(target: Target, user, session: str, mfa_code: str):
    server = target.app("server")
    return attempt(target.idp.respond_to_auth_challenge, ClientId=server.client_id,
                   ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
                   ChallengeResponses={"USERNAME": user.username,
                                       "SOFTWARE_TOKEN_MFA_CODE": mfa_code,
                                       "SECRET_HASH": secret_hash(user.username,
                                                                  server.client_id,
                                                                  server.client_secret)})


def test_each_user_gets_a_random_base32_secret(target):
    """AssociateSoftwareToken returns a new random secret per user.

    AWS: AssociateSoftwareToken ("a unique private key that Amazon Cognito generates")
    (/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html).
    """
    first = target.idp.associate_software_token(
        AccessToken=target.tokens(target.new_user())["AccessToken"])["SecretCode"]
    second = target.idp.associate_software_token(
        AccessToken=target.tokens(target.new_user())["AccessToken"])["SecretCode"]
    if target.is_lab:
        assert first != second and len(first) >= 32
        pyotp.TOTP(first).now()        # valid base32 for an authenticator app
    else:   # moto: one fixed secret for every user (its value changes between releases)
        assert first == second


def test_verify_software_token_checks_the_code(target):
    """VerifySoftwareToken with a wrong code fails; with the right RFC 6238 code it succeeds.

    AWS: "TOTP software token MFA", Verify the TOTP token (/cognito/latest/developerguide/
    user-pool-settings-mfa-totp.html) and VerifySoftwareToken.
    """
    access = target.tokens(target.new_user())["AccessToken"]
    secret = target.idp.associate_software_token(AccessToken=access)["SecretCode"]
    wrong = f"{(int(code(target, secret)) + 1) % 10**6:06d}"
    out = attempt(target.idp.verify_software_token, AccessToken=access, UserCode=wrong)
    expect(target, out,
           aws=Refused("EnableSoftwareTokenMFAException",
                       "Code mismatch and fail enable Software Token MFA"),
           moto=Accepted(lambda r: r["Status"] == "SUCCESS"))
    right = attempt(target.idp.verify_software_token, AccessToken=access,
                    UserCode=code(target, secret))
    expect(target, right, aws=Accepted(lambda r: r["Status"] == "SUCCESS"), moto=Accepted())


def test_sign_in_with_totp_checks_the_code(target):
    """With TOTP enabled, sign-in asks SOFTWARE_TOKEN_MFA; a wrong code is refused, the
    right one gets tokens.

    AWS: "TOTP software token MFA", Sign in with TOTP MFA (/cognito/latest/developerguide/
    user-pool-settings-mfa-totp.html).
    """
    user = target.new_user()
    secret = enrol(target, user)
    started = start_sign_in(target, user)
    assert started["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    right = code(target, secret, steps=1)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    expect(target, answer(target, user, started["Session"], wrong), aws=MISMATCH,
           moto=Accepted(lambda r: "AuthenticationResult" in r))
    if target.is_lab:
        done = answer(target, user, started["Session"], right)
        assert "AccessToken" in done.value["AuthenticationResult"]


def test_codes_one_step_away_are_accepted_two_are_not(fresh_target):
    """Cognito accepts a code one 30-second window early or late, not more.

    AWS: "TOTP software token MFA" ("Amazon Cognito also accepts TOTP tokens that are one
    30-second window early or late to account for clock skew") (/cognito/latest/
    developerguide/user-pool-settings-mfa-totp.html).
    """
    target = fresh_target
    if target.is_lab:      # start at the beginning of a 30 s step, so none ends mid-test
        target.lab.clock.advance(seconds=(31 - target.lab.clock.now() % 30) % 30)
    user = target.new_user()
    secret = enrol(target, user)
    too_old = answer(target, user, start_sign_in(target, user)["Session"],
                     code(target, secret, steps=-2))
    expect(target, too_old, aws=MISMATCH, moto=Accepted())
    if target.is_lab:
        late = answer(target, user, start_sign_in(target, user)["Session"],
                      code(target, secret, steps=-1))
        assert late.accepted, late


def test_a_code_already_used_to_sign_in_is_refused(target):
    """A TOTP code accepted at sign-in can't be used again (RFC 6238 §5.2; AWS's pages
    don't say — the lab follows the RFC).

    AWS: "TOTP software token MFA" (/cognito/latest/developerguide/
    user-pool-settings-mfa-totp.html); RFC 6238 §5.2.
    """
    user = target.new_user()
    secret = enrol(target, user)
    used = code(target, secret, steps=1)
    first = answer(target, user, start_sign_in(target, user)["Session"], used)
    assert first.accepted, first
    again = answer(target, user, start_sign_in(target, user)["Session"], used)
    expect(target, again, aws=MISMATCH, moto=Accepted())


def test_mfa_required_pool_asks_new_users_to_set_up_totp(fresh_target):
    """Pool MFA ON and a user without a token: MFA_SETUP; AssociateSoftwareToken and
    VerifySoftwareToken with the session, then RespondToAuthChallenge MFA_SETUP gets tokens.

    AWS: RespondToAuthChallenge / InitiateAuth ChallengeName MFA_SETUP
    (/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html).
    """
    target = fresh_target
    target.idp.set_user_pool_mfa_config(UserPoolId=target.pool_id, MfaConfiguration="ON",
                                        SoftwareTokenMfaConfiguration={"Enabled": True})
    user = target.new_user()
    started = attempt(start_sign_in, target, user)
    expect(target, started, aws=Accepted(lambda r: r["ChallengeName"] == "MFA_SETUP"),
           moto=Accepted(lambda r: "AuthenticationResult" in r))
    if not target.is_lab:
        return
    associated = target.idp.associate_software_token(Session=started.value["Session"])
    verified = target.idp.verify_software_token(Session=associated["Session"],
                                                UserCode=code(target, associated["SecretCode"]))
    server = target.app("server")
    done = target.idp.respond_to_auth_challenge(
        ClientId=server.client_id, ChallengeName="MFA_SETUP", Session=verified["Session"],
        ChallengeResponses={"USERNAME": user.username,
                            "SECRET_HASH": secret_hash(user.username, server.client_id,
                                                       server.client_secret)})
    assert "AccessToken" in done["AuthenticationResult"]
    assert start_sign_in(target, user)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_enabling_totp_needs_a_verified_token(target):
    """SetUserMFAPreference can't enable TOTP before VerifySoftwareToken succeeded.

    AWS: SetUserMFAPreference and "TOTP software token MFA" (/cognito/latest/developerguide/
    user-pool-settings-mfa-totp.html).
    """
    out = attempt(target.idp.set_user_mfa_preference,
                  AccessToken=target.tokens(target.new_user())["AccessToken"],
                  SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    expect(target, out,
           aws=Refused("InvalidParameterException", "User has not verified software token mfa"),
           moto=Refused("InvalidParameterException"))     # moto's wording is its own
