"""Self sign-up and its confirmation: SignUp, ConfirmSignUp, ResendConfirmationCode,
AdminConfirmSignUp.

AWS, "Signing up and confirming user accounts": SignUp checks the password policy and the
schema, runs the pre sign-up trigger (which may auto-confirm the user and auto-verify
their email or phone), then — unless auto-confirmed — sends a 6-digit code to the
attribute the pool verifies automatically (phone first, then email), valid 24 hours.
ConfirmSignUp checks that code, confirms the user, marks the attribute verified and runs
the post confirmation trigger. Every call from a client with a secret needs SecretHash.
moto accepts any code, sends none and runs no trigger.
"""

from __future__ import annotations

import uuid

from ..errors import (
    CognitoError,
    InvalidParameterException,
    NotAuthorizedException,
    UsernameExistsException,
)
from ..operations import Call
from .attributes import (
    as_dict,
    check_attributes,
    check_required,
    check_writable,
    with_username_attribute,
)
from .auth import names_of, required
from .codes import code_mismatch
from .delivery import send_code, simulated_details
from .directory import ClientSettings, User
from .passwords import PasswordPolicy
from .secret_hash_check import check_secret_hash
from .user_existence import user_not_found
from .usernames import canonical_params


def client_of(call: Call) -> tuple[str, ClientSettings]:
    client_id = required(call.params, "ClientId")
    pool_id = call.emulator.pool_of_client(client_id)
    return pool_id, call.emulator.directory.client(pool_id, client_id)


def named_user(call: Call) -> tuple[str, ClientSettings, str, User | None]:
    """Pool, app client, the username as typed, and the user (None if unknown) of a public
    call that names a user — after the client's SECRET_HASH check, which comes first."""
    pool_id, client = client_of(call)
    username = required(call.params, "Username")
    user = call.emulator.directory.find_user(pool_id, username)
    check_secret_hash(call, client, call.param("SecretHash"), names_of(user, username))
    return pool_id, client, username, user


def confirmation_attribute(pool: dict, user: User) -> str | None:
    """Where a sign-up code goes: the auto-verified phone number, else the email."""
    auto = pool.get("AutoVerifiedAttributes") or []
    for name in ("phone_number", "email"):
        if name in auto and user.attributes.get(name):
            return name
    return None


def already_exists(pool: dict) -> CognitoError:
    if "email" in (pool.get("UsernameAttributes") or []):
        return UsernameExistsException(
            "An account with the given email already exists.")
    return UsernameExistsException("User already exists")


def create_unconfirmed_user(call: Call, pool_id: str, username: str, password: str,
                            attributes: dict[str, str]) -> None:
    """Have moto create an UNCONFIRMED user (only its SignUp can) in *this* lab's pool.

    moto's SignUp finds the pool by client id across every moto account, and two labs in
    one process have the same (stable, hashed) client ids; so the lab signs up through a
    single-use app client of a unique name, which only this lab's pool has.
    """
    moto = call.emulator.moto
    helper = moto.idp("CreateUserPoolClient", UserPoolId=pool_id,
                      ClientName=f"cognito-lab-signup-{uuid.uuid4()}")["UserPoolClient"]
    try:
        moto.idp("SignUp", ClientId=helper["ClientId"], Username=username, Password=password,
                 UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()])
    finally:
        moto.idp("DeleteUserPoolClient", UserPoolId=pool_id, ClientId=helper["ClientId"])


