"""For notebook 08 (identity pools): sign-in, AWS clients from identity-pool credentials,
readable outcomes of allowed and refused calls, and the per-user policy self-check."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from cognito_lab import b64url, cognito_ids

from . import Verdict, verdict

PER_USER_ROLE = "AuthenticatedRole"        # the template's role for signed-in users
PER_USER_POLICY_NAME = "user-files"


def sign_in(lab, name: str) -> dict:
    """Sign a demo user in through the web app client with SRP (as notebook 03 does), and
    return the AuthenticationResult: IdToken, AccessToken, RefreshToken."""
    from pycognito.aws_srp import AWSSRP

    user = lab.users[name]
    srp = AWSSRP(username=user.username, password=user.password, pool_id=lab.user_pool_id,
                 client_id=lab.app_clients["web"].client_id, client=lab.client("cognito-idp"))
    return dict(srp.authenticate_user()["AuthenticationResult"])


def token_claims(token: str) -> dict:
    """A JWT's payload, read without verifying it (the app reading its own token)."""
    return b64url.decode_json(token.split(".")[1])


def provider_name(lab) -> str:
    """The user pool as identity pools name it: the key of the ``Logins`` map."""
    return cognito_ids.provider_name(lab.region, lab.user_pool_id)


def browser_client(lab, service: str = "cognito-identity") -> Any:
    """A boto3 client with NO AWS credentials, as a browser app has (requests unsigned)."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    return boto3.client(service, endpoint_url=lab.endpoint_url, region_name=lab.region,
                        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))


def client_with(lab, credentials: dict, service: str = "s3") -> Any:
    """A boto3 client signed with the ``Credentials`` of GetCredentialsForIdentity."""
    import boto3
    from botocore.config import Config

    return boto3.client(service, endpoint_url=lab.endpoint_url, region_name=lab.region,
                        aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretKey"],
                        aws_session_token=credentials["SessionToken"],
                        config=Config(retries={"max_attempts": 1}))


def error_text(exc: ClientError) -> str:
    error = exc.response["Error"]
    return f"{error.get('Code')}: {error.get('Message')}"


def attempt(label: str, call: Callable[[], Any]) -> Any:
    """Run one AWS call and print ``✅ label`` or ``⛔ label → Code: message``."""
    try:
        result = call()
    except ClientError as exc:
        print(f"⛔ {label} → {error_text(exc)}")
        return None
    print(f"✅ {label}")
    return result


# -- the exercise -------------------------------------------------------------------------------
def _identity_credentials(lab, name: str) -> tuple[str, dict]:
    """Sign ``name`` in and exchange the ID token for credentials (GetId, then
    GetCredentialsForIdentity), as the web app would."""
    logins = {provider_name(lab): sign_in(lab, name)["IdToken"]}
    browser = browser_client(lab)
    identity_id = browser.get_id(IdentityPoolId=lab.identity_pool_id, Logins=logins)["IdentityId"]
    credentials = browser.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    return identity_id, credentials["Credentials"]


def _allowed(call: Callable[[], Any]) -> tuple[bool, str]:
    try:
        call()
    except ClientError as exc:
        return False, error_text(exc)
    return True, "allowed"


def _trial(lab) -> list[tuple[str, bool, bool, str]]:
    """Apply ``policy`` to the signed-in users' role and try what it should allow and refuse.
    Returns (what was tried, expected to be allowed, was allowed, outcome)."""
    bucket = lab.bucket
    bob_id, bob = _identity_credentials(lab, "bob")
    carol_id, carol = _identity_credentials(lab, "carol")
    s3_bob, s3_carol = client_with(lab, bob), client_with(lab, carol)
    mine, theirs = f"private/{bob_id}/check.txt", f"private/{carol_id}/check.txt"
    trials = [
        ("bob writes private/<bob's id>/check.txt", True,
         lambda: s3_bob.put_object(Bucket=bucket, Key=mine, Body=b"bob's")),
        ("bob reads it back", True, lambda: s3_bob.get_object(Bucket=bucket, Key=mine)),
        ("carol writes private/<carol's id>/check.txt", True,
         lambda: s3_carol.put_object(Bucket=bucket, Key=theirs, Body=b"carol's")),
        ("bob reads carol's file", False, lambda: s3_bob.get_object(Bucket=bucket, Key=theirs)),
        ("bob overwrites carol's file", False,
         lambda: s3_bob.put_object(Bucket=bucket, Key=theirs, Body=b"bob was here")),
        ("bob writes outside private/ (top of the bucket)", False,
         lambda: s3_bob.put_object(Bucket=bucket, Key="check.txt", Body=b"x")),
        ("bob reads another user's folder by guessing a prefix", False,
         lambda: s3_bob.get_object(Bucket=bucket, Key="private/check.txt")),
    ]
    results = []
    for label, expected, call in trials:
        ok, outcome = _allowed(call)
        results.append((label, expected, ok, outcome))
    return results


def check_per_user_policy(lab, per_user_policy: Callable[[str], dict]) -> Verdict:
    """Put the learner's policy on the signed-in users' role, then let bob and carol try
    their own folders and each other's — with IAM enforced. The role's policies are put
    back afterwards."""
    try:
        policy = per_user_policy(lab.bucket)
    except NotImplementedError:
        return verdict(False, "", "Not done yet: fill in `per_user_policy` (return a dict).")
    except Exception as exc:
        return verdict(False, "", f"`per_user_policy` raised {type(exc).__name__}: {exc}")
    if not isinstance(policy, dict) or "Statement" not in policy:
        return verdict(False, "", "Return an IAM policy document: a dict with Version and "
                       "Statement.")
    iam = lab.client("iam")
    role = lab.resources[PER_USER_ROLE]
    saved = {name: iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
             for name in iam.list_role_policies(RoleName=role)["PolicyNames"]}
    try:
        for name in saved:
            iam.delete_role_policy(RoleName=role, PolicyName=name)
        try:
            iam.put_role_policy(RoleName=role, PolicyName=PER_USER_POLICY_NAME,
                                PolicyDocument=json.dumps(policy))
        except ClientError as exc:
            return verdict(False, "", "IAM refused the policy.", details=[error_text(exc)])
        with lab.enforce_iam():
            try:
                results = _trial(lab)
            except ClientError as exc:
                return verdict(False, "", "The check could not get bob's and carol's "
                               "credentials.", details=[error_text(exc)])
    finally:
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            iam.delete_role_policy(RoleName=role, PolicyName=name)
        for name, document in saved.items():
            iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(
                document) if isinstance(document, dict) else document)
    wrong = [(label, expected, outcome) for label, expected, ok, outcome in results
             if ok != expected]
    details = [f"{'✓' if ok == expected else '✗'} {label}: "
               f"{'allowed' if ok else 'refused'}"
               + ("" if ok == expected else f" (should be {'allowed' if expected else 'refused'})")
               for label, expected, ok, _ in results]
    if not wrong:
        return verdict(True, "Every user has their own folder, and only theirs: IAM allowed "
                       "bob and carol their own files and refused everything else.",
                       "", details=details)
    hint = ("Too broad: use ${cognito-identity.amazonaws.com:sub} in the Resource so each "
            "user gets only private/<their identity id>/*"
            if any(expected is False for _, expected, _ in wrong) else
            "Too narrow: allow s3:GetObject and s3:PutObject on "
            "arn:aws:s3:::<bucket>/private/${cognito-identity.amazonaws.com:sub}/*")
    return verdict(False, "", "Not yet right:", details=[*details, hint])
