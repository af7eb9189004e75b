"""API operations a user calls with their own access token (GetUser, ChangePassword, ...).

AWS, "Authorizing user pools API operations with tokens": Cognito accepts an access token
only if it is the pool's, unexpired, not revoked (RevokeToken) or signed out
(GlobalSignOut), belongs to a user who still exists and is enabled, and carries the
``aws.cognito.signin.user.admin`` scope. moto looks tokens up in its own table and takes
expired ones. The lab checks the token itself (``tokens.read``) and then does the
directory work through moto's admin operations, so no moto token is needed.
"""

from __future__ import annotations

from ..errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UnsupportedOperationException,
)
from ..operations import Call
from .attributes import as_dict, check_attributes, check_writable, schema_of
from .auth import password_is_right
from .delivery import send_code
from .directory import User
from .passwords import PasswordPolicy
from .sessions import Session
from .tokens import ADMIN_SCOPE
from .user_existence import incorrect_username_or_password
from .usernames import canonical_params

VERIFIABLE = ("email", "phone_number")


def checked_session(call: Call) -> tuple[Session, User]:
    """The session and user behind the call's AccessToken, after every check Cognito makes."""
    emulator = call.emulator
    claims, session = emulator.tokens.read(call.param("AccessToken", ""), "access")
    if ADMIN_SCOPE not in str(claims.get("scope", "")).split():
        raise NotAuthorizedException("Access Token does not have required scopes")
    user = emulator.directory.find_user(session.pool_id, session.username)
    if user is None:
        raise NotAuthorizedException("User does not exist.")
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    return session, user


def mfa_view(call: Call, pool_id: str, user: User) -> dict:
    """PreferredMfaSetting / UserMFASettingList as the lab's TOTP registry knows them."""
    token = call.emulator.totp.token(pool_id, user.username)
    view: dict = {"MFAOptions": []}
    if token.secret is not None and token.enabled:
        view["UserMFASettingList"] = ["SOFTWARE_TOKEN_MFA"]
        if token.preferred:
            view["PreferredMfaSetting"] = "SOFTWARE_TOKEN_MFA"
    return view


def update_attributes(call: Call, pool_id: str, user: User, changes: dict[str, str]) -> list:
    """Write attributes; a changed email or phone number becomes unverified and gets a code
    (AWS, UpdateUserAttributes: "Amazon Cognito sends a verification message")."""
    emulator = call.emulator
    pool = emulator.directory.pool(pool_id)
    auto = pool.get("AutoVerifiedAttributes") or []
    to_verify = [name for name in VERIFIABLE
                 if name in changes and changes[name] != user.attributes.get(name)
                 and name in auto and f"{name}_verified" not in changes]
    writes = {**changes, **{f"{name}_verified": "false" for name in to_verify}}
    emulator.moto.idp("AdminUpdateUserAttributes", UserPoolId=pool_id, Username=user.username,
                      UserAttributes=[{"Name": k, "Value": v} for k, v in writes.items()])
    updated = emulator.directory.user(pool_id, user.username)
    details = []
    for name in to_verify:
        code = emulator.codes.issue(pool_id, user.username, "attribute_verification",
                                    attribute=name)
        details.append(send_code(emulator, pool, updated, name, code, "attribute_verification"))
    return details


def get_user(call: Call) -> dict:
    session, user = checked_session(call)
    client = call.emulator.directory.client(session.pool_id, session.client_id)
    readable = client.read_attributes
    attributes = [{"Name": k, "Value": v} for k, v in user.attributes.items()
                  if readable is None or k in readable or k == "sub"]
    return {"Username": user.username, "UserAttributes": attributes,
            **mfa_view(call, session.pool_id, user)}


def update_user_attributes(call: Call) -> dict:
    session, user = checked_session(call)
    changes = as_dict(call.param("UserAttributes"))
    client = call.emulator.directory.client(session.pool_id, session.client_id)
    pool = call.emulator.directory.pool(session.pool_id)
    check_writable(pool, client.write_attributes, changes)
    check_attributes(pool, changes, creating=False)
    details = update_attributes(call, session.pool_id, user, changes)
    return {"CodeDeliveryDetailsList": details} if details else {}


