"""Sign-in through the user pools API: InitiateAuth, AdminInitiateAuth and their challenges.

The emulator runs Cognito's sign-in state machine itself, with moto only as the
directory (who the user is, their status, attributes and groups):

    first factor      USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH: the password, checked
                      against the user's SRP verifier; USER_SRP_AUTH: PASSWORD_VERIFIER
    account state     disabled, unconfirmed, reset required, temporary password expired
    challenges        NEW_PASSWORD_REQUIRED (temporary password), then MFA_SETUP or
                      SOFTWARE_TOKEN_MFA as the pool's MFA setting and the user's token decide
    tokens            minted by the token service (PreTokenGeneration runs there)

with the app client's rules on the way in: ExplicitAuthFlows, SECRET_HASH and
PreventUserExistenceErrors. REFRESH_TOKEN_AUTH is answered from the lab's own sessions.
AWS pages: "Authentication flows", InitiateAuth, RespondToAuthChallenge, "Managing user
existence error responses", "TOTP software token MFA".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import (
    CodeMismatchException,
    CognitoError,
    InvalidParameterException,
    InvalidUserPoolConfigurationException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    ResourceNotFoundException,
    UnsupportedOperationException,
    UserNotConfirmedException,
)
from ..operations import Call
from . import flows
from .attributes import check_attributes, check_required, missing_required
from .challenges import PendingSignIn
from .directory import ClientSettings, User
from .passwords import PasswordPolicy
from .secret_hash_check import check_secret_hash
from .srp import ServerHandshake
from .tokens import ADMIN_SCOPE
from .user_existence import incorrect_username_or_password, unknown_user_at_sign_in

if TYPE_CHECKING:
    from .. import Emulator

REFRESH_FLOWS = {"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"}
PASSWORD_FLOWS = {"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}


@dataclass
class SignIn:
    """One InitiateAuth / RespondToAuthChallenge call: where, through which client."""

    call: Call
    pool_id: str
    client: ClientSettings
    metadata: dict = field(default_factory=dict)

    @property
    def emulator(self) -> Emulator:
        return self.call.emulator

    def pool(self) -> dict:
        return self.emulator.directory.pool(self.pool_id)


def begin(call: Call) -> SignIn:
    """Resolve the pool and app client (an admin call must name a client of its pool)."""
    client_id = call.param("ClientId")
    if not isinstance(client_id, str) or not client_id:
        raise InvalidParameterException("Missing required parameter ClientId")
    pool_id = call.param("UserPoolId") or call.emulator.pool_of_client(client_id)
    try:
        client = call.emulator.directory.client(pool_id, client_id)
    except CognitoError as error:
        if isinstance(error, ResourceNotFoundException) and not error.message.startswith(
                "User pool "):      # moto names only the client id: say what is missing
            raise ResourceNotFoundException(
                f"User pool client {client_id} does not exist.") from None
        raise
    return SignIn(call, pool_id, client, dict(call.param("ClientMetadata") or {}))


def required(params: dict, name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidParameterException(f"Missing required parameter {name}")
    return value


def names_of(user: User | None, *typed: object) -> list[str]:
    """Every name a SECRET_HASH may be computed over for this user."""
    names = [t for t in typed if isinstance(t, str)]
    if user is not None:
        names += [user.username, user.attributes.get("email", ""),
                  user.attributes.get("phone_number", "")]
    return names


def password_is_right(emulator: Emulator, pool_id: str, user: User, password: str,
                      client_id: str) -> bool:
    """Check a password against the user's verifier.

    A user whose password was set before the lab could see it (straight into moto) is
    checked by moto once; on success the lab keeps a verifier from then on.
    """
    known = emulator.passwords.verify(pool_id, user.username, password)
    if known is not None:
        return known
    try:
        emulator.moto.idp("AdminInitiateAuth", UserPoolId=pool_id, ClientId=client_id,
                          AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": user.username, "PASSWORD": password})
    except CognitoError:
        return False
    emulator.passwords.set(pool_id, user.username, password,
                           temporary=user.status == "FORCE_CHANGE_PASSWORD")
    return True


# -- InitiateAuth ---------------------------------------------------------------------------
def initiate_auth(call: Call) -> dict:
    ctx = begin(call)
    flow = call.param("AuthFlow")
    admin = call.operation == "AdminInitiateAuth"
    if call.internal:   # the managed login pages: ExplicitAuthFlows govern the API only
        if flow not in flows.AUTH_FLOWS:
            raise flows.enum_error(flow, "authFlow", flows.AUTH_FLOWS)
    else:
        flows.require_flow(flow, ctx.client.auth_flows, admin=admin)
    params = call.param("AuthParameters") or {}
    if not isinstance(params, dict):
        raise InvalidParameterException("AuthParameters must be a map of strings")
    if flow in REFRESH_FLOWS:
        return refresh(ctx, params)
    if flow in PASSWORD_FLOWS:
        return password_sign_in(ctx, params)
    if flow == "USER_SRP_AUTH":
        return srp_sign_in(ctx, params)
    if flow == "CUSTOM_AUTH":
        if not (ctx.pool().get("LambdaConfig") or {}).get("DefineAuthChallenge"):
            raise InvalidParameterException("Custom auth lambda trigger is not configured for the "
                                            "user pool.")
    raise UnsupportedOperationException(
        f"The lab does not implement the {flow} flow; it runs USER_SRP_AUTH, "
        "USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH.")


def password_sign_in(ctx: SignIn, params: dict) -> dict:
    """USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH: the password travels in the call."""
    username = required(params, "USERNAME")
    password = required(params, "PASSWORD")
    user = ctx.emulator.directory.find_user(ctx.pool_id, username)
    check_secret_hash(ctx.call, ctx.client, params.get("SECRET_HASH"), names_of(user, username))
    if user is None:
        raise unknown_user_at_sign_in(ctx.client)
    ctx.emulator.triggers.pre_authentication(ctx.pool_id, user, ctx.client.client_id)
    if not password_is_right(ctx.emulator, ctx.pool_id, user, password, ctx.client.client_id):
        raise incorrect_username_or_password()
    return after_first_factor(ctx, user)


def srp_sign_in(ctx: SignIn, params: dict) -> dict:
    """USER_SRP_AUTH, step 1: the client's A; answer with B, the salt and a secret block."""
    username = required(params, "USERNAME")
    srp_a = required(params, "SRP_A")
    try:
        int(srp_a, 16)
    except ValueError:
        raise InvalidParameterException("SRP_A must be a hexadecimal number") from None
    user = ctx.emulator.directory.find_user(ctx.pool_id, username)
    check_secret_hash(ctx.call, ctx.client, params.get("SECRET_HASH"), names_of(user, username))
    if user is None:
        if not ctx.client.prevent_user_existence_errors:
            raise unknown_user_at_sign_in(ctx.client)
        return simulated_srp_challenge(ctx, username, srp_a)
    ctx.emulator.triggers.pre_authentication(ctx.pool_id, user, ctx.client.client_id)
    credential = ctx.emulator.passwords.get(ctx.pool_id, user.username)
    if credential is None:
        raise NotAuthorizedException(
            "This user's password was set before the lab could compute an SRP verifier for "
            "it, so USER_SRP_AUTH can't work for them yet. Set the password again (for "
            "example AdminSetUserPassword) or sign in once with a password flow.")
    handshake = start_handshake(ctx, user.username, credential.salt_hex, credential.verifier,
                                srp_a)
    pending = ctx.emulator.challenges.open(
        pool_id=ctx.pool_id, client_id=ctx.client.client_id, username=user.username,
        challenge="PASSWORD_VERIFIER", lifetime_seconds=ctx.client.auth_session_seconds,
        client_metadata=ctx.metadata, handshake=handshake)
    return {"ChallengeName": "PASSWORD_VERIFIER", "Session": pending.session,
            "ChallengeParameters": handshake.challenge_parameters(user.username)}


