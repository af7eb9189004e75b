"""moto's query-protocol services (STS, IAM), reached in-process like MotoGateway reaches
the JSON ones.

STS and IAM speak AWS's *query* protocol (form-encoded requests, XML answers), not JSON.
botocore's own serializer and parser turn parameters into the wire format and back, so
the lab sends moto exactly what an SDK would. Requests carry the lab's account id and are
signed with the lab's own access key: moto then treats them as the account's root, which
IAM enforcement never restricts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ...aws_models import service_model
from ..errors import CognitoError


class QueryError(CognitoError):
    """An error answer from STS or IAM (code and message as moto sent them): not a
    Cognito error code, so no class of its own (see ``CognitoError.from_code``)."""


class QueryGateway:
    """Call ``sts`` and ``iam`` operations of one lab's moto account."""

    HOSTS = {"sts": "sts.amazonaws.com", "iam": "iam.amazonaws.com"}

    def __init__(self, app: Any, account_id: str, region: str, access_key: str) -> None:
        from werkzeug.test import Client

        self.account_id = account_id
        self.region = region
        self._access_key = access_key
        self._client = Client(app)

    def call(self, service: str, operation: str, params: dict | None = None) -> dict:
        from botocore import parsers, serialize

        op = service_model(service).operation_model(operation)
        request = serialize.create_serializer("query", include_validation=False) \
            .serialize_to_request(params or {}, op)
        scope = f"{self._access_key}/20260101/{self.region}/{service}/aws4_request"
        response = self._client.post("/", data=urlencode(request["body"]), headers={
            "Host": self.HOSTS[service],
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": (f"AWS4-HMAC-SHA256 Credential={scope}, "
                              "SignedHeaders=host, Signature=0"),
            "x-moto-account-id": self.account_id,
        })
        parsed = parsers.create_parser("query").parse(
            {"status_code": response.status_code, "headers": dict(response.headers),
             "body": response.data}, op.output_shape)
        if response.status_code >= 400 or "Error" in parsed:
            error = parsed.get("Error", {})
            raise QueryError(error.get("Message") or "",
                             code=error.get("Code") or str(response.status_code),
                             status=response.status_code)
        parsed.pop("ResponseMetadata", None)
        return parsed

    def sts(self, operation: str, **params: Any) -> dict:
        return self.call("sts", operation, params)

    def iam(self, operation: str, **params: Any) -> dict:
        return self.call("iam", operation, params)