def sign_up(call: Call) -> dict:
    emulator = call.emulator
    pool_id, client = client_of(call)
    username = required(call.params, "Username")
    check_secret_hash(call, client, call.param("SecretHash"), [username])
    pool = emulator.directory.pool(pool_id)
    given = as_dict(call.param("UserAttributes"))
    check_writable(pool, client.write_attributes, given, signing_up=True)
    check_attributes(pool, given, creating=True)
    check_required(pool, with_username_attribute(pool, username, given))
    password = PasswordPolicy.of_pool(pool).check(call.param("Password"))
    if emulator.directory.find_user(pool_id, username) is not None:
        raise already_exists(pool)
    create_unconfirmed_user(call, pool_id, username, password, given)
    user = emulator.directory.user(pool_id, username)
    emulator.passwords.set(pool_id, user.username, password)
    try:
        decision = emulator.triggers.pre_sign_up(
            pool_id, "PreSignUp_SignUp", user.username, client.client_id,
            {k: v for k, v in user.attributes.items() if k != "sub"},
            as_dict(call.param("ValidationData")), call.param("ClientMetadata"))
    except CognitoError:
        emulator.moto.idp("AdminDeleteUser", UserPoolId=pool_id, Username=user.username)
        emulator.passwords.forget(pool_id, user.username)
        raise
    flags = (("email", "autoVerifyEmail"), ("phone_number", "autoVerifyPhone"))
    verified = {f"{name}_verified": "true" for name, flag in flags
                if decision.get(flag) and user.attributes.get(name)}
    if verified:
        emulator.moto.idp("AdminUpdateUserAttributes", UserPoolId=pool_id,
                          Username=user.username,
                          UserAttributes=[{"Name": k, "Value": v} for k, v in verified.items()])
    answer: dict = {"UserConfirmed": bool(decision.get("autoConfirmUser")), "UserSub": user.sub}
    if answer["UserConfirmed"]:
        emulator.moto.idp("AdminConfirmSignUp", UserPoolId=pool_id, Username=user.username)
        user = emulator.directory.user(pool_id, user.username)
        emulator.triggers.post_confirmation(pool_id, "PostConfirmation_ConfirmSignUp", user,
                                            client.client_id, call.param("ClientMetadata"))
        return answer
    attribute = confirmation_attribute(pool, user)
    if attribute:
        code = emulator.codes.issue(pool_id, user.username, "confirmation", attribute=attribute)
        answer["CodeDeliveryDetails"] = send_code(emulator, pool, user, attribute, code,
                                                  "confirmation")
    return answer


def confirm_sign_up(call: Call) -> dict:
    emulator = call.emulator
    pool_id, client, _, user = named_user(call)
    if user is None:
        raise code_mismatch() if client.prevent_user_existence_errors else user_not_found()
    if user.status != "UNCONFIRMED":
        raise NotAuthorizedException(f"User cannot be confirmed. Current status is {user.status}")
    issued = emulator.codes.check(pool_id, user.username, "confirmation",
                                  call.param("ConfirmationCode"))
    emulator.moto.idp("AdminConfirmSignUp", UserPoolId=pool_id, Username=user.username)
    emulator.moto.idp("AdminUpdateUserAttributes", UserPoolId=pool_id, Username=user.username,
                      UserAttributes=[{"Name": f"{issued.attribute}_verified", "Value": "true"}])
    user = emulator.directory.user(pool_id, user.username)
    emulator.triggers.post_confirmation(pool_id, "PostConfirmation_ConfirmSignUp", user,
                                        client.client_id, call.param("ClientMetadata"))
    return {}


def resend_confirmation_code(call: Call) -> dict:
    emulator = call.emulator
    pool_id, client, username, user = named_user(call)
    pool = emulator.directory.pool(pool_id)
    if user is None or not user.enabled:
        if client.prevent_user_existence_errors:
            return {"CodeDeliveryDetails": simulated_details(pool, username)}
        if user is None:
            raise user_not_found()
        raise NotAuthorizedException("User is disabled.")
    if user.status == "CONFIRMED":
        raise InvalidParameterException("User is already confirmed.")
    attribute = confirmation_attribute(pool, user)
    if attribute is None:
        raise InvalidParameterException("Cannot resend codes. Auto verification not turned on.")
    code = emulator.codes.issue(pool_id, user.username, "confirmation", attribute=attribute)
    return {"CodeDeliveryDetails": send_code(emulator, pool, user, attribute, code,
                                             "confirmation")}


def admin_confirm_sign_up(call: Call) -> dict:
    answer = call.forward(canonical_params(call))
    pool_id = call.param("UserPoolId")
    user = call.emulator.directory.user(pool_id, call.param("Username"))
    call.emulator.codes.discard(pool_id, user.username, "confirmation")
    call.emulator.triggers.post_confirmation(pool_id, "PostConfirmation_ConfirmSignUp", user,
                                             None, call.param("ClientMetadata"))
    return answer