def start_handshake(ctx: SignIn, user_id: str, salt_hex: str, verifier: int,
                    srp_a: str) -> ServerHandshake:
    try:
        return ServerHandshake.start(ctx.pool_id, user_id, salt_hex, verifier, srp_a)
    except ValueError as exc:
        raise InvalidParameterException(f"SRP_A is not valid: {exc}") from None


def simulated_srp_challenge(ctx: SignIn, username: str, srp_a: str) -> dict:
    """An unknown user with PreventUserExistenceErrors: a challenge that can never be met,
    with the same salt and user id every time for the same name (RFC 5054 §2.5.1.3)."""
    seed = hmac.new(ctx.emulator.account_id.encode(), f"{ctx.pool_id}/{username}".encode(),
                    hashlib.sha256).hexdigest()
    fake_id = str(uuid.UUID(seed[:32]))
    handshake = start_handshake(ctx, fake_id, "00" + seed[32:64], int(seed, 16), srp_a)
    pending = ctx.emulator.challenges.open(
        pool_id=ctx.pool_id, client_id=ctx.client.client_id, username=None,
        challenge="PASSWORD_VERIFIER", lifetime_seconds=ctx.client.auth_session_seconds,
        handshake=handshake)
    return {"ChallengeName": "PASSWORD_VERIFIER", "Session": pending.session,
            "ChallengeParameters": handshake.challenge_parameters(fake_id)}


