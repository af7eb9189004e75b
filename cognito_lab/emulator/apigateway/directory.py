"""API Gateway's configuration, read from moto (the directory of record) over its HTTP API.

API Gateway's control plane is REST-JSON (``GET /v2/apis/{id}/routes``,
``GET /restapis/{id}/resources``), not the JSON-target protocol of Cognito, so this module
sends moto the GET requests an SDK would, through the same app (and IAM gate) and with the
lab's account id. Only reads: the lab never changes an API behind its owner's back.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from werkzeug.test import Client


class NotFound(LookupError):
    """moto has no such API, stage, authorizer or integration."""


class ApiDirectory:
    """Reads one lab's API Gateway resources from moto."""

    def __init__(self, app: Any, account_id: str, region: str, access_key: str) -> None:
        self._client = Client(app)
        self._headers = {
            "Authorization": (f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/{region}/"
                              "apigateway/aws4_request, SignedHeaders=host, Signature=0"),
            "x-moto-account-id": account_id,
        }

    def _get(self, path: str) -> dict:
        response = self._client.get(path, headers=self._headers)
        if response.status_code == 404:
            raise NotFound(path)
        if response.status_code >= 400:
            raise RuntimeError(f"moto answered {response.status_code} to GET {path}: "
                               f"{response.get_data(as_text=True)[:300]}")
        return json.loads(response.data or b"{}")

    @staticmethod
    def _q(value: str) -> str:
        return quote(value, safe="")

    # -- HTTP APIs (apigatewayv2) ------------------------------------------------------------
    def http_api(self, api_id: str) -> dict | None:
        try:
            return self._get(f"/v2/apis/{self._q(api_id)}")
        except NotFound:
            return None

    def http_routes(self, api_id: str) -> list[dict]:
        return self._get(f"/v2/apis/{self._q(api_id)}/routes").get("items") or []

    def http_stages(self, api_id: str) -> dict[str, dict]:
        items = self._get(f"/v2/apis/{self._q(api_id)}/stages").get("items") or []
        return {stage["stageName"]: stage for stage in items}

    def http_authorizer(self, api_id: str, authorizer_id: str) -> dict:
        return self._get(f"/v2/apis/{self._q(api_id)}/authorizers/{self._q(authorizer_id)}")

    def http_integration(self, api_id: str, integration_id: str) -> dict:
        return self._get(f"/v2/apis/{self._q(api_id)}/integrations/{self._q(integration_id)}")

    # -- REST APIs (apigateway) --------------------------------------------------------------
    def rest_api(self, api_id: str) -> dict | None:
        try:
            return self._get(f"/restapis/{self._q(api_id)}")
        except NotFound:
            return None

    def rest_resources(self, api_id: str) -> list[dict]:
        body = self._get(f"/restapis/{self._q(api_id)}/resources?embed=methods&limit=500")
        return body.get("item") or body.get("items") or []

    def rest_stage(self, api_id: str, stage: str) -> dict | None:
        try:
            return self._get(f"/restapis/{self._q(api_id)}/stages/{self._q(stage)}")
        except NotFound:
            return None

    def rest_authorizer(self, api_id: str, authorizer_id: str) -> dict:
        return self._get(f"/restapis/{self._q(api_id)}/authorizers/{self._q(authorizer_id)}")
