"""IAM enforced by moto's engine for identity-pool credentials: per-user folders, the
over-broad role, expiry, admin APIs, and no leaks into other requests or labs."""

from __future__ import annotations

import json
import threading

import boto3
import pytest
import requests
from botocore.config import Config

from cognito_lab import Lab
from cognito_lab.emulator.identity.policy_variables import substitute

from .helpers import browser, client_with, credentials, error_of, mint

VARIABLE = "${cognito-identity.amazonaws.com:sub}"


def _user(lab, name: str):
    identity_id, creds = credentials(lab, mint(lab, name)["IdToken"])
    return identity_id, client_with(lab, creds)


def _fake_s3(lab):
    return boto3.client("s3", endpoint_url=lab.endpoint_url, region_name=lab.region,
                        aws_access_key_id="AKIAFAKEFAKEFAKEFAKE", aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 1}))


def _moto_auth_setting(lab) -> str:
    """moto's process-wide IAM switch (reading it sets it back to moto's default, off)."""
    from werkzeug.test import Client

    from cognito_lab.emulator.moto_gateway import moto_app

    answer = Client(moto_app()).post("/moto-api/reset-auth", data=b"inf")
    return json.loads(answer.data)["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]


def test_each_user_reads_and_writes_only_their_own_folder(lab):
    """The template's role policy gives each user private/${cognito-identity.amazonaws.com:sub}/*:
    moto's IAM engine allows a user's own folder and refuses another's (AccessDenied).

    AWS: "Amazon S3: Allows Amazon Cognito users to access objects in their bucket"
    (IAM/latest/UserGuide/reference_policies_examples_s3_cognito-bucket.html); "IAM policy
    elements: Variables and tags" (IAM/latest/UserGuide/reference_policies_variables.html).
    """
    bucket = lab.bucket
    alice_id, alice = _user(lab, "alice")
    bob_id, bob = _user(lab, "bob")
    lab.client("s3").put_object(Bucket=bucket, Key="public/welcome.txt", Body=b"hi")
    with lab.enforce_iam():
        alice.put_object(Bucket=bucket, Key=f"private/{alice_id}/a.txt", Body=b"alice")
        assert alice.get_object(Bucket=bucket, Key=f"private/{alice_id}/a.txt")[
            "Body"].read() == b"alice"
        bob.put_object(Bucket=bucket, Key=f"private/{bob_id}/b.txt", Body=b"bob")
        assert error_of(lambda: alice.get_object(
            Bucket=bucket, Key=f"private/{bob_id}/b.txt"))[0] == "AccessDenied"
        assert error_of(lambda: bob.put_object(
            Bucket=bucket, Key=f"private/{alice_id}/a.txt", Body=b"x"))[0] == "AccessDenied"
        assert error_of(lambda: bob.list_objects_v2(Bucket=bucket))[0] == "AccessDenied"
        assert bob.get_object(Bucket=bucket, Key="public/welcome.txt")["Body"].read() == b"hi"
        assert error_of(lambda: bob.put_object(
            Bucket=bucket, Key="public/news.txt", Body=b"x"))[0] == "AccessDenied"
        alice.put_object(Bucket=bucket, Key="public/news.txt", Body=b"admins publish")
    assert lab.client("s3").get_object(Bucket=bucket, Key=f"private/{alice_id}/a.txt")[
        "Body"].read() == b"alice"


def test_the_policy_in_iam_keeps_its_variable(lab):
    """The variable is resolved per request, never written into the policy for good:
    GetRolePolicy still shows ${cognito-identity.amazonaws.com:sub} after requests.

    AWS: "IAM policy elements: Variables and tags"
    (IAM/latest/UserGuide/reference_policies_variables.html).
    """
    bob_id, bob = _user(lab, "bob")
    with lab.enforce_iam():
        bob.put_object(Bucket=lab.bucket, Key=f"private/{bob_id}/c.txt", Body=b"x")
    document = lab.client("iam").get_role_policy(
        RoleName="cognito-lab-AuthenticatedRole", PolicyName="user-files")["PolicyDocument"]
    assert VARIABLE in json.dumps(document)


def test_an_over_broad_role_lets_users_read_each_others_files(fresh_lab):
    """The anti-pattern: s3:* on the bucket for signed-in users. IAM then allows alice to
    read bob's private files — exactly what it was told.

    AWS: "Security best practices for Amazon Cognito identity pools"
    (cognito/latest/developerguide/identity-pools-security-best-practices.html).
    """
    lab = fresh_lab
    bucket, iam = lab.bucket, lab.client("iam")
    broad = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]})
    for role, name in (("cognito-lab-AuthenticatedRole", "user-files"),
                       ("cognito-lab-AdminsRole", "admin-files")):
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=broad)
    _, alice = _user(lab, "alice")
    bob_id, bob = _user(lab, "bob")
    with lab.enforce_iam():
        bob.put_object(Bucket=bucket, Key=f"private/{bob_id}/diary.txt", Body=b"secret")
        assert alice.get_object(Bucket=bucket, Key=f"private/{bob_id}/diary.txt")[
            "Body"].read() == b"secret"
        alice.delete_object(Bucket=bucket, Key=f"private/{bob_id}/diary.txt")
        assert [o["Key"] for o in bob.list_objects_v2(Bucket=bucket).get("Contents", [])] == []