def refresh(ctx: SignIn, params: dict) -> dict:
    """REFRESH_TOKEN_AUTH: new access and ID tokens for a live, unrevoked session."""
    emulator = ctx.emulator
    if ctx.client.refresh_token_rotation:   # AWS "Refresh tokens": not with rotation on
        raise InvalidParameterException(
            "REFRESH_TOKEN_AUTH can't be used with an app client that has refresh token "
            "rotation enabled; refresh with GetTokensFromRefreshToken.")
    token = required(params, "REFRESH_TOKEN")
    session = emulator.sessions.by_refresh_token(token)
    if session is None or session.client_id != ctx.client.client_id \
            or session.pool_id != ctx.pool_id:
        raise NotAuthorizedException("Invalid Refresh Token")
    user = emulator.directory.find_user(ctx.pool_id, session.username)
    check_secret_hash(ctx.call, ctx.client, params.get("SECRET_HASH"),
                      names_of(user, params.get("USERNAME"), session.username))
    if session.revoked:
        raise NotAuthorizedException("Refresh Token has been revoked")
    if session.refresh_expires_at is not None and \
            session.refresh_expires_at <= emulator.clock.now():
        raise NotAuthorizedException("Refresh Token has expired")
    if user is None:
        raise NotAuthorizedException("User does not exist.")
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    tokens = emulator.tokens.refresh(session, ctx.client, user, client_metadata=ctx.metadata)
    return {"AuthenticationResult": tokens.authentication_result(), "ChallengeParameters": {}}


# -- after the first factor -----------------------------------------------------------------
def after_first_factor(ctx: SignIn, user: User, *, new_password_set: bool = False) -> dict:
    """The password (or SRP proof) is right: account state, then challenges, then tokens."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == "UNCONFIRMED":
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == "RESET_REQUIRED":
        raise PasswordResetRequiredException(
            "Password reset required for the user")
    if user.status == "FORCE_CHANGE_PASSWORD":
        check_temporary_password_age(ctx, user)
        pool = ctx.pool()
        missing = [f"userAttributes.{name}" for name in missing_required(pool, user.attributes)]
        shown = {k: v for k, v in user.attributes.items() if k != "sub"}
        return open_challenge(ctx, user, "NEW_PASSWORD_REQUIRED", {
            "USER_ID_FOR_SRP": user.username, "requiredAttributes": json.dumps(missing),
            "userAttributes": json.dumps(shown)})
    mfa = mfa_challenge_for(ctx, user)
    if mfa == "SOFTWARE_TOKEN_MFA":
        return open_challenge(ctx, user, mfa, {}, new_password_set=new_password_set)
    if mfa == "MFA_SETUP":
        return open_challenge(ctx, user, mfa, {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]'},
                              new_password_set=new_password_set)
    return issue_tokens(ctx, user, new_password_set=new_password_set)


def check_temporary_password_age(ctx: SignIn, user: User) -> None:
    credential = ctx.emulator.passwords.get(ctx.pool_id, user.username)
    if credential is None or not credential.temporary:
        return
    days = PasswordPolicy.of_pool(ctx.pool()).temporary_password_validity_days
    if credential.set_at + days * 86400 <= ctx.emulator.clock.now():
        raise NotAuthorizedException("Temporary password has expired and must be reset by an "
                                     "administrator.")


def mfa_challenge_for(ctx: SignIn, user: User) -> str | None:
    """SOFTWARE_TOKEN_MFA, MFA_SETUP or None, from the pool's MFA setting and the user."""
    setting, totp_in_pool = ctx.emulator.directory.mfa_configuration(ctx.pool_id)
    token = ctx.emulator.totp.token(ctx.pool_id, user.username)
    if setting == "ON":
        if token.secret is not None:
            return "SOFTWARE_TOKEN_MFA"
        if not totp_in_pool:
            raise InvalidUserPoolConfigurationException(
                "The lab can only set up TOTP (SOFTWARE_TOKEN_MFA); enable it "
                "with SetUserPoolMfaConfig.")
        return "MFA_SETUP"
    if setting == "OPTIONAL" and token.secret is not None and token.enabled:
        return "SOFTWARE_TOKEN_MFA"
    return None


