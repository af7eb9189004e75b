"""The real tokens and keys the forgery gallery starts from, fetched from a running lab.

Everything here goes through the lab's public surface: boto3 clients, the JWKS URL,
``Lab.start`` for a second lab (another user pool) and ``lab.sign_as_pool`` for the tokens
only Cognito could sign.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

OTHER_APP_NAME = "reports"
_ATTACKER_TEMPLATE = {"Resources": {
    "Pool": {"Type": "AWS::Cognito::UserPool", "Properties": {
        "UserPoolName": "attacker-pool", "UsernameAttributes": ["email"],
        "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": True,
                                        "RequireLowercase": True, "RequireNumbers": True,
                                        "RequireSymbols": False}}}},
    "App": {"Type": "AWS::Cognito::UserPoolClient", "Properties": {
        "UserPoolId": {"Ref": "Pool"}, "ClientName": "attacker-app", "GenerateSecret": False,
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}}}}


def sign_as_pool(lab: Any, claims: dict, purpose: str = "access") -> str:
    """Sign as Cognito itself, with the pool's current private key.

    No attacker can do this; the gallery does it (through the lab's public
    ``sign_as_pool``) to make tokens whose signature is genuine but whose claims are
    wrong, because a verifier's claim checks must hold on their own.
    """
    return lab.sign_as_pool(claims, purpose)


def other_app_client_id(lab: Any) -> str:
    """The pool's ``reports`` app client (created once): a second app of the same pool."""
    idp = lab.client("cognito-idp")
    listed = idp.list_user_pool_clients(UserPoolId=lab.user_pool_id, MaxResults=60)
    for item in listed["UserPoolClients"]:
        if item["ClientName"] == OTHER_APP_NAME:
            return item["ClientId"]
    created = idp.create_user_pool_client(
        UserPoolId=lab.user_pool_id, ClientName=OTHER_APP_NAME, GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    return created["UserPoolClient"]["ClientId"]


def other_pool_access_token(lab: Any) -> tuple[str, str]:
    """A genuine access token from another user pool (a second lab), and its issuer."""
    from cognito_lab import Lab
    from cognito_lab.client import password

    with Lab.start(_ATTACKER_TEMPLATE, region=lab.region, users=()) as other:
        mallory = other.add_user("mallory", "mallory@example.net")
        app = other.app_clients["attacker-app"]
        result = password.sign_in(other.client("cognito-idp"), client_id=app.client_id,
                                  username=mallory.username, password=mallory.password)
        return result["AccessToken"], other.issuer


def fetch_jwks(url: str) -> dict:
    """The key set published at ``url`` (the lab's, on loopback: no proxy)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback
    with opener.open(url, timeout=5) as response:
        return json.load(response)


__all__ = ["OTHER_APP_NAME", "fetch_jwks", "other_app_client_id", "other_pool_access_token",
           "sign_as_pool"]