def test_enforcement_is_opt_in_and_restored(lab):
    """Off by default (moto's default: any key passes); on inside ``with lab.enforce_iam()``
    (unknown keys refused by moto's IAM engine); off again after, and moto's process-wide
    switch is back to its previous setting.

    AWS: "Troubleshoot access denied error messages" / InvalidAccessKeyId
    (AmazonS3/latest/API/ErrorResponses.html): an access key AWS does not know is refused.
    """
    fake = _fake_s3(lab)
    fake.head_bucket(Bucket=lab.bucket)
    with lab.enforce_iam() as switch:
        assert switch.enabled
        assert error_of(lambda: fake.head_bucket(Bucket=lab.bucket))[0] in ("403",
                                                                            "InvalidAccessKeyId")
        assert error_of(lambda: fake.list_buckets())[0] == "InvalidAccessKeyId"
    assert not switch.enabled
    fake.list_buckets()
    assert float(_moto_auth_setting(lab)) == float("inf")     # off: no count starts checks


def test_the_labs_own_keys_are_never_restricted(lab):
    """The lab's own credentials play the account's root user: IAM policies do not apply.

    AWS: "AWS account root user" (IAM/latest/UserGuide/id_root-user.html).
    """
    with lab.enforce_iam():
        assert lab.client("s3").list_objects_v2(Bucket=lab.bucket)["ResponseMetadata"]
        assert lab.client("iam").get_role(RoleName="cognito-lab-AuthenticatedRole")
        assert lab.client("cognito-idp").list_users(UserPoolId=lab.user_pool_id)["Users"]
        assert credentials(lab, mint(lab, "carol")["IdToken"])[1]["AccessKeyId"]


def test_other_labs_are_not_affected(lab):
    """Enforcement is per lab: another lab in the same process keeps moto's defaults.

    AWS: every account has its own IAM (IAM/latest/UserGuide/introduction.html).
    """
    with Lab.start(users=()) as other, lab.enforce_iam():
        assert error_of(lambda: _fake_s3(lab).list_buckets())[0] == "InvalidAccessKeyId"
        _fake_s3(other).list_buckets()