def open_challenge(ctx: SignIn, user: User, name: str, parameters: dict, *,
                   new_password_set: bool = False) -> dict:
    pending = ctx.emulator.challenges.open(
        pool_id=ctx.pool_id, client_id=ctx.client.client_id, username=user.username,
        challenge=name, lifetime_seconds=ctx.client.auth_session_seconds,
        client_metadata=ctx.metadata, new_password_set=new_password_set)
    return {"ChallengeName": name, "Session": pending.session,
            "ChallengeParameters": parameters}


def issue_tokens(ctx: SignIn, user: User, *, new_password_set: bool = False) -> dict:
    """PostAuthentication, then the tokens. For the managed login pages (in-process calls)
    these API tokens only say who signed in: the tokens the app gets are minted at
    /oauth2/token, where PreTokenGeneration runs (TokenGeneration_HostedAuth)."""
    ctx.emulator.triggers.post_authentication(ctx.pool_id, user, ctx.client.client_id,
                                              ctx.metadata)
    source = ("TokenGeneration_NewPasswordChallenge" if new_password_set
              else "TokenGeneration_Authentication")
    tokens = ctx.emulator.tokens.start_session(
        pool_id=ctx.pool_id, client=ctx.client, user=user, scopes=[ADMIN_SCOPE],
        trigger_source=source, client_metadata=ctx.metadata,
        pre_token_generation=not ctx.call.internal)
    return {"ChallengeParameters": {}, "AuthenticationResult": tokens.authentication_result()}


# -- RespondToAuthChallenge -----------------------------------------------------------------
def respond_to_auth_challenge(call: Call) -> dict:
    ctx = begin(call)
    name = call.param("ChallengeName")
    responses = call.param("ChallengeResponses") or {}
    if not isinstance(responses, dict):
        raise InvalidParameterException("ChallengeResponses must be a map of strings")
    answer = ANSWERS.get(name)
    if answer is None:
        raise InvalidParameterException(f"The lab does not run the {name} challenge; it runs "
                                        f"{', '.join(ANSWERS)}.")
    return answer(ctx, responses)


def take(ctx: SignIn, challenge: str, responses: dict, **extra: object) -> PendingSignIn:
    pending = ctx.emulator.challenges.take(ctx.call.param("Session"),
                                           client_id=ctx.client.client_id,
                                           challenge=challenge, **extra)
    if pending.pool_id != ctx.pool_id:
        raise NotAuthorizedException("Invalid session for the user.")
    return pending


def user_of(ctx: SignIn, pending: PendingSignIn, responses: dict) -> User:
    """The user an answer is about (who must be the one the session was opened for)."""
    user = ctx.emulator.directory.find_user(ctx.pool_id, pending.username)
    check_secret_hash(ctx.call, ctx.client, responses.get("SECRET_HASH"),
                      names_of(user, responses.get("USERNAME")))
    if user is None:
        raise incorrect_username_or_password()
    named = responses.get("USERNAME")
    if named and named not in names_of(user):
        raise NotAuthorizedException("Invalid session for the user.")
    ctx.metadata = ctx.metadata or pending.client_metadata
    return user


