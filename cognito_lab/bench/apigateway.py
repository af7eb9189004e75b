"""The lab's API Gateway at its invoke URL: one HTTP API, with and without a JWT authorizer.

Notebook 11 compares an API Gateway authorizer with verifying in the handler and GetUser
per request; this measures the lab's side of it in the bench's run. It makes an HTTP API
in the lab (``$default`` stage, AutoDeploy) with two routes to the same small function:
``GET /open`` (no authorizer: what serving a request costs) and ``GET /jwt`` (a JWT
authorizer for the bench's pool and app client), and times one request to each over
loopback HTTP (``requests``, one keep-alive session), as the bench times GetUser. The API
and its function go afterwards, so a notebook's lab is left as it was.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any


def _orders(event: dict, context: Any = None) -> dict:
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"orders": ["o-1001"]})}


class LabApiGateway:
    """An HTTP API in ``lab``; ``open()`` and ``jwt()`` are one timed request each."""

    def __init__(self, lab: Any, token: str, client_id: str) -> None:
        import requests

        self._lab, self._client_id = lab, client_id
        self._v2 = lab.client("apigatewayv2")
        self._session = requests.Session()
        self._headers = {"Authorization": f"Bearer {token}"}
        self._api: str | None = None
        self._function = lab.functions.arn("bench-apigateway")
        self._base = ""

    def __enter__(self) -> LabApiGateway:
        lab, v2 = self._lab, self._v2
        try:
            self._api = v2.create_api(Name="bench-apigateway", ProtocolType="HTTP")["ApiId"]
            v2.create_stage(ApiId=self._api, StageName="$default", AutoDeploy=True)
            authorizer = v2.create_authorizer(
                ApiId=self._api, AuthorizerType="JWT", Name="bench",
                IdentitySource=["$request.header.Authorization"],
                JwtConfiguration={"Issuer": lab.issuer, "Audience": [self._client_id]},
            )["AuthorizerId"]
            lab.functions.bind(self._function, _orders)
            integration = v2.create_integration(
                ApiId=self._api, IntegrationType="AWS_PROXY", IntegrationUri=self._function,
                PayloadFormatVersion="2.0")["IntegrationId"]
            v2.create_route(ApiId=self._api, RouteKey="GET /open",
                            Target=f"integrations/{integration}")
            v2.create_route(ApiId=self._api, RouteKey="GET /jwt", AuthorizationType="JWT",
                            AuthorizerId=authorizer, Target=f"integrations/{integration}")
            self._base = lab.api_url(self._api)
            for call in (self.open, self.jwt):     # both must answer 200 before timing
                call()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _get(self, path: str) -> None:
        response = self._session.get(self._base + path, headers=self._headers, timeout=10)
        if response.status_code != 200:
            raise RuntimeError(f"the lab's API Gateway answered {response.status_code} to "
                               f"GET {path}: {response.text[:200]}")

    def open(self) -> None:
        self._get("/open")

    def jwt(self) -> None:
        self._get("/jwt")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._session.close()
        self._lab.functions.unbind(self._function)
        if self._api is not None:
            self._v2.delete_api(ApiId=self._api)
            self._api = None
