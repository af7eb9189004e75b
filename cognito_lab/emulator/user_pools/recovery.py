"""Forgotten passwords: ForgotPassword, ConfirmForgotPassword, AdminResetUserPassword.

AWS, "Recovering user accounts" and the API reference: ForgotPassword sends a reset code
(valid one hour) to the user's verified email or phone, in the order of the pool's
AccountRecoverySetting ("admin_only" refuses); with no verified contact it is
InvalidParameterException. ConfirmForgotPassword checks the code and the password policy,
sets the new password and runs the post confirmation trigger
(PostConfirmation_ConfirmForgotPassword). With PreventUserExistenceErrors ENABLED an
unknown or disabled user gets a simulated CodeDeliveryDetails, and ConfirmForgotPassword
answers CodeMismatchException. moto returns its code in a response header and accepts any.
"""

from __future__ import annotations

from ..errors import InvalidParameterException, NotAuthorizedException
from ..operations import Call
from .codes import code_mismatch
from .delivery import send_code, simulated_details
from .directory import User
from .passwords import PasswordPolicy
from .signup import named_user
from .user_existence import user_not_found
from .usernames import canonical_params

# Pools created before AccountRecoverySetting existed: phone first, then email.
LEGACY_RECOVERY = [{"Name": "verified_phone_number", "Priority": 1},
                   {"Name": "verified_email", "Priority": 2}]
NO_VERIFIED_CONTACT = ("Cannot reset password for the user as there is no registered/verified "
                       "email or phone_number")


def recovery_attribute(pool: dict, user: User) -> str | None:
    """Where a reset code goes, per AccountRecoverySetting; None if nowhere verified."""
    setting = (pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms")
    for mechanism in sorted(setting or LEGACY_RECOVERY, key=lambda m: m.get("Priority", 0)):
        name = mechanism.get("Name")
        if name == "admin_only":
            raise NotAuthorizedException("Contact administrator to reset password.")
        attribute = {"verified_email": "email", "verified_phone_number": "phone_number"}.get(name)
        if attribute and user.attributes.get(attribute) \
                and user.attributes.get(f"{attribute}_verified") == "true":
            return attribute
    return None


def forgot_password(call: Call) -> dict:
    emulator = call.emulator
    pool_id, client, username, user = named_user(call)
    pool = emulator.directory.pool(pool_id)
    pretend = {"CodeDeliveryDetails": simulated_details(pool, username)}
    if user is None:
        if client.prevent_user_existence_errors:
            return pretend
        raise user_not_found()
    if not user.enabled:
        if client.prevent_user_existence_errors:
            return pretend
        raise NotAuthorizedException("User is disabled.")
    attribute = recovery_attribute(pool, user)
    if attribute is None:
        if client.prevent_user_existence_errors:
            return pretend
        raise InvalidParameterException(NO_VERIFIED_CONTACT)
    code = emulator.codes.issue(pool_id, user.username, "password_reset", attribute=attribute)
    return {"CodeDeliveryDetails": send_code(emulator, pool, user, attribute, code,
                                             "password_reset")}


def confirm_forgot_password(call: Call) -> dict:
    emulator = call.emulator
    pool_id, client, _, user = named_user(call)
    if user is None or not user.enabled:
        if client.prevent_user_existence_errors:
            raise code_mismatch()
        if user is None:
            raise user_not_found()
        raise NotAuthorizedException("User is disabled.")
    code = call.param("ConfirmationCode")
    emulator.codes.check(pool_id, user.username, "password_reset", code, consume=False)
    password = PasswordPolicy.of_pool(emulator.directory.pool(pool_id)).check(
        call.param("Password"))
    emulator.codes.check(pool_id, user.username, "password_reset", code)
    emulator.moto.idp("AdminSetUserPassword", UserPoolId=pool_id, Username=user.username,
                      Password=password, Permanent=True)
    emulator.passwords.set(pool_id, user.username, password)
    user = emulator.directory.user(pool_id, user.username)
    emulator.triggers.post_confirmation(pool_id, "PostConfirmation_ConfirmForgotPassword", user,
                                        client.client_id, call.param("ClientMetadata"))
    return {}


def admin_reset_user_password(call: Call) -> dict:
    """The user must reset their password: moto marks them RESET_REQUIRED, the lab sends
    the code they will reset it with."""
    answer = call.forward(canonical_params(call))
    pool_id = call.param("UserPoolId")
    emulator = call.emulator
    user = emulator.directory.user(pool_id, call.param("Username"))
    pool = emulator.directory.pool(pool_id)
    attribute = recovery_attribute(pool, user)
    if attribute:
        code = emulator.codes.issue(pool_id, user.username, "password_reset",
                                    attribute=attribute)
        send_code(emulator, pool, user, attribute, code, "password_reset")
    return answer
