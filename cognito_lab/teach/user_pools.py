"""Checks for notebook 01 (user pools vs identity pools)."""

from __future__ import annotations

from . import Verdict, verdict

USER_POOL = "user pool"
IDENTITY_POOL = "identity pool"

# Each job, and the half of Cognito that does it (seeds 000 and 001: user pools
# authenticate and issue JWTs; identity pools hand out temporary AWS credentials).
SCENARIOS = {
    "check a user's email and password, then issue JWTs": USER_POOL,
    "give a signed-in user temporary AWS credentials to upload a photo to S3": IDENTITY_POOL,
    "send a sign-up confirmation code and enforce MFA": USER_POOL,
    "put the user's groups in a token that your API checks": USER_POOL,
    "let a visitor who has not signed in read from DynamoDB with a guest role": IDENTITY_POOL,
    "exchange a Google sign-in for AWS credentials, with no user directory of your own":
        IDENTITY_POOL,
}
_WHY = {
    USER_POOL: "a user pool is the identity provider: it authenticates people and issues JWTs",
    IDENTITY_POOL: "an identity pool brokers temporary AWS credentials (an IAM role) "
                   "for an identity someone else proved — or for a guest",
}


def _normalise(answer: object) -> str | None:
    if not isinstance(answer, str):
        return None
    text = " ".join(answer.lower().replace("_", " ").replace("-", " ").split())
    return {"user pool": USER_POOL, "userpool": USER_POOL, "identity pool": IDENTITY_POOL,
            "identitypool": IDENTITY_POOL}.get(text, text)


def check_which_pool(answers: dict) -> Verdict:
    """Each scenario answered "user pool" or "identity pool"?"""
    if not isinstance(answers, dict) or not answers:
        return verdict(False, "", "Not done yet: `answers` should be the dict of scenarios.")
    unknown = [key for key in answers if key not in SCENARIOS]
    if unknown:
        return verdict(False, "", "Keep the scenario texts as they are; only fill in the "
                       "values.", details=[f"not a scenario of this exercise: {unknown[0]!r}"])
    given = {key: _normalise(value) for key, value in answers.items()}
    if all(value is None for value in given.values()):
        return verdict(False, "", 'Not done yet: answer each scenario with "user pool" or '
                       '"identity pool".')
    missing = [key for key in SCENARIOS if given.get(key) is None]
    invalid = [key for key, value in given.items()
               if value is not None and value not in (USER_POOL, IDENTITY_POOL)]
    wrong = [key for key, value in given.items()
             if value in (USER_POOL, IDENTITY_POOL) and value != SCENARIOS[key]]
    details = [f'unanswered: "{key}"' for key in missing]
    details += [f'"{key}": {answers[key]!r} is neither "user pool" nor "identity pool"'
                for key in invalid]
    details += [f'"{key}": not the {given[key]} — {_WHY[SCENARIOS[key]]}' for key in wrong]
    ok = not details
    return verdict(ok, f"All {len(SCENARIOS)} right: user pools authenticate (who are you?), "
                   "identity pools authorize access to AWS (what may you do there?).",
                   f"{len(SCENARIOS) - len(details)} of {len(SCENARIOS)} right.",
                   details=None if ok else details)


def _attributes(user: dict) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}


def check_signed_up_and_confirmed(lab, email: str | None) -> Verdict:
    """Did ``email`` sign up through an app client and confirm with the mailed code?"""
    if not email:
        return verdict(False, "", "Not done yet: set `new_email` to the address you signed "
                       "up with.")
    if any(user.email == email for user in lab.users.values()):
        return verdict(False, "", f"{email} is a demo user the lab created: sign up someone "
                       "new.")
    idp = lab.client("cognito-idp")
    try:
        user = idp.admin_get_user(UserPoolId=lab.user_pool_id, Username=email)
    except idp.exceptions.UserNotFoundException:
        return verdict(False, "", f"No user {email} in the pool yet: call `sign_up` with the "
                       "web client's id.")
    status = user.get("UserStatus")
    attributes = _attributes(user)
    signed_up = [m for m in lab.mailbox.messages(to=email) if m.kind == "confirmation"]
    if status == "FORCE_CHANGE_PASSWORD" or (status == "CONFIRMED" and not signed_up):
        return verdict(False, "", f"{email} was created by an administrator, not signed up: "
                       "this exercise is self-service sign-up (SignUp, then ConfirmSignUp).")
    if status == "UNCONFIRMED":
        return verdict(False, "", f"{email} signed up but is still UNCONFIRMED.", details=[
            "Read the code from `lab.mailbox.latest_code(new_email)` and call "
            "`confirm_sign_up` with it."])
    details = [f"status: {status}", f"email_verified: {attributes.get('email_verified')}"]
    ok = status == "CONFIRMED" and attributes.get("email_verified") == "true"
    return verdict(ok, f"{email} signed up, confirmed with the mailed code, email verified.",
                   f"{email} is not a confirmed user with a verified email yet.",
                   details=details)


TENANT = "custom:tenant_id"
FRANKS_TENANT = "globex"


def check_tenant_user(lab, username: str | None) -> Verdict:
    """Exercise 2 of notebook 01: does ``username`` exist, with an email to reach him and
    ``custom:tenant_id`` = globex? Only an administrator can set it (the web client may not
    write it, and an immutable attribute is set only as the user is created)."""
    if not username:
        return verdict(False, "", "Not done yet: set `frank` to the username (email) of "
                       "Frank's account.")
    if any(user.email == username for user in lab.users.values()):
        return verdict(False, "", f"{username} is a demo user the lab created: give Frank an "
                       "account of his own.")
    idp = lab.client("cognito-idp")
    try:
        user = idp.admin_get_user(UserPoolId=lab.user_pool_id, Username=username)
    except idp.exceptions.UserNotFoundException:
        return verdict(False, "", f"No user {username} in the pool yet.")
    attributes = _attributes(user)
    status = user.get("UserStatus")
    tenant = attributes.get(TENANT)
    signed_up = any(m.kind == "confirmation" for m in lab.mailbox.messages(to=username))
    start_again = ("custom:tenant_id is immutable: no one can add or change it now. Delete "
                   "the user (`idp.admin_delete_user`) and create Frank again.")
    if tenant is None and signed_up:
        return verdict(False, "", f"{username} signed himself up, so he has no tenant.",
                       details=["The web client may not write custom:tenant_id (its "
                                "WriteAttributes), and an immutable attribute can only be set "
                                "as the user is created. Who can set it then?", start_again])
    if tenant is None:
        return verdict(False, "", f"{username} exists but has no tenant.",
                       details=[start_again])
    if tenant != FRANKS_TENANT:
        return verdict(False, "", f"{username} is in tenant {tenant!r}, not "
                       f"{FRANKS_TENANT!r}.", details=[start_again])
    if not attributes.get("email"):
        return verdict(False, "", f"{username} has no email attribute: Cognito could not send "
                       "him his temporary password, nor a reset code later.",
                       details=["Give the email as an attribute when you create him."])
    how = ("he signs in with the temporary password Cognito mailed him and chooses his own "
           "(NEW_PASSWORD_REQUIRED, notebook 03)" if status == "FORCE_CHANGE_PASSWORD"
           else f"status {status}")
    return verdict(True, f"{username} is in tenant {FRANKS_TENANT}, set by an administrator "
                   "as the user was created — the only time and the only way it can be set.",
                   "", details=[how])
