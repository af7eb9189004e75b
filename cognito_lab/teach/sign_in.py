"""Checks for notebook 03 (sign-in flows)."""

from __future__ import annotations

from collections.abc import Callable

from botocore.exceptions import ClientError

from cognito_lab import b64url

from . import Verdict, verdict

REFRESH_MARGIN = 300     # seconds: refresh when the access token has less than this left


def token_claims(token: str) -> dict:
    """The payload of a JWT, read without verifying it (your app reading its own token)."""
    return b64url.decode_json(token.split(".")[1])


def error_text(exc: ClientError) -> str:
    """``Code: Message`` of a boto3 ClientError, as a check's feedback quotes it."""
    error = exc.response["Error"]
    return f"{error['Code']}: {error['Message']}"


def auth_result(answer: object) -> dict | None:
    """Accept an AuthenticationResult or the whole InitiateAuth/Respond… response."""
    if not isinstance(answer, dict):
        return None
    result = answer.get("AuthenticationResult", answer)
    return result if isinstance(result, dict) and "AccessToken" in result else None


def tokens_or_feedback(answer: object) -> dict | Verdict:
    """The AuthenticationResult of a sign-in, or the ❌ verdict saying what came back."""
    result = auth_result(answer)
    if result is not None:
        return result
    challenge = answer.get("ChallengeName") if isinstance(answer, dict) else None
    hint = (f"It returned the {challenge} challenge: answer it with "
            "respond_to_auth_challenge." if challenge else
            "Return the AuthenticationResult (a dict with AccessToken).")
    return verdict(False, "", "No tokens came back.", details=[hint])


def check_mfa_sign_in(lab, username: str, password: str,
                      sign_in: Callable[[str, str], dict]) -> Verdict:
    """Is TOTP the user's preferred MFA, and does ``sign_in`` get tokens through it?

    The check moves the lab's clock 30 seconds first, so the code ``sign_in`` computes
    is not the one just used to verify the enrolment.
    """
    idp = lab.client("cognito-idp")
    user = idp.admin_get_user(UserPoolId=lab.user_pool_id, Username=username)
    if user.get("PreferredMfaSetting") != "SOFTWARE_TOKEN_MFA":
        return verdict(False, "", f"Not done yet: {username} has no TOTP MFA preferred.",
                       details=["AssociateSoftwareToken → VerifySoftwareToken → "
                                "SetUserMFAPreference(SoftwareTokenMfaSettings=...)"])
    lab.clock.advance(seconds=30)     # a fresh TOTP code: each one is accepted only once
    try:
        answer = sign_in(username, password)
    except NotImplementedError:
        return verdict(False, "", "TOTP is enrolled. Now fill in `sign_in_with_mfa`.")
    except ClientError as exc:
        details = [error_text(exc)]
        if exc.response["Error"]["Code"] == "CodeMismatchException":
            details.append("Compute the code at the lab's time: totp.at(lab.clock.now()).")
        return verdict(False, "", "`sign_in_with_mfa` failed.", details=details)
    except Exception as exc:
        return verdict(False, "", f"`sign_in_with_mfa` raised {type(exc).__name__}: {exc}")
    result = tokens_or_feedback(answer)
    if isinstance(result, Verdict):
        return result
    try:
        me = idp.get_user(AccessToken=result["AccessToken"])
    except ClientError as exc:
        return verdict(False, "", "Cognito refused the access token.", details=[error_text(exc)])
    expected = user["Username"]
    return verdict(me["Username"] == expected,
                   f"{username} signed in with password + TOTP code: MFA is preferred, so "
                   "these tokens could only come from answering SOFTWARE_TOKEN_MFA.",
                   "Those tokens belong to someone else.",
                   details=[f"GetUser says: {me['Username']} (expected {expected})"])


def _sign_in_srp(lab, user) -> dict:
    from ..client import srp

    answer = srp.sign_in(lab.client("cognito-idp"), pool_id=lab.user_pool_id,
                         client_id=lab.app_clients["web"].client_id, username=user.username,
                         password=user.password)
    return dict(answer["AuthenticationResult"])


def _attempt(function: Callable[[dict], str], tokens: dict) -> tuple[object, str | None]:
    """Call the learner's function; a failure becomes a message, never a traceback."""
    try:
        return function(tokens), None
    except NotImplementedError:
        return None, "not done yet"
    except ClientError as exc:
        return None, error_text(exc)
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


def check_refresh_before_expiry(lab, valid_access_token: Callable[[dict], str],
                                user: str = "carol") -> Verdict:
    """Does ``valid_access_token(tokens)`` refresh early, and only when needed?

    The check signs ``user`` in through the web client and moves the lab's clock forward
    (about an hour in all), calling the function at three moments.
    """
    tokens = _sign_in_srp(lab, lab.users[user])
    first = tokens["AccessToken"]
    expires = token_claims(first)["exp"]
    answer, error = _attempt(valid_access_token, tokens)
    if error == "not done yet":
        return verdict(False, "", "Not done yet: fill in the body of `valid_access_token`.")
    if error:
        return verdict(False, "", f"`valid_access_token` failed: {error}")
    minutes = (expires - lab.clock.now()) // 60
    ok = answer == first
    details = [f"fresh token ({minutes:.0f} min left): "
               + ("kept it ✓" if ok else "refreshed (or changed) it — not needed yet")]

    lab.clock.advance(seconds=expires - lab.clock.now() - 120)    # 2 minutes left
    second, error = _attempt(valid_access_token, tokens)
    if error:
        return verdict(False, "", "Not yet right:", details=[
            *details, f"2 min left: failed with {error}"])
    left = token_claims(second)["exp"] - lab.clock.now() if isinstance(second, str) else 0
    if second == first:
        details.append("2 min left: still the old token — refresh *before* it expires, "
                       f"when less than {REFRESH_MARGIN // 60} min remain")
        ok = False
    elif left < REFRESH_MARGIN:
        details.append(f"2 min left: returned a token with only {left:.0f} s left")
        ok = False
    else:
        try:
            lab.client("cognito-idp").get_user(AccessToken=second)
            details.append(f"2 min left: refreshed ✓ (new token good for {left // 60:.0f} min)")
        except ClientError as exc:
            details.append(f"2 min left: Cognito refused the new token ({error_text(exc)})")
            ok = False

    lab.clock.advance(minutes=5)                                  # the old one has expired
    third, error = _attempt(valid_access_token, tokens)
    expired_for = (lab.clock.now() - expires) // 60
    if error:
        details.append(f"5 min later: failed with {error}")
        ok = False
    elif second == first:                       # nothing was refreshed at 2 minutes left
        ok = False
        if third == first:
            details.append(f"5 min later: still the old token, expired {expired_for:.0f} min "
                           "ago — Cognito and your API refuse it")
        else:
            details.append(f"5 min later: refreshed only now, {expired_for:.0f} min after the "
                           f"old token expired (every API call in those {expired_for:.0f} min "
                           f"failed). Refresh as soon as less than {REFRESH_MARGIN // 60} min "
                           "remain")
            return verdict(False, "", "Not yet right: your app refreshes only once the access "
                                      "token has expired, not before.", details=details)
    elif third != second:
        details.append("5 min later: changed the token although the refreshed one had "
                       f"{(left - 300) // 60:.0f} min left")
        ok = False
    else:
        details.append("5 min later: kept the refreshed token ✓")
    return verdict(ok, "Your app refreshes before the access token expires, and only then.",
                   "Not yet right:", details=details)
