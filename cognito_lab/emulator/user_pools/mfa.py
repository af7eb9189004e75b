"""TOTP MFA operations: AssociateSoftwareToken, VerifySoftwareToken, Set(Admin)UserMFAPreference.

AWS, "TOTP software token MFA" and the API reference: AssociateSoftwareToken takes the
user's access token or a sign-in session (the MFA_SETUP challenge's) and returns a new
secret; VerifySoftwareToken checks a code from it ("Code mismatch and fail enable Software
Token MFA" when wrong) and, with a session, returns the session that completes MFA_SETUP;
SetUserMFAPreference turns TOTP on only for a user who verified a token. If the pool has
TOTP switched off: SoftwareTokenMFANotFoundException.
"""

from __future__ import annotations

from ..errors import (
    EnableSoftwareTokenMFAException,
    InvalidParameterException,
    NotAuthorizedException,
    SoftwareTokenMFANotFoundException,
)
from ..operations import Call
from .challenges import PendingSignIn
from .token_operations import checked_session


def require_totp_in_pool(call: Call, pool_id: str) -> None:
    _, totp_in_pool = call.emulator.directory.mfa_configuration(pool_id)
    if not totp_in_pool:
        raise SoftwareTokenMFANotFoundException(
            "Software Token MFA has not been enabled by the userPool.")


def _setup_session(call: Call) -> PendingSignIn:
    """The open MFA_SETUP sign-in a Session names (closed; the caller reopens it)."""
    session = call.param("Session")
    pending = call.emulator.challenges.peek(session)
    if pending is None or pending.challenge != "MFA_SETUP" or pending.username is None:
        raise NotAuthorizedException("Invalid session for the user.")
    return call.emulator.challenges.take(session, client_id=pending.client_id,
                                         challenge="MFA_SETUP")


def _reopen(call: Call, pending: PendingSignIn, *, verified: bool) -> str:
    client = call.emulator.directory.client(pending.pool_id, pending.client_id)
    return call.emulator.challenges.open(
        pool_id=pending.pool_id, client_id=pending.client_id, username=pending.username,
        challenge="MFA_SETUP", lifetime_seconds=client.auth_session_seconds,
        client_metadata=pending.client_metadata, new_password_set=pending.new_password_set,
        totp_verified=verified).session


def associate_software_token(call: Call) -> dict:
    if call.param("AccessToken") and call.param("Session"):
        raise InvalidParameterException("Provide either an access token or a session, not both.")
    if call.param("Session"):
        pending = _setup_session(call)
        require_totp_in_pool(call, pending.pool_id)
        secret = call.emulator.totp.associate(pending.pool_id, str(pending.username))
        return {"SecretCode": secret, "Session": _reopen(call, pending, verified=False)}
    session, user = checked_session(call)
    require_totp_in_pool(call, session.pool_id)
    return {"SecretCode": call.emulator.totp.associate(session.pool_id, user.username)}


def verify_software_token(call: Call) -> dict:
    code = call.param("UserCode")
    mismatch = EnableSoftwareTokenMFAException(
        "Code mismatch and fail enable Software Token MFA")
    if call.param("Session") and not call.param("AccessToken"):
        pending = _setup_session(call)
        if not call.emulator.totp.verify_pending(pending.pool_id, str(pending.username), code):
            call.emulator.challenges.put_back(pending)
            raise mismatch
        return {"Status": "SUCCESS", "Session": _reopen(call, pending, verified=True)}
    session, user = checked_session(call)
    if not call.emulator.totp.verify_pending(session.pool_id, user.username, code):
        raise mismatch
    return {"Status": "SUCCESS"}


def set_preference(call: Call, pool_id: str, username: str) -> dict:
    for unsupported in ("SMSMfaSettings", "EmailMfaSettings", "WebAuthnMfaSettings"):
        if (call.param(unsupported) or {}).get("Enabled"):
            raise InvalidParameterException(f"The lab sends no SMS or email codes: {unsupported} "
                                            "can't be enabled here (TOTP can).")
    wanted = call.param("SoftwareTokenMfaSettings")
    if wanted is None:
        return {}
    token = call.emulator.totp.token(pool_id, username)
    if wanted.get("Enabled") and token.secret is None:
        raise InvalidParameterException("User has not verified software token mfa")
    call.emulator.totp.set_preference(
        pool_id, username, enabled=bool(wanted.get("Enabled")),
        preferred=bool(wanted.get("PreferredMfa")) if "PreferredMfa" in wanted else None)
    return {}


def set_user_mfa_preference(call: Call) -> dict:
    session, user = checked_session(call)
    return set_preference(call, session.pool_id, user.username)


def admin_set_user_mfa_preference(call: Call) -> dict:
    pool_id = call.param("UserPoolId")
    user = call.emulator.directory.user(pool_id, call.param("Username"))
    return set_preference(call, pool_id, user.username)