def test_expired_credentials_are_refused(fresh_lab):
    """Identity pool credentials last one hour; after that every request is refused with
    ExpiredToken.

    AWS: "GetCredentialsForIdentity" (cognitoidentity/latest/APIReference/
    API_GetCredentialsForIdentity.html); S3 error ExpiredToken
    (AmazonS3/latest/API/ErrorResponses.html).
    """
    lab = fresh_lab
    bob_id, creds = credentials(lab, mint(lab, "bob")["IdToken"])
    bob = client_with(lab, creds)
    with lab.enforce_iam():
        bob.put_object(Bucket=lab.bucket, Key=f"private/{bob_id}/a.txt", Body=b"x")
        lab.clock.advance(minutes=59)
        bob.get_object(Bucket=lab.bucket, Key=f"private/{bob_id}/a.txt")
        lab.clock.advance(minutes=1)
        code, message = error_of(lambda: bob.get_object(Bucket=lab.bucket,
                                                        Key=f"private/{bob_id}/a.txt"))
        assert (code, message) == ("ExpiredToken", "The provided token has expired.")
        code, _ = error_of(lambda: client_with(lab, creds, "sts").get_caller_identity())
        assert code == "ExpiredToken"


def test_admin_apis_need_iam_permission_a_browser_does_not_have(lab):
    """Admin APIs such as AdminGetUser need IAM credentials: unsigned they are refused, and
    a user's identity-pool credentials are refused by IAM (the role does not allow them).
    Public APIs (GetId) work unsigned.

    AWS: "Using the Amazon Cognito user pools API and user pool endpoints"
    (cognito/latest/developerguide/user-pools-API-operations.html).
    """
    _, creds = credentials(lab, mint(lab, "alice")["IdToken"])
    as_alice = client_with(lab, creds, "cognito-idp")
    unsigned = browser(lab, "cognito-idp")
    with lab.enforce_iam():
        code, message = error_of(lambda: as_alice.admin_get_user(
            UserPoolId=lab.user_pool_id, Username="bob@example.com"))
        assert code == "AccessDeniedException"
        assert "assumed-role/cognito-lab-AdminsRole/CognitoIdentityCredentials" in message
        assert "cognito-idp:AdminGetUser" in message
        code, _ = error_of(lambda: unsigned.admin_get_user(
            UserPoolId=lab.user_pool_id, Username="bob@example.com"))
        assert code == "MissingAuthenticationTokenException"
        assert browser(lab).get_id(IdentityPoolId=lab.identity_pool_id, Logins={
            f"cognito-idp.{lab.region}.amazonaws.com/{lab.user_pool_id}":
                mint(lab, "bob")["IdToken"]})["IdentityId"]


