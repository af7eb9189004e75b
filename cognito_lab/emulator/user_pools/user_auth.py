"""Choice-based sign-in: AuthFlow USER_AUTH, its first factors, and the user's auth factors.

AWS, "Authentication flows" (choice-based sign-in), "Manage authentication methods in
AWS SDKs", "Passwordless sign-in", "Passkey sign-in", InitiateAuth and
RespondToAuthChallenge:

- the app client must allow ALLOW_USER_AUTH; the pool's
  Policies.SignInPolicy.AllowedFirstAuthFactors says which first factors exist;
- InitiateAuth(USER_AUTH) takes USERNAME and an optional PREFERRED_CHALLENGE. A preferred
  challenge the user can meet starts at once (PASSWORD with PASSWORD in AuthParameters,
  PASSWORD_SRP with SRP_A, EMAIL_OTP, SMS_OTP, WEB_AUTHN); otherwise Cognito answers
  SELECT_CHALLENGE with AvailableChallenges, and the app answers with ANSWER (and what
  that factor needs);
- the factors a user can meet: PASSWORD and PASSWORD_SRP if they have a password,
  EMAIL_OTP / SMS_OTP if their email / phone number is verified, WEB_AUTHN if they have a
  passkey — each only if the pool allows it. GetUserAuthFactors and
  AdminGetUserAuthFactors list them (ConfiguredUserAuthFactors).

The password factors go on exactly as USER_PASSWORD_AUTH and USER_SRP_AUTH do in
``auth`` (the real SRP handshake, then MFA if the user has it). A one-time password or a
passkey is a sign-in on its own: no MFA challenge follows (AWS: passwordless factors are
not followed by MFA). moto has no USER_AUTH at all.
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import TYPE_CHECKING

from ..errors import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from ..operations import Call
from . import auth, flows, otp, passkeys
from .directory import User
from .feature_plans import first_factors
from .secret_hash_check import check_secret_hash
from .token_operations import checked_session, mfa_view
from .user_existence import unknown_user_at_sign_in

if TYPE_CHECKING:
    from ...clock import Clock
    from .. import Emulator

FIRST_FACTOR_CHALLENGES = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")


class UserAuthState:
    """Per lab: what an open USER_AUTH session needs next, by its Session string."""

    def __init__(self, clock: Clock) -> None:
        self.codes = otp.OtpBook(clock)
        self._lock = threading.Lock()
        self._choices: dict[str, list[str]] = {}
        self._assertions: dict[str, bytes] = {}

    def offer(self, session: str, choices: list[str]) -> None:
        with self._lock:
            self._choices[session] = list(choices)

    def choices(self, session: str) -> list[str]:
        with self._lock:
            return list(self._choices.get(session, []))

    def expect_assertion(self, session: str, challenge: bytes) -> None:
        with self._lock:
            self._assertions[session] = challenge

    def take_assertion(self, session: str) -> bytes | None:
        with self._lock:
            return self._assertions.pop(session, None)


# -- which factors a user has ---------------------------------------------------------------
def configured_factors(emulator: Emulator, pool: dict, user: User) -> list[str]:
    """ConfiguredUserAuthFactors: the pool's first factors this user can meet."""
    allowed = first_factors(pool)
    factors = []
    if "PASSWORD" in allowed and emulator.passwords.get(pool["Id"], user.username) is not None:
        factors.append("PASSWORD")
    if "EMAIL_OTP" in allowed and user.attributes.get("email") \
            and user.attributes.get("email_verified") == "true":
        factors.append("EMAIL_OTP")
    if "SMS_OTP" in allowed and user.attributes.get("phone_number") \
            and user.attributes.get("phone_number_verified") == "true":
        factors.append("SMS_OTP")
    if "WEB_AUTHN" in allowed and emulator.passkeys.of_user(pool["Id"], user.username):
        factors.append("WEB_AUTHN")
    return factors


def available_challenges(emulator: Emulator, pool: dict, user: User) -> list[str]:
    """AvailableChallenges: PASSWORD counts twice, as PASSWORD and PASSWORD_SRP."""
    challenges = []
    for factor in configured_factors(emulator, pool, user):
        challenges += ["PASSWORD", "PASSWORD_SRP"] if factor == "PASSWORD" else [factor]
    return challenges


