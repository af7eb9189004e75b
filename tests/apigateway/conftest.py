"""One lab for the API Gateway tests, and helpers to make tokens and APIs in it."""

from __future__ import annotations

import itertools
import json
import uuid

import pytest
import requests

from cognito_lab import Lab

_names = itertools.count()


@pytest.fixture(scope="package")
def lab():
    with Lab.start() as lab:
        yield lab


def token(lab: Lab, use: str = "access", *, scope: str | None = None, lifetime: int = 3600,
          **extra) -> str:
    """A token signed with the pool's own key (as Cognito would sign one)."""
    now = int(lab.clock.now())
    client_id = lab.app_clients["web"].client_id
    claims = {"sub": str(uuid.uuid4()), "iss": lab.issuer, "token_use": use,
              "auth_time": now, "iat": now, "exp": now + lifetime, "jti": str(uuid.uuid4()),
              "cognito:groups": ["admins", "readers"]}
    if use == "access":
        claims.update(client_id=client_id, scope=scope or "openid email",
                      username="alice@example.com")
    else:
        claims.update(aud=client_id, email="alice@example.com", token_use="id")
    claims.update(extra)
    return lab.sign_as_pool(claims, "access" if use == "access" else "id")


def echo(event, context):
    """A Lambda integration that answers with the event it received."""
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps(event)}


def name(prefix: str) -> str:
    return f"{prefix}-{next(_names)}"


def get(url: str, token_value: str | None = None, **headers) -> requests.Response:
    if token_value is not None:
        headers["Authorization"] = token_value
    return requests.get(url, headers=headers, timeout=10)