def test_operations_the_emulator_answers_are_judged_by_iam_too(lab):
    """Operations the lab answers itself (identity pool roles, admin user APIs) are judged
    by moto's IAM engine like the rest: refused for a role that does not allow them, refused
    for keys IAM does not know, allowed for the account's own keys.

    AWS: "Identity-based policy examples for Amazon Cognito"
    (cognito/latest/developerguide/security_iam_id-based-policy-examples.html).
    """
    _, creds = credentials(lab, mint(lab, "bob")["IdToken"])
    as_bob = client_with(lab, creds, "cognito-identity")
    unknown = boto3.client("cognito-identity", endpoint_url=lab.endpoint_url,
                           region_name=lab.region, aws_access_key_id="AKIAFAKEFAKEFAKEFAKE",
                           aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
    with lab.enforce_iam():
        code, message = error_of(lambda: as_bob.get_identity_pool_roles(
            IdentityPoolId=lab.identity_pool_id))
        assert code == "AccessDeniedException"
        assert "cognito-identity:GetIdentityPoolRoles" in message
        assert error_of(lambda: as_bob.set_identity_pool_roles(
            IdentityPoolId=lab.identity_pool_id, Roles={}))[0] == "AccessDeniedException"
        assert error_of(lambda: unknown.get_identity_pool_roles(
            IdentityPoolId=lab.identity_pool_id))[0] == "UnrecognizedClientException"
        assert lab.client("cognito-identity").get_identity_pool_roles(
            IdentityPoolId=lab.identity_pool_id)["Roles"]
        assert as_bob.get_id(IdentityPoolId=lab.identity_pool_id, Logins={
            f"cognito-idp.{lab.region}.amazonaws.com/{lab.user_pool_id}":
                mint(lab, "bob")["IdToken"]})["IdentityId"]        # public: no IAM check


def test_variables_in_customer_managed_policies_are_resolved_and_restored(fresh_lab):
    """A customer managed policy attached to the role may use the variable too; its default
    version is unchanged afterwards.

    AWS: "IAM policy elements: Variables and tags"
    (IAM/latest/UserGuide/reference_policies_variables.html).
    """
    lab = fresh_lab
    iam = lab.client("iam")
    document = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{lab.bucket}/team/{VARIABLE}/*"}]}
    arn = iam.create_policy(PolicyName="team-folders",
                            PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="cognito-lab-AuthenticatedRole", PolicyArn=arn)
    bob_id, bob = _user(lab, "bob")
    with lab.enforce_iam():
        bob.put_object(Bucket=lab.bucket, Key=f"team/{bob_id}/x.txt", Body=b"x")
        assert error_of(lambda: bob.put_object(
            Bucket=lab.bucket, Key="team/someone-else/x.txt", Body=b"x"))[0] == "AccessDenied"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v1", True)]


def test_requests_in_parallel_with_enforced_ones_are_unaffected(lab):
    """While identity-pool requests are judged, the lab's own requests in other threads
    still pass: enforcement never leaks into another request.

    AWS: "AWS account root user" (IAM/latest/UserGuide/id_root-user.html).
    """
    bob_id, bob = _user(lab, "bob")
    root = boto3.client("cognito-idp", endpoint_url=lab.endpoint_url, **lab.credentials)
    failures: list[Exception] = []

    def as_root() -> None:
        for _ in range(15):
            try:
                root.list_users(UserPoolId=lab.user_pool_id)
            except Exception as exc:
                failures.append(exc)

    with lab.enforce_iam():
        threads = [threading.Thread(target=as_root) for _ in range(3)]
        for thread in threads:
            thread.start()
        for n in range(15):
            bob.put_object(Bucket=lab.bucket, Key=f"private/{bob_id}/{n}.txt", Body=b"x")
        for thread in threads:
            thread.join()
    assert failures == []


def test_presigned_urls_are_refused_with_a_clear_message(lab):
    """The lab cannot have moto's IAM engine check presigned URLs: it says so (501) rather
    than letting them through unchecked. (On AWS they are checked like any request.)

    AWS: "Sharing objects with presigned URLs" (AmazonS3/latest/userguide/
    ShareObjectPreSignedURL.html).
    """
    bob_id, bob = _user(lab, "bob")
    url = bob.generate_presigned_url("get_object", Params={
        "Bucket": lab.bucket, "Key": f"private/{bob_id}/a.txt"})
    with lab.enforce_iam():
        answer = requests.get(url, timeout=10)
    assert answer.status_code == 501
    assert "presigned" in answer.text


@pytest.mark.parametrize(("document", "expected"), [
    ({"Resource": "arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}/*"},
     {"Resource": "arn:aws:s3:::b/private/us-east-1:abc/*"}),
    ({"Resource": ["x/${Cognito-Identity.amazonaws.com:SUB}", "${aws:username}"]},
     {"Resource": ["x/us-east-1:abc", "${aws:username}"]}),
    ({"Sid": "${cognito-identity.amazonaws.com:aud}", "N": 1},
     {"Sid": "us-east-1:pool", "N": 1}),
])
def test_substitute_replaces_known_variables_in_strings_only(document, expected):
    """Known variables are replaced (names compare without regard to case); unknown ones
    stay as written, so they match nothing.

    AWS: "IAM policy elements: Variables and tags"
    (IAM/latest/UserGuide/reference_policies_variables.html).
    """
    values = {"cognito-identity.amazonaws.com:sub": "us-east-1:abc",
              "cognito-identity.amazonaws.com:aud": "us-east-1:pool"}
    assert json.loads(substitute(json.dumps(document), values)) == expected
