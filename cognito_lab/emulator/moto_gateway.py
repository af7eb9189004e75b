"""moto, reached through its own HTTP surface, in-process.

moto is the directory of record (pools, clients, users, groups, passwords). The emulator
never touches moto's Python objects: it sends moto the same JSON requests boto3 would,
through moto's WSGI app, without a socket. Every call carries the lab's own AWS account
id (moto's ``x-moto-account-id`` header), which is what keeps two labs in one process
from seeing each other's pools.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from typing import Any

from .errors import CognitoError

# Stable ids derived from a pool's name and settings, so stored notebook outputs do not
# churn. Set before moto is imported; secrets stay random.
os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY", "HASH")

TARGET_PREFIX = {
    "cognito-idp": "AWSCognitoIdentityProviderService",
    "cognito-identity": "AWSCognitoIdentityService",
}
SERVICE_OF_PREFIX = {prefix: service for service, prefix in TARGET_PREFIX.items()}

_app_lock = threading.Lock()
_app: Any = None


def moto_app() -> Any:
    """moto's server app (one per process: moto's state is per process anyway)."""
    global _app
    with _app_lock:
        if _app is None:
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                create_backend_app,
            )

            _app = DomainDispatcherApplication(create_backend_app)
        return _app


class MotoGateway:
    """Calls moto's JSON APIs for one lab's account and region, through ``app``: moto's app,
    or the IAM gate in front of it (``identity/iam_gate.py``), as the Emulator decides."""

    def __init__(self, account_id: str, region: str, access_key: str, app: Any) -> None:
        from werkzeug.test import Client

        self.account_id = account_id
        self.region = region
        self.app = app
        self._access_key = access_key
        self._client = Client(app)

    @property
    def access_key(self) -> str:
        """The lab's own access key id (moto's IAM engine treats it as the account root)."""
        return self._access_key

    def _headers(self, service: str, operation: str) -> dict[str, str]:
        return {
            "X-Amz-Target": f"{TARGET_PREFIX[service]}.{operation}",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": (
                f"AWS4-HMAC-SHA256 Credential={self._access_key}/20260101/{self.region}/"
                f"{service}/aws4_request, SignedHeaders=host, Signature=0"
            ),
            "x-moto-account-id": self.account_id,
        }

    def call(self, service: str, operation: str, params: dict | None = None) -> dict:
        """Send one operation to moto; moto's error answers come back as CognitoError."""
        response = self._client.post(
            "/", data=json.dumps(params or {}), headers=self._headers(service, operation)
        )
        body = json.loads(response.data or b"{}")
        if response.status_code >= 400:
            code = str(body.get("__type", "InternalErrorException")).split("#")[-1]
            message = body.get("message") or body.get("Message") or response.status
            raise CognitoError.from_code(code, str(message), response.status_code)
        return body

    def idp(self, operation: str, **params: Any) -> dict:
        return self.call("cognito-idp", operation, params)

    def identity(self, operation: str, **params: Any) -> dict:
        return self.call("cognito-identity", operation, params)


@functools.cache
def moto_implements(service: str, operation: str) -> bool:
    """Whether moto answers ``operation`` of a JSON service. What it lacks it would answer
    with HTTP 500 and a traceback printed into the kernel; the dispatcher refuses it first."""
    from moto.cognitoidentity.responses import CognitoIdentityResponse
    from moto.cognitoidp.responses import CognitoIdpResponse
    from moto.core.utils import camelcase_to_underscores

    responses = {"cognito-idp": CognitoIdpResponse,
                 "cognito-identity": CognitoIdentityResponse}[service]
    return callable(getattr(responses, camelcase_to_underscores(operation), None))
