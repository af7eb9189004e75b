"""API operations a user calls with their own access token (GetUser, ChangePassword, ...).

Cognito accepts the token only if it is the pool's, unexpired, not revoked or signed out,
belongs to an enabled user, and carries the ``aws.cognito.signin.user.admin`` scope.
Having checked that, the emulator hands moto the moto token of the same session, so
moto does the directory work.
"""

from __future__ import annotations

from .errors import not_authorized
from .operations import Call, operation
from .tokens import ADMIN_SCOPE

TOKEN_OPERATIONS = (
    "GetUser", "UpdateUserAttributes", "DeleteUserAttributes", "DeleteUser",
    "ChangePassword", "GetUserAttributeVerificationCode", "VerifyUserAttribute",
    "SetUserMFAPreference", "SetUserSettings", "ListDevices", "GetDevice", "ForgetDevice",
    "ConfirmDevice", "UpdateDeviceStatus", "AssociateSoftwareToken", "VerifySoftwareToken",
)


def checked_session(call: Call):  # noqa: ANN201
    """The session behind the call's AccessToken, after every check Cognito makes."""
    emulator = call.emulator
    claims, session = emulator.tokens.read(call.param("AccessToken", ""), "access")
    if ADMIN_SCOPE not in claims.get("scope", "").split():
        raise not_authorized("Access Token does not have required scopes")
    user = emulator.directory.user(session.pool_id, session.username or "")
    if not user.enabled:
        raise not_authorized("User is disabled.")
    return session


def forward_as_moto(call: Call, session) -> dict:  # noqa: ANN001
    if not session.moto_access_token:
        raise not_authorized("Invalid Access Token")
    return call.forward({**call.params, "AccessToken": session.moto_access_token})


@operation("cognito-idp", *TOKEN_OPERATIONS)
def with_access_token(call: Call) -> dict:
    if "AccessToken" not in call.params and call.operation in (
            "AssociateSoftwareToken", "VerifySoftwareToken"):
        return call.forward()      # the Session-based variant during MFA_SETUP
    return forward_as_moto(call, checked_session(call))


@operation("cognito-idp", "GlobalSignOut")
def global_sign_out(call: Call) -> dict:
    session = checked_session(call)
    response = forward_as_moto(call, session)
    call.emulator.sessions.sign_out(session.pool_id, session.username or "",
                                    call.emulator.clock.now())
    return response


@operation("cognito-idp", "AdminUserGlobalSignOut")
def admin_global_sign_out(call: Call) -> dict:
    response = call.forward()
    user = call.emulator.directory.user(call.param("UserPoolId"), call.param("Username"))
    call.emulator.sessions.sign_out(call.param("UserPoolId"), user.username,
                                    call.emulator.clock.now())
    return response
