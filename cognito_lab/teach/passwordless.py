"""Checks for notebook 10 (passwordless sign-in and passkeys)."""

from __future__ import annotations

from collections.abc import Callable

from botocore.exceptions import ClientError

from ..client.passkey import PasskeyError
from . import Verdict, verdict
from .sign_in import error_text, tokens_or_feedback

APP_ORIGIN = "https://shop.example.com"      # where the notebook's app runs
RP_ID = "shop.example.com"                   # the relying party its passkeys belong to


def _signatures(device: object) -> int:
    return sum(c.sign_count for c in getattr(device, "credentials", []))


def check_passkey_sign_in(lab, username: str, device, sign_in: Callable[[str], dict]) -> Verdict:
    """Does ``device`` hold a passkey Cognito registered for ``username``, and does
    ``sign_in(username)`` get that user's tokens by having the device sign (WEB_AUTHN)?"""
    credentials = getattr(device, "credentials", None)
    if not credentials:
        return verdict(False, "", "Not done yet: the device holds no passkey.",
                       details=["StartWebAuthnRegistration → device.create(options, "
                                "origin=...) → CompleteWebAuthnRegistration"])
    idp = lab.client("cognito-idp")
    user = idp.admin_get_user(UserPoolId=lab.user_pool_id, Username=username)
    registered = {p.credential_id for p in
                  lab.emulator.passkeys.of_user(lab.user_pool_id, user["Username"])}
    if not any(c.credential_id in registered for c in credentials):
        return verdict(False, "", "The device made a passkey, but Cognito never registered it "
                       f"for {username}.",
                       details=["Send the device's answer to CompleteWebAuthnRegistration, with "
                                f"{username}'s access token."])
    before = _signatures(device)
    try:
        answer = sign_in(username)
    except NotImplementedError:
        return verdict(False, "", "The passkey is registered. Now fill in "
                                  "`sign_in_with_passkey`.")
    except PasskeyError as exc:
        return verdict(False, "", "The device refused to sign.",
                       details=[str(exc), f"A browser only lets pages of {RP_ID} use its "
                                          f"passkeys: your app's origin is {APP_ORIGIN}."])
    except ClientError as exc:
        details = [error_text(exc)]
        if exc.response["Error"]["Code"] == "NotAuthorizedException":
            details.append(f"Cognito checks the origin in the signed answer: {APP_ORIGIN}.")
        return verdict(False, "", "`sign_in_with_passkey` failed.", details=details)
    except Exception as exc:
        return verdict(False, "", f"`sign_in_with_passkey` raised {type(exc).__name__}: {exc}")
    result = tokens_or_feedback(answer)
    if isinstance(result, Verdict):
        return result
    me = idp.get_user(AccessToken=result["AccessToken"])
    if me["Username"] != user["Username"]:
        return verdict(False, "", "Those tokens belong to someone else.")
    if _signatures(device) == before:
        return verdict(False, "", "Tokens came back, but not from the passkey: the device "
                       "signed nothing.",
                       details=["Ask for the WEB_AUTHN challenge (PREFERRED_CHALLENGE) and "
                                "answer it with what the device signs. A code from the "
                                "mailbox is a sign-in too — but a phishable one."])
    return verdict(True, f"{username} signed in with a passkey: the device signed Cognito's "
                         f"challenge for {RP_ID}, and no password or code was typed.", "",
                   details=[f"GetUser says: {me['Username']}"])
