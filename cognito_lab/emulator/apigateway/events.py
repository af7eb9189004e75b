"""The events API Gateway sends a Lambda proxy integration, and how it reads the answer.

- HTTP APIs, payload format 2.0 — AWS, "Create AWS Lambda proxy integrations for HTTP APIs
  in API Gateway" (/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
  ``version``, ``routeKey``, ``rawPath``, ``rawQueryString``, ``cookies``, ``headers``
  (lower-case names, repeated values joined with commas), ``queryStringParameters``,
  ``requestContext`` (``authorizer.jwt.claims`` / ``.scopes``, or ``authorizer.lambda``),
  ``body``, ``pathParameters``, ``isBase64Encoded``, ``stageVariables``. A function answer
  without ``statusCode`` that is valid JSON becomes a 200 ``application/json`` body.
- REST APIs (and HTTP APIs with payload 1.0) — AWS, "Lambda proxy integrations in API
  Gateway" (/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html):
  ``resource``, ``path``, ``httpMethod``, ``headers``/``multiValueHeaders``, query string
  maps, ``pathParameters``, ``stageVariables``, ``requestContext`` (``authorizer.claims``
  for a Cognito user pool authorizer), ``body``, ``isBase64Encoded``. The answer must be an
  object with ``statusCode``; anything else is a 502 "Internal server error".
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.wrappers import Response


@dataclass
class ApiRequest:
    """One request to an API's stage, as API Gateway sees it."""

    api_id: str
    stage: str
    method: str
    path: str                     # the resource path, after any stage segment: "/orders/7"
    raw_path: str                 # what HTTP APIs put in rawPath ("/prod/orders/7")
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    region: str
    account_id: str
    now: float
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return ",".join(values) if values else None

    def query_values(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query, keep_blank_values=True)

    @property
    def domain_name(self) -> str:
        return f"{self.api_id}.execute-api.{self.region}.amazonaws.com"

    def body_fields(self) -> tuple[str | None, bool]:
        if not self.body:
            return None, False
        try:
            return self.body.decode("utf-8"), False
        except UnicodeDecodeError:
            return base64.b64encode(self.body).decode("ascii"), True


def json_response(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _clf_time(now: float) -> str:
    return time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now))


# -- payload format 2.0 ---------------------------------------------------------------------
def v2_event(request: ApiRequest, route_key: str, path_parameters: dict[str, str],
             stage_variables: dict[str, str], authorizer: dict | None) -> dict:
    headers: dict[str, str] = {}
    for name, value in request.headers:
        if name.lower() == "cookie":
            continue
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    query: dict[str, str] = {}
    for name, value in request.query_values():
        query[name] = f"{query[name]},{value}" if name in query else value
    cookie = request.header("cookie")
    body, encoded = request.body_fields()
    event: dict[str, Any] = {
        "version": "2.0", "routeKey": route_key, "rawPath": request.raw_path,
        "rawQueryString": request.query, "headers": headers,
        "requestContext": {
            "accountId": request.account_id, "apiId": request.api_id,
            "domainName": request.domain_name, "domainPrefix": request.api_id,
            "http": {"method": request.method, "path": request.raw_path,
                     "protocol": "HTTP/1.1", "sourceIp": request.source_ip,
                     "userAgent": request.header("user-agent") or ""},
            "requestId": request.request_id, "routeKey": route_key, "stage": request.stage,
            "time": _clf_time(request.now), "timeEpoch": int(request.now * 1000)},
        "isBase64Encoded": encoded,
    }
    if cookie:
        event["cookies"] = [c.strip() for c in cookie.split(";") if c.strip()]
    if query:
        event["queryStringParameters"] = query
    if authorizer is not None:
        event["requestContext"]["authorizer"] = authorizer
    if body is not None:
        event["body"] = body
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if stage_variables:
        event["stageVariables"] = dict(stage_variables)
    return event


def v2_response(result: Any) -> Response:
    """Read a function's answer as an HTTP API (payload 2.0) does."""
    if not (isinstance(result, dict) and "statusCode" in result):
        return Response(json.dumps(result), status=200, content_type="application/json")
    return _proxy_response(result, http_api=True)