# -- InitiateAuth / AdminInitiateAuth -------------------------------------------------------
def initiate_auth(call: Call) -> dict:
    """USER_AUTH here; every other flow as ``auth.initiate_auth`` runs it."""
    if call.param("AuthFlow") != "USER_AUTH":
        return auth.initiate_auth(call)
    ctx = auth.begin(call)
    if not call.internal:
        flows.require_flow("USER_AUTH", ctx.client.auth_flows,
                           admin=call.operation == "AdminInitiateAuth")
    params = call.param("AuthParameters") or {}
    username = auth.required(params, "USERNAME")
    preferred = params.get("PREFERRED_CHALLENGE")
    if preferred is not None and preferred not in FIRST_FACTOR_CHALLENGES:
        raise flows.enum_error(preferred, "PREFERRED_CHALLENGE", FIRST_FACTOR_CHALLENGES)
    user = ctx.emulator.directory.find_user(ctx.pool_id, username)
    check_secret_hash(call, ctx.client, params.get("SECRET_HASH"),
                      auth.names_of(user, username))
    if user is None:
        raise unknown_user_at_sign_in(ctx.client)
    pool = ctx.pool()
    available = available_challenges(ctx.emulator, pool, user)
    if preferred in available:
        return start_factor(ctx, user, preferred, params)
    pending = ctx.emulator.challenges.open(
        pool_id=ctx.pool_id, client_id=ctx.client.client_id, username=user.username,
        challenge="SELECT_CHALLENGE", lifetime_seconds=ctx.client.auth_session_seconds,
        client_metadata=ctx.metadata)
    ctx.emulator.user_auth.offer(pending.session, available)
    return {"ChallengeName": "SELECT_CHALLENGE", "Session": pending.session,
            "ChallengeParameters": {}, "AvailableChallenges": available}


def start_factor(ctx: auth.SignIn, user: User, factor: str, params: dict) -> dict:
    """Begin one first factor; ``params`` are the AuthParameters or ChallengeResponses."""
    from . import webauthn_rp  # py_webauthn loads on first use, not at start-up
    if factor == "PASSWORD":
        return auth.password_sign_in(ctx, {**params, "USERNAME": params.get("USERNAME")
                                           or user.username})
    if factor == "PASSWORD_SRP":
        return auth.srp_sign_in(ctx, {**params, "USERNAME": params.get("USERNAME")
                                      or user.username})
    emulator = ctx.emulator
    emulator.triggers.pre_authentication(ctx.pool_id, user, ctx.client.client_id)
    pending = emulator.challenges.open(
        pool_id=ctx.pool_id, client_id=ctx.client.client_id, username=user.username,
        challenge=factor, lifetime_seconds=ctx.client.auth_session_seconds,
        client_metadata=ctx.metadata)
    if factor in otp.ATTRIBUTE_OF:
        code = emulator.user_auth.codes.issue(pending.session, pending.expires_at)
        parameters = otp.send(emulator, ctx.pool(), user, factor, code)
    else:                                               # WEB_AUTHN
        pool = ctx.pool()
        challenge = secrets.token_bytes(32)
        options = webauthn_rp.request_options(
            rp_id=passkeys.relying_party_id(emulator, pool), challenge=challenge,
            allow=[p.credential_id for p in emulator.passkeys.of_user(ctx.pool_id,
                                                                       user.username)],
            user_verification=passkeys.user_verification(emulator, ctx.pool_id))
        emulator.user_auth.expect_assertion(pending.session, challenge)
        parameters = {"CREDENTIAL_REQUEST_OPTIONS": json.dumps(options)}
    return {"ChallengeName": factor, "Session": pending.session,
            "ChallengeParameters": parameters}


# -- RespondToAuthChallenge / AdminRespondToAuthChallenge -----------------------------------
def respond_to_auth_challenge(call: Call) -> dict:
    """SELECT_CHALLENGE, EMAIL_OTP, SMS_OTP and WEB_AUTHN here; the others in ``auth``."""
    answer = ANSWERS.get(call.param("ChallengeName"))
    if answer is None:
        return auth.respond_to_auth_challenge(call)
    ctx = auth.begin(call)
    responses = call.param("ChallengeResponses") or {}
    if not isinstance(responses, dict):
        raise InvalidParameterException("ChallengeResponses must be a map of strings")
    return answer(ctx, responses)


