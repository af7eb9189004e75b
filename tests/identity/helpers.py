"""Helpers for the identity pool tests: tokens, logins, clients as a browser app has them."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError


def provider(lab) -> str:
    return f"cognito-idp.{lab.region}.amazonaws.com/{lab.user_pool_id}"


def mint(lab, name: str, client: str = "web") -> dict:
    """Tokens for a demo user, minted by the lab's token service exactly as a sign-in mints
    them (the tests need many; SRP costs half a second per sign-in)."""
    emulator = lab.emulator
    client_settings = emulator.directory.client(lab.user_pool_id,
                                                lab.app_clients[client].client_id)
    user = emulator.directory.user(lab.user_pool_id, lab.users[name].username)
    tokens = emulator.tokens.start_session(pool_id=lab.user_pool_id, client=client_settings,
                                           user=user, scopes=["aws.cognito.signin.user.admin"])
    return {"IdToken": tokens.id_token, "AccessToken": tokens.access_token}


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def resign(lab, token: str, **changes: Any) -> str:
    """The same ID token with some claims changed, signed again with the pool's ID key."""
    body = {**claims(token), **changes}
    return lab.sign_as_pool(body, "id")


def logins(lab, id_token: str) -> dict:
    return {provider(lab): id_token}


def browser(lab, service: str = "cognito-identity") -> Any:
    """A client without AWS credentials, as a browser app has: its requests are unsigned."""
    return boto3.client(service, endpoint_url=lab.endpoint_url, region_name=lab.region,
                        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))


def get_id(lab, id_token: str) -> str:
    return browser(lab).get_id(IdentityPoolId=lab.identity_pool_id,
                               Logins=logins(lab, id_token))["IdentityId"]


def credentials(lab, id_token: str, **extra: Any) -> tuple[str, dict]:
    """GetId then GetCredentialsForIdentity: (identity id, Credentials)."""
    identity_id = get_id(lab, id_token)
    answer = browser(lab).get_credentials_for_identity(
        IdentityId=identity_id, Logins=logins(lab, id_token), **extra)
    return identity_id, answer["Credentials"]


def client_with(lab, creds: dict, service: str = "s3") -> Any:
    return boto3.client(service, endpoint_url=lab.endpoint_url, region_name=lab.region,
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds["SecretKey"],
                        aws_session_token=creds["SessionToken"],
                        config=Config(retries={"max_attempts": 1}))


def role_of(lab, creds: dict) -> str:
    """The role these credentials belong to, as STS itself reports it."""
    arn = client_with(lab, creds, "sts").get_caller_identity()["Arn"]
    return arn.split(":assumed-role/")[1].split("/")[0]


def error_of(call) -> tuple[str, str]:
    """(code, message) of the ClientError the call raises; fails if it does not raise."""
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response["Error"].get("Message", "")
    raise AssertionError("the call succeeded; an error was expected")


def trust_policy(identity_pool_id: str, amr: str = "authenticated") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
                      "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr}}}]})


def make_role(lab, name: str, policy: dict | None = None, amr: str = "authenticated") -> str:
    """A role that trusts the lab's identity pool; returns its ARN."""
    iam = lab.client("iam")
    arn = iam.create_role(RoleName=name,
                          AssumeRolePolicyDocument=trust_policy(lab.identity_pool_id, amr))
    if policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    return arn["Role"]["Arn"]


def template_roles(lab) -> dict:
    """The identity pool's roles as the template set them."""
    return lab.client("cognito-identity").get_identity_pool_roles(
        IdentityPoolId=lab.identity_pool_id)
