"""Administrators' user operations, with the checks moto leaves out.

AWS, AdminCreateUser: the temporary password must meet the password policy (Cognito
generates one when none is given), attributes must fit the schema, the pre sign-up
trigger runs (PreSignUp_AdminCreateUser; its response flags are ignored), and unless
MessageAction is SUPPRESS the invitation with the temporary password goes out
(DesiredDeliveryMediums, SMS by default). AdminSetUserPassword checks the policy too.
AdminUpdateUserAttributes can't change immutable attributes. Every password that passes
through here leaves an SRP verifier behind (``passwords.py``), never the password.
"""

from __future__ import annotations

import secrets
import string

from ..errors import (
    CognitoError,
    InvalidParameterException,
    UnsupportedUserStateException,
    UsernameExistsException,
)
from ..operations import Call
from .attributes import as_dict, check_attributes, check_required, with_username_attribute
from .delivery import send_temporary_password
from .directory import User
from .federated_users import with_external_status
from .passwords import PasswordPolicy
from .token_operations import mfa_view, update_attributes
from .usernames import canonical_params


def temporary_password(policy: PasswordPolicy) -> str:
    """A random password that meets ``policy`` (as Cognito makes one up)."""
    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "^$*.!@#%&-_=+"]
    chosen = [secrets.choice(p) for p in pools]
    everything = "".join(pools)
    chosen += [secrets.choice(everything) for _ in range(max(policy.minimum_length, 12) - 4)]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)


def user_from(raw: dict) -> User:
    """The directory's User from a UserType (AdminCreateUser's answer)."""
    return User(username=raw["Username"],
                attributes={a["Name"]: a["Value"] for a in raw.get("Attributes", [])},
                enabled=bool(raw.get("Enabled", True)), status=raw.get("UserStatus", ""))


def user_type(raw: dict) -> dict:
    """AdminGetUser's answer reshaped as the UserType AdminCreateUser returns."""
    keep = ("Username", "UserCreateDate", "UserLastModifiedDate", "Enabled", "UserStatus",
            "MFAOptions")
    shaped = {k: raw[k] for k in keep if k in raw}
    shaped["Attributes"] = raw.get("UserAttributes", [])
    return shaped


def admin_create_user(call: Call) -> dict:
    emulator = call.emulator
    pool_id = call.param("UserPoolId")
    username = call.param("Username")
    if not isinstance(username, str) or not username:
        raise InvalidParameterException("Missing required parameter Username")
    pool = emulator.directory.pool(pool_id)
    policy = PasswordPolicy.of_pool(pool)
    given_password = call.param("TemporaryPassword")
    password = policy.check(given_password) if given_password else temporary_password(policy)
    action = call.param("MessageAction")
    mediums = call.param("DesiredDeliveryMediums") or ["SMS"]
    if action == "RESEND":
        return resend_invitation(call, pool, username, password, mediums)
    given = as_dict(call.param("UserAttributes"))
    check_attributes(pool, given, creating=True)
    check_required(pool, with_username_attribute(pool, username, given))
    if emulator.directory.stored_username(pool_id, username) is not None:
        raise UsernameExistsException("User account already exists")
    try:
        answer = call.forward({**call.params, "TemporaryPassword": password})
    except CognitoError as error:
        if isinstance(error, UsernameExistsException):
            raise UsernameExistsException("User account already exists") from None
        raise
    user = user_from(answer["User"])
    try:
        emulator.triggers.pre_sign_up(
            pool_id, "PreSignUp_AdminCreateUser", user.username, None,
            {k: v for k, v in user.attributes.items() if k != "sub"},
            as_dict(call.param("ValidationData")), call.param("ClientMetadata"), pool=pool)
    except CognitoError:
        emulator.moto.idp("AdminDeleteUser", UserPoolId=pool_id, Username=user.username)
        raise
    emulator.passwords.set(pool_id, user.username, password, temporary=True)
    if action != "SUPPRESS":
        send_temporary_password(emulator, pool, user, username, password, mediums)
    return answer


def resend_invitation(call: Call, pool: dict, username: str, password: str,
                      mediums: list[str]) -> dict:
    emulator = call.emulator
    pool_id = call.param("UserPoolId")
    user = emulator.directory.user(pool_id, username)
    if user.status != "FORCE_CHANGE_PASSWORD":
        raise UnsupportedUserStateException(
            f"Resend not possible. {username} status is not "
            "FORCE_CHANGE_PASSWORD")
    emulator.moto.idp("AdminSetUserPassword", UserPoolId=pool_id, Username=user.username,
                      Password=password, Permanent=False)
    emulator.passwords.set(pool_id, user.username, password, temporary=True)
    send_temporary_password(emulator, pool, user, username, password, mediums)
    raw = emulator.moto.idp("AdminGetUser", UserPoolId=pool_id, Username=user.username)
    return {"User": user_type(raw)}


def admin_set_user_password(call: Call) -> dict:
    pool_id = call.param("UserPoolId")
    emulator = call.emulator
    password = PasswordPolicy.of_pool(emulator.directory.pool(pool_id)).check(
        call.param("Password"))
    params = canonical_params(call)
    answer = call.forward(params)
    username = emulator.moto.idp("AdminGetUser", UserPoolId=pool_id,
                                 Username=params["Username"])["Username"]
    emulator.passwords.set(pool_id, username, password,
                           temporary=not call.param("Permanent", False))
    return answer


def admin_update_user_attributes(call: Call) -> dict:
    pool_id = call.param("UserPoolId")
    emulator = call.emulator
    changes = as_dict(call.param("UserAttributes"))
    check_attributes(emulator.directory.pool(pool_id), changes, creating=False)
    user = emulator.directory.user(pool_id, call.param("Username"))
    update_attributes(call, pool_id, user, changes)
    return {}


def admin_delete_user(call: Call) -> dict:
    pool_id = call.param("UserPoolId")
    emulator = call.emulator
    user = emulator.directory.user(pool_id, call.param("Username"))
    answer = call.forward({**call.params, "Username": user.username})
    emulator.sessions.sign_out(pool_id, user.username, emulator.clock.now())
    emulator.passwords.forget(pool_id, user.username)
    emulator.totp.forget(pool_id, user.username)
    return answer


def admin_get_user(call: Call) -> dict:
    answer = call.forward(canonical_params(call))
    user = call.emulator.directory.user(call.param("UserPoolId"), answer["Username"])
    for key in ("MFAOptions", "PreferredMfaSetting", "UserMFASettingList"):
        answer.pop(key, None)
    return with_external_status({**answer, **mfa_view(call, call.param("UserPoolId"), user)},
                                "UserAttributes")
