"""API Gateway's configuration, read from moto (the directory of record) over its HTTP API,
and kept between requests until something may have changed it.

API Gateway's control plane is REST-JSON (``GET /v2/apis/{id}/routes``,
``GET /restapis/{id}/resources``), not the JSON-target protocol of Cognito, so this module
sends moto the GET requests an SDK would, through the same app (and IAM gate) and with the
lab's account id. Only reads: the lab never changes an API behind its owner's back.

Reading moto is most of what an invocation costs (a request through moto's app per
resource: five for a JWT-authorized route), so each answer (404s included) is kept and
served again until a request that may change moto passes through the lab: the dispatcher
calls :meth:`ApiDirectory.after_moto_request` after every request it forwards to moto
that is not a user pools or identity pools call, and any method but GET or HEAD empties
the store. Deliberately broad (any service, not just ``/restapis`` and ``/v2/apis``): a
needless miss costs one read, a stale answer would be a wrong lesson. Changes therefore
take effect on the next request, as the lab always served them (a REST API's changes too,
without a new deployment: ``docs/fidelity.md``, "Lab vs AWS").
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import quote

from werkzeug.test import Client

READS = frozenset({"GET", "HEAD"})   # what cannot change moto
MAX_ANSWERS = 4096                   # invoke URLs name API ids: never grow without bound


class NotFound(LookupError):
    """moto has no such API, stage, authorizer or integration."""


class ApiDirectory:
    """Reads one lab's API Gateway resources from moto, keeping the answers until moto
    may have changed (thread-safe)."""

    def __init__(self, app: Any, account_id: str, region: str, access_key: str) -> None:
        self._client = Client(app)
        self._headers = {
            "Authorization": (f"AWS4-HMAC-SHA256 Credential={access_key}/20260101/{region}/"
                              "apigateway/aws4_request, SignedHeaders=host, Signature=0"),
            "x-moto-account-id": account_id,
        }
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[int, bytes]] = {}   # path -> (status, body)
        self._generation = 0            # bumped by forget(): a read begun before it is stale
        self.moto_reads = 0             # requests sent to moto (what the store saves)

    # -- the store ---------------------------------------------------------------------------
    def after_moto_request(self, method: str) -> None:
        """The dispatcher forwarded a request to moto: forget everything if it may have
        changed moto's state (anything but GET or HEAD)."""
        if method.upper() not in READS:
            self.forget()

    def forget(self) -> None:
        """Drop every kept answer; reads in flight will not store theirs."""
        with self._lock:
            self._generation += 1
            self._answers.clear()

    def _answer(self, path: str) -> tuple[int, bytes]:
        with self._lock:
            kept = self._answers.get(path)
            generation = self._generation
            if kept is None:
                self.moto_reads += 1
        if kept is not None:
            return kept
        response = self._client.get(path, headers=self._headers)
        answer = (response.status_code, response.get_data())
        # an answer read while moto changed is not stored (a forget() came in between);
        # errors other than 404 are never stored
        if answer[0] < 400 or answer[0] == 404:
            with self._lock:
                if generation == self._generation and len(self._answers) < MAX_ANSWERS:
                    self._answers[path] = answer
        return answer

    def _get(self, path: str) -> dict:
        status, body = self._answer(path)
        if status == 404:
            raise NotFound(path)
        if status >= 400:
            raise RuntimeError(f"moto answered {status} to GET {path}: "
                               f"{body.decode(errors='replace')[:300]}")
        return json.loads(body or b"{}")     # a fresh object each time: callers may change it

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
