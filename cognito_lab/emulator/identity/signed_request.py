"""Reading a request as AWS would: who signed it (SigV4 / SigV2 presigned), in which
protocol it speaks, and whether AWS serves it without credentials at all."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs

# Operations AWS answers without AWS credentials (SDKs may still sign them).
PUBLIC_TARGETS = {
    "AWSCognitoIdentityService": {"GetId", "GetCredentialsForIdentity", "GetOpenIdToken",
                                  "UnlinkIdentity"},
    "AWSCognitoIdentityProviderService": {
        "SignUp", "ConfirmSignUp", "ResendConfirmationCode", "ForgotPassword",
        "ConfirmForgotPassword", "InitiateAuth", "RespondToAuthChallenge", "RevokeToken",
        "GetTokensFromRefreshToken", "GetUser", "UpdateUserAttributes", "DeleteUserAttributes",
        "DeleteUser", "ChangePassword", "GetUserAttributeVerificationCode", "VerifyUserAttribute",
        "SetUserMFAPreference", "SetUserSettings", "ListDevices", "GetDevice", "ForgetDevice",
        "ConfirmDevice", "UpdateDeviceStatus", "AssociateSoftwareToken", "VerifySoftwareToken",
        "GlobalSignOut", "UpdateAuthEventFeedback", "GetUserAuthFactors"},
}
PUBLIC_QUERY_ACTIONS = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]*/[^/]*/([^/,\s]+)/")


class Signed:
    """Who signed a request: the access key, the service in its scope, presigned or not."""

    def __init__(self, environ: dict) -> None:
        self.access_key: str | None = None
        self.service = ""
        self.presigned = False
        found = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", "") + "/")
        if found is None:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            credential = (query.get("X-Amz-Credential") or [""])[0]
            found = _CREDENTIAL.search(f"Credential={credential}/")
            legacy = (query.get("AWSAccessKeyId") or [""])[0]      # a SigV2 presigned URL
            self.presigned = found is not None or bool(legacy)
            if legacy and found is None:
                self.access_key, self.service = legacy, "s3"
        if found is not None:
            self.access_key, self.service = found.group(1), found.group(2)


def protocol_of(environ: dict, signed: Signed) -> str:
    if environ.get("HTTP_X_AMZ_TARGET"):
        return "json"
    if signed.service == "s3":
        return "s3"
    content_type = environ.get("CONTENT_TYPE", "")
    return "query" if "x-www-form-urlencoded" in content_type else "s3"


def query_action(environ: dict) -> str:
    """The Action of a query-protocol request (the body is read and put back)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    action = parse_qs(body.decode("utf-8", "replace")).get("Action") or \
        parse_qs(environ.get("QUERY_STRING", "")).get("Action") or [""]
    return action[0]


def is_public(environ: dict, protocol: str) -> bool:
    if protocol == "json":
        prefix, _, name = environ.get("HTTP_X_AMZ_TARGET", "").partition(".")
        return name in PUBLIC_TARGETS.get(prefix, set())
    if protocol == "query":
        return query_action(environ) in PUBLIC_QUERY_ACTIONS
    return False