def answer_select_challenge(ctx: auth.SignIn, responses: dict) -> dict:
    pending = auth.take(ctx, "SELECT_CHALLENGE", responses)
    user = auth.user_of(ctx, pending, responses)
    choice = responses.get("ANSWER")
    offered = ctx.emulator.user_auth.choices(pending.session)
    if choice not in offered:
        ctx.emulator.challenges.put_back(pending)
        raise InvalidParameterException(
            f"ANSWER must be one of the AvailableChallenges: {', '.join(offered)}")
    return start_factor(ctx, user, choice, responses)


def answer_one_time_password(ctx: auth.SignIn, responses: dict) -> dict:
    name = ctx.call.param("ChallengeName")
    session = ctx.call.param("Session")
    waiting = ctx.emulator.challenges.peek(session)
    if waiting is not None and waiting.challenge == name \
            and waiting.expires_at <= ctx.emulator.clock.now():
        raise otp.expired()
    pending = auth.take(ctx, name, responses)
    user = auth.user_of(ctx, pending, responses)
    try:
        ctx.emulator.user_auth.codes.check(pending.session, responses.get(otp.ANSWER_KEY[name]))
    except CodeMismatchException:
        ctx.emulator.challenges.put_back(pending)        # the user may type it again
        raise
    return after_passwordless(ctx, user)


def answer_web_authn(ctx: auth.SignIn, responses: dict) -> dict:
    from . import webauthn_rp  # py_webauthn loads on first use, not at start-up
    emulator = ctx.emulator
    pending = auth.take(ctx, "WEB_AUTHN", responses)
    user = auth.user_of(ctx, pending, responses)
    challenge = emulator.user_auth.take_assertion(pending.session)
    credential = responses.get("CREDENTIAL")
    if challenge is None or credential is None:
        raise InvalidParameterException("Missing required parameter CREDENTIAL")
    try:
        passkey = emulator.passkeys.find(ctx.pool_id, user.username,
                                         webauthn_rp.credential_id_of(credential))
        if passkey is None:
            raise webauthn_rp.Refused("credential", "not one of this user's passkeys")
        sign_count, _ = webauthn_rp.verify_assertion(
            credential, challenge=challenge, rp_id=passkey.rp_id,
            public_key=passkey.public_key, sign_count=passkey.sign_count,
            require_user_verification=passkeys.user_verification(
                emulator, ctx.pool_id) == "required")
    except webauthn_rp.Refused as refused:
        raise NotAuthorizedException(f"Passkey authentication failed: {refused}") from None
    emulator.passkeys.record_use(passkey, sign_count)
    return after_passwordless(ctx, user)


def after_passwordless(ctx: auth.SignIn, user: User) -> dict:
    """A one-time password or a passkey proved who it is: account state, then tokens."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredException("Password reset required for the user")
    return auth.issue_tokens(ctx, user)


ANSWERS = {
    "SELECT_CHALLENGE": answer_select_challenge,
    "EMAIL_OTP": answer_one_time_password,
    "SMS_OTP": answer_one_time_password,
    "WEB_AUTHN": answer_web_authn,
}


# -- GetUserAuthFactors / AdminGetUserAuthFactors -------------------------------------------
def _factors_answer(call: Call, pool_id: str, user: User) -> dict:
    pool = call.emulator.directory.pool(pool_id)
    view = {k: v for k, v in mfa_view(call, pool_id, user).items() if k != "MFAOptions"}
    return {"Username": user.username, **view,
            "ConfiguredUserAuthFactors": configured_factors(call.emulator, pool, user)}


def get_user_auth_factors(call: Call) -> dict:
    session, user = checked_session(call)
    return _factors_answer(call, session.pool_id, user)


def admin_get_user_auth_factors(call: Call) -> dict:
    pool_id = call.param("UserPoolId")
    user = call.emulator.directory.find_user(pool_id, call.param("Username"))
    if user is None:
        raise UserNotFoundException("User does not exist.")
    return _factors_answer(call, pool_id, user)