def delete_user_attributes(call: Call) -> dict:
    session, user = checked_session(call)
    names = call.param("UserAttributeNames") or []
    pool = call.emulator.directory.pool(session.pool_id)
    client = call.emulator.directory.client(session.pool_id, session.client_id)
    check_writable(pool, client.write_attributes, names)
    schema = schema_of(pool)
    for name in names:
        spec = schema.get(name)
        if spec is None:
            raise InvalidParameterException(f"user.{name}: Attribute does not exist in the schema.")
        if name == "sub" or not spec.get("Mutable", True) or spec.get("Required"):
            raise InvalidParameterException(f"user.{name}: Attribute cannot be deleted.")
    call.emulator.moto.idp("AdminDeleteUserAttributes", UserPoolId=session.pool_id,
                           Username=user.username, UserAttributeNames=list(names))
    return {}


def change_password(call: Call) -> dict:
    session, user = checked_session(call)
    emulator = call.emulator
    previous = call.param("PreviousPassword")
    if not isinstance(previous, str) or not password_is_right(
            emulator, session.pool_id, user, previous, session.client_id):
        raise incorrect_username_or_password()
    proposed = PasswordPolicy.of_pool(emulator.directory.pool(session.pool_id)).check(
        call.param("ProposedPassword"))
    emulator.moto.idp("AdminSetUserPassword", UserPoolId=session.pool_id,
                      Username=user.username, Password=proposed, Permanent=True)
    emulator.passwords.set(session.pool_id, user.username, proposed)
    return {}


def delete_user(call: Call) -> dict:
    session, user = checked_session(call)
    emulator = call.emulator
    emulator.moto.idp("AdminDeleteUser", UserPoolId=session.pool_id, Username=user.username)
    emulator.sessions.sign_out(session.pool_id, user.username, emulator.clock.now())
    emulator.passwords.forget(session.pool_id, user.username)
    emulator.totp.forget(session.pool_id, user.username)
    return {}


def get_user_attribute_verification_code(call: Call) -> dict:
    session, user = checked_session(call)
    name = call.param("AttributeName")
    if name not in VERIFIABLE:
        raise InvalidParameterException(
            f"{name} can't be verified: only email and phone_number are.")
    if not user.attributes.get(name):
        raise InvalidParameterException(f"The user has no {name} to verify.")
    emulator = call.emulator
    code = emulator.codes.issue(session.pool_id, user.username, "attribute_verification",
                                attribute=name)
    pool = emulator.directory.pool(session.pool_id)
    return {"CodeDeliveryDetails": send_code(emulator, pool, user, name, code,
                                             "attribute_verification")}


def verify_user_attribute(call: Call) -> dict:
    session, user = checked_session(call)
    name = call.param("AttributeName")
    if name not in VERIFIABLE:
        raise InvalidParameterException(
            f"{name} can't be verified: only email and phone_number are.")
    call.emulator.codes.check(session.pool_id, user.username, "attribute_verification",
                              call.param("Code"), attribute=name)
    call.emulator.moto.idp("AdminUpdateUserAttributes", UserPoolId=session.pool_id,
                           Username=user.username,
                           UserAttributes=[{"Name": f"{name}_verified", "Value": "true"}])
    return {}


def not_in_the_lab(call: Call) -> dict:
    session, _ = checked_session(call)
    pool = call.emulator.directory.pool(session.pool_id)
    if call.operation == "ListDevices" and not pool.get("DeviceConfiguration"):
        return {"Devices": []}      # true on AWS too: the pool doesn't remember devices
    raise UnsupportedOperationException(
        f"The lab does not implement {call.operation} (device tracking and "
        "SMS settings are outside the course).")


def global_sign_out(call: Call) -> dict:
    session, user = checked_session(call)
    emulator = call.emulator
    emulator.moto.idp("AdminUserGlobalSignOut", UserPoolId=session.pool_id,
                      Username=user.username)
    emulator.sessions.sign_out(session.pool_id, user.username, emulator.clock.now())
    return {}


def admin_global_sign_out(call: Call) -> dict:
    response = call.forward(canonical_params(call))
    user = call.emulator.directory.user(call.param("UserPoolId"), call.param("Username"))
    call.emulator.sessions.sign_out(call.param("UserPoolId"), user.username,
                                    call.emulator.clock.now())
    return response