# -- payload format 1.0 (REST APIs) -----------------------------------------------------------
def v1_event(request: ApiRequest, resource: str, resource_id: str,
             path_parameters: dict[str, str], stage_variables: dict[str, str],
             authorizer: dict | None) -> dict:
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        multi_headers.setdefault(name, []).append(value)
    multi_query: dict[str, list[str]] = {}
    for name, value in request.query_values():
        multi_query.setdefault(name, []).append(value)
    body, encoded = request.body_fields()
    context: dict[str, Any] = {
        "accountId": request.account_id, "apiId": request.api_id,
        "domainName": request.domain_name, "domainPrefix": request.api_id,
        "extendedRequestId": request.request_id, "httpMethod": request.method,
        "identity": {"sourceIp": request.source_ip,
                     "userAgent": request.header("user-agent"), "accessKey": None,
                     "accountId": None, "caller": None, "cognitoIdentityId": None,
                     "cognitoIdentityPoolId": None, "user": None, "userArn": None},
        "path": f"/{request.stage}{request.path}", "protocol": "HTTP/1.1",
        "requestId": request.request_id, "requestTime": _clf_time(request.now),
        "requestTimeEpoch": int(request.now * 1000), "resourceId": resource_id,
        "resourcePath": resource, "stage": request.stage}
    if authorizer is not None:
        context["authorizer"] = authorizer
    return {
        "resource": resource, "path": request.path, "httpMethod": request.method,
        "headers": {k: v[-1] for k, v in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": dict(stage_variables) or None,
        "requestContext": context, "body": body, "isBase64Encoded": encoded}


def v1_response(result: Any, *, http_api: bool) -> Response | None:
    """Read a payload 1.0 answer; None if it is malformed (the caller's 502/500)."""
    if not isinstance(result, dict) or not isinstance(result.get("statusCode"), int):
        return None
    return _proxy_response(result, http_api=http_api)


def _proxy_response(result: dict, *, http_api: bool) -> Response:
    body = result.get("body")
    if body is None:
        data = b""
    elif result.get("isBase64Encoded"):
        data = base64.b64decode(str(body))
    else:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
    response = Response(data, status=int(result.get("statusCode", 200)))
    response.headers.pop("Content-Type", None)
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = str(value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values or []:
            response.headers.add(name, str(value))
    for cookie in result.get("cookies") or []:
        response.headers.add("Set-Cookie", str(cookie))
    if "Content-Type" not in response.headers:
        response.headers["Content-Type"] = "application/json"
    return response


# -- routing --------------------------------------------------------------------------------
def path_pattern(template: str) -> re.Pattern[str]:
    """``/orders/{id}`` and ``/files/{proxy+}`` as a regex with named groups."""
    parts = []
    for segment in template.strip("/").split("/") if template.strip("/") else []:
        match = re.fullmatch(r"\{([A-Za-z0-9_.\-]+)(\+?)\}", segment)
        if match and match.group(2):
            parts.append(f"(?P<{_group(match.group(1))}>.+)")
        elif match:
            parts.append(f"(?P<{_group(match.group(1))}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("/" + "/".join(parts) + "/?" if parts else "/?")


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", lambda m: f"_{ord(m.group()):x}_", name)


def match_path(template: str, path: str) -> dict[str, str] | None:
    match = path_pattern(template).fullmatch(path)
    if match is None:
        return None
    names = re.findall(r"\{([A-Za-z0-9_.\-]+)\+?\}", template)
    return {name: match.group(_group(name)) for name in names}


def specificity(template: str) -> tuple[int, int, int]:
    """Sort key, most specific first: no greedy variable, then more literal segments,
    then more segments (AWS: "the most-specific match")."""
    segments = [s for s in template.strip("/").split("/") if s]
    greedy = any(s.endswith("+}") for s in segments)
    literal = sum(1 for s in segments if not s.startswith("{"))
    return (1 if greedy else 0, -literal, -len(segments))
