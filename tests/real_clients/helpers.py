"""What the real-client tests share: fresh users, token checks with the kit's verifier, TOTP."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pyotp

from cognito_lab.api import CognitoJwtVerifier
from cognito_lab.lab import DemoUser, new_password

_numbers = itertools.count(1)


def fresh_user(lab: Any, prefix: str = "user") -> DemoUser:
    """A confirmed user of one's own (tests share a lab per module, never a user)."""
    number = next(_numbers)
    email = f"{prefix}-{number}-{uuid.uuid4().hex[:8]}@example.com"
    return lab.add_user(name=f"{prefix}-{number}", email=email)


def new_email(prefix: str = "signup") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def verified(lab: Any, token: str, token_use: str, client: str = "web",
             client_id: str | None = None, **options: Any) -> dict[str, Any]:
    """The claims of ``token`` after the kit's verifier accepted it for the lab's pool and
    the app client ``client`` (a name in lab.app_clients) or ``client_id``."""
    verifier = CognitoJwtVerifier(user_pool_id=lab.user_pool_id, token_use=token_use,
                                  client_id=client_id or lab.app_clients[client].client_id,
                                  region=lab.region, jwks_url=lab.jwks_url, clock=lab.clock,
                                  **options)
    return verifier.verify(token)


def check_tokens(lab: Any, tokens: dict[str, str], username: str,
                 client: str = "web") -> dict[str, Any]:
    """Check a sign-in's tokens ({idToken, accessToken, refreshToken}) belong to ``username``
    and this client; return the ID token's claims."""
    access = verified(lab, tokens["accessToken"], "access", client)
    claims = verified(lab, tokens["idToken"], "id", client)
    assert claims["sub"] == access["sub"]
    assert claims["email"] == username
    assert access["username"] == claims["cognito:username"]
    assert tokens["refreshToken"]
    return claims


def totp_code(lab: Any, secret: str) -> str:
    """The code an authenticator app shows now (the lab's clock is "now")."""
    return pyotp.TOTP(secret).at(lab.clock.now())


def wrong_code(right: str) -> str:
    """Six digits that are not ``right`` (nor, but for a 1-in-10^6 chance, any neighbour)."""
    return str((int(right) + 500_000) % 1_000_000).zfill(6)


def public_client(lab: Any, name: str, flows: list[str]) -> str:
    """A new public app client (no secret) with ``flows``, as an administrator makes one."""
    web = lab.app_clients["web"]
    idp = lab.client("cognito-idp")
    created = idp.create_user_pool_client(
        UserPoolId=lab.user_pool_id, ClientName=name, GenerateSecret=False,
        ExplicitAuthFlows=flows, PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True, ReadAttributes=list(_read_attributes(lab, web.client_id)),
        WriteAttributes=list(_write_attributes(lab, web.client_id)))["UserPoolClient"]
    lab.refresh_app_clients()
    return created["ClientId"]


def _described(lab: Any, client_id: str) -> dict[str, Any]:
    return lab.client("cognito-idp").describe_user_pool_client(
        UserPoolId=lab.user_pool_id, ClientId=client_id)["UserPoolClient"]


def _read_attributes(lab: Any, client_id: str) -> list[str]:
    return _described(lab, client_id).get("ReadAttributes", [])


def _write_attributes(lab: Any, client_id: str) -> list[str]:
    return _described(lab, client_id).get("WriteAttributes", [])


__all__ = ["check_tokens", "fresh_user", "new_email", "new_password", "public_client",
           "totp_code", "verified", "wrong_code"]