def answer_password_verifier(ctx: SignIn, responses: dict) -> dict:
    """USER_SRP_AUTH, step 2: the client's proof that it knows the password."""
    block = responses.get("PASSWORD_CLAIM_SECRET_BLOCK")
    pending = take(ctx, "PASSWORD_VERIFIER", responses, secret_block=block)
    handshake = pending.handshake
    assert handshake is not None
    if pending.username is None:            # the simulated challenge of an unknown user
        check_secret_hash(ctx.call, ctx.client, responses.get("SECRET_HASH"),
                          [responses.get("USERNAME")])
        raise incorrect_username_or_password()
    user = user_of(ctx, pending, responses)
    signature = responses.get("PASSWORD_CLAIM_SIGNATURE")
    timestamp = responses.get("TIMESTAMP")
    if not isinstance(signature, str) or not isinstance(timestamp, str):
        raise InvalidParameterException("Missing required parameter PASSWORD_CLAIM_SIGNATURE or "
                                        "TIMESTAMP")
    if block != base64.b64encode(handshake.secret_block).decode("ascii") \
            or not handshake.signature_is_valid(signature, timestamp):
        raise incorrect_username_or_password()
    return after_first_factor(ctx, user)


def answer_new_password(ctx: SignIn, responses: dict) -> dict:
    """NEW_PASSWORD_REQUIRED: the user replaces the temporary password (and fills in any
    required attributes, as ``userAttributes.<name>``)."""
    pending = take(ctx, "NEW_PASSWORD_REQUIRED", responses)
    user = user_of(ctx, pending, responses)
    pool = ctx.pool()
    try:
        new_password = PasswordPolicy.of_pool(pool).check(
            required(responses, "NEW_PASSWORD"))
        updates = {k.removeprefix("userAttributes."): str(v) for k, v in responses.items()
                   if k.startswith("userAttributes.")}
        check_attributes(pool, {k: v for k, v in updates.items()
                                if k not in user.attributes}, creating=True)
        check_attributes(pool, {k: v for k, v in updates.items() if k in user.attributes},
                         creating=False)
        check_required(pool, {**user.attributes, **updates})
    except CognitoError:
        ctx.emulator.challenges.put_back(pending)      # the user may try another password
        raise
    moto = ctx.emulator.moto
    if updates:
        moto.idp("AdminUpdateUserAttributes", UserPoolId=ctx.pool_id, Username=user.username,
                 UserAttributes=[{"Name": k, "Value": v} for k, v in updates.items()])
    moto.idp("AdminSetUserPassword", UserPoolId=ctx.pool_id, Username=user.username,
             Password=new_password, Permanent=True)
    ctx.emulator.passwords.set(ctx.pool_id, user.username, new_password)
    user = ctx.emulator.directory.user(ctx.pool_id, user.username)
    return after_first_factor(ctx, user, new_password_set=True)


def answer_software_token_mfa(ctx: SignIn, responses: dict) -> dict:
    """SOFTWARE_TOKEN_MFA: a code from the user's authenticator app."""
    pending = take(ctx, "SOFTWARE_TOKEN_MFA", responses)
    user = user_of(ctx, pending, responses)
    code = responses.get("SOFTWARE_TOKEN_MFA_CODE")
    if not ctx.emulator.totp.check(ctx.pool_id, user.username, code):
        ctx.emulator.challenges.put_back(pending)
        raise CodeMismatchException("Invalid code or auth state for the user.")
    return issue_tokens(ctx, user, new_password_set=pending.new_password_set)


def answer_mfa_setup(ctx: SignIn, responses: dict) -> dict:
    """MFA_SETUP: the session VerifySoftwareToken returned proves the new token works."""
    pending = take(ctx, "MFA_SETUP", responses)
    if not pending.totp_verified:
        ctx.emulator.challenges.put_back(pending)
        raise NotAuthorizedException("Invalid session for the user. Set up the software token with "
                                     "AssociateSoftwareToken and VerifySoftwareToken first.")
    user = user_of(ctx, pending, responses)
    ctx.emulator.totp.set_preference(ctx.pool_id, user.username, enabled=True, preferred=True)
    return issue_tokens(ctx, user, new_password_set=pending.new_password_set)


ANSWERS = {
    "PASSWORD_VERIFIER": answer_password_verifier,
    "NEW_PASSWORD_REQUIRED": answer_new_password,
    "SOFTWARE_TOKEN_MFA": answer_software_token_mfa,
    "MFA_SETUP": answer_mfa_setup,
}

