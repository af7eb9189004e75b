"""Serving an API's stage: find the route or method, authorize, invoke the integration.

AWS serves a stage at ``https://{api_id}.execute-api.{region}.amazonaws.com/{stage}/...``
(an HTTP API's ``$default`` stage at the root). The lab serves the same at
``{lab}/_aws/execute-api/{api_id}/{stage}/...`` (``$default``: ``{lab}/_aws/execute-api/
{api_id}/...``): a path on the lab's one port, so it also works behind a proxy that strips
a prefix. ``/_aws/`` is used by no AWS service (no S3 bucket name may contain ``_``).

What AWS answers when nothing matches: an HTTP API 404 ``{"message":"Not Found"}``; a REST
API 403 ``{"message":"Missing Authentication Token"}`` for a path or method it lacks, and
403 ``{"message":"Forbidden"}`` for a stage it lacks. A failing integration: HTTP API 500
``{"message":"Internal Server Error"}``, REST API 502 ``{"message": "Internal server
error"}``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..functions import FunctionNotBound
from . import authorizers, events
from .authorizers import AuthorizerCache, Refused
from .directory import ApiDirectory
from .events import ApiRequest, json_response
from .jwt_check import KeySource

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

    from .. import Emulator

PREFIX = "/_aws/execute-api"
log = logging.getLogger("cognito_lab.emulator")
NOTE = "x-cognito-lab-note"      # the lab explains what it does not play, in a header


@dataclass
class ApiGatewayState:
    """One lab's API Gateway data plane: moto's directory, keys and the authorizer cache."""

    directory: ApiDirectory
    keys: KeySource
    cache: AuthorizerCache


def _note(response: Response, note: str) -> Response:
    response.headers[NOTE] = note
    return response


def _request(emulator: Emulator, request: Request, api_id: str, stage: str, path: str,
             raw_path: str) -> ApiRequest:
    return ApiRequest(
        api_id=api_id, stage=stage, method=request.method, path=path, raw_path=raw_path,
        query=request.query_string.decode("latin-1"), headers=list(request.headers.items()),
        body=request.get_data(), source_ip=request.remote_addr or "127.0.0.1",
        region=emulator.region, account_id=emulator.account_id, now=emulator.clock.now())


def invoke(emulator: Emulator, request: Request, api_id: str, rest: str = "") -> Response:
    """The route handler for ``/_aws/execute-api/<api_id>/<rest>``."""
    state = emulator.apigateway
    rest = "/" + rest.lstrip("/") if rest else "/"
    try:
        if state.directory.http_api(api_id) is not None:
            return _http_api(emulator, request, api_id, rest)
        if state.directory.rest_api(api_id) is not None:
            return _rest_api(emulator, request, api_id, rest)
    except Refused as refused:
        return refused.response
    return json_response({"message": "Not Found"}, 404)


# -- HTTP APIs ------------------------------------------------------------------------------
def _http_route(routes: list[dict], method: str, path: str) -> tuple[dict, dict] | None:
    candidates = []
    for route in routes:
        key = route.get("routeKey", "")
        if key == "$default":
            continue
        verb, _, template = key.partition(" ")
        if verb not in (method, "ANY"):
            continue
        params = events.match_path(template, path)
        if params is not None:
            candidates.append((events.specificity(template), verb == "ANY", route, params))
    if candidates:
        candidates.sort(key=lambda c: (c[0], c[1]))
        return candidates[0][2], candidates[0][3]
    default = next((r for r in routes if r.get("routeKey") == "$default"), None)
    return (default, {}) if default else None


def _http_api(emulator: Emulator, request: Request, api_id: str, rest: str) -> Response:
    state = emulator.apigateway
    stages = state.directory.http_stages(api_id)
    first, _, after = rest[1:].partition("/")
    if first and first != "$default" and first in stages:
        stage, path, raw_path = first, "/" + after, rest
    elif "$default" in stages:
        stage, path = "$default", rest
        raw_path = path
    else:
        return json_response({"message": "Not Found"}, 404)
    api_request = _request(emulator, request, api_id, stage, path, raw_path)
    found = _http_route(state.directory.http_routes(api_id), api_request.method, path)
    if found is None:
        return json_response({"message": "Not Found"}, 404)
    route, params = found
    variables = stages[stage].get("stageVariables") or {}

    def event_of(version: str = "2.0", authorizer: dict | None = None) -> dict:
        if version == "2.0":
            return events.v2_event(api_request, route["routeKey"], params, variables,
                                   authorizer)
        return events.v1_event(api_request, route["routeKey"], route.get("routeId", ""),
                               params, variables, authorizer)

    kind = route.get("authorizationType") or "NONE"
    allowed: dict | None = None
    if kind == "JWT":
        authorizer = state.directory.http_authorizer(api_id, route["authorizerId"])
        allowed = authorizers.run_jwt(authorizer, route, api_request, state.keys).context
    elif kind == "CUSTOM":
        authorizer = state.directory.http_authorizer(api_id, route["authorizerId"])
        allowed = authorizers.run_http_lambda(
            authorizer, route, api_request, lambda version: _authorizer_event(event_of(version)),
            emulator.functions, state.cache, variables).context
    elif kind != "NONE":
        return _note(json_response({"message": "Forbidden"}, 403),
                     f"the lab does not play {kind} authorization")
    target = route.get("target") or ""
    if not target.startswith("integrations/"):
        return _note(json_response({"message": "Not Found"}, 404), "the route has no target")
    integration = state.directory.http_integration(api_id, target.split("/", 1)[1])
    failed = json_response({"message": "Internal Server Error"}, 500)
    if integration.get("integrationType") != "AWS_PROXY":
        return _note(failed, f"the lab plays AWS_PROXY (Lambda) integrations only, not "
                             f"{integration.get('integrationType')}")
    version = integration.get("payloadFormatVersion") or "2.0"
    event = event_of(version, allowed)
    try:
        result = emulator.functions.invoke(integration.get("integrationUri", ""), event,
                                           caller="API Gateway integration", timeout_ms=30000)
    except FunctionNotBound as exc:
        return _note(failed, str(exc))
    except Exception:  # the function failed: API Gateway's 500
        log.info("integration function failed", exc_info=True)
        return failed
    if version == "2.0":
        return events.v2_response(result)
    return events.v1_response(result, http_api=True) or failed


def _authorizer_event(event: dict) -> dict:
    # an authorizer's event is the request's, without the integration-only fields
    event = dict(event)
    event.pop("version", None)
    return event


# -- REST APIs ------------------------------------------------------------------------------
def _rest_method(resources: list[dict], method: str,
                 path: str) -> tuple[dict, dict, dict] | None:
    candidates = []
    for resource in resources:
        params = events.match_path(resource.get("path", "/"), path)
        if params is None:
            continue
        methods = resource.get("resourceMethods") or {}
        chosen = methods.get(method) or methods.get("ANY")
        if chosen is None:
            continue
        candidates.append((events.specificity(resource.get("path", "/")), resource, chosen,
                           params))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])
    return candidates[0][1], candidates[0][2], candidates[0][3]


def _rest_api(emulator: Emulator, request: Request, api_id: str, rest: str) -> Response:
    state = emulator.apigateway
    stage_name, _, after = rest[1:].partition("/")
    stage = state.directory.rest_stage(api_id, stage_name) if stage_name else None
    if stage is None:
        return json_response({"message": "Forbidden"}, 403)
    path = "/" + after
    api_request = _request(emulator, request, api_id, stage_name, path, rest)
    found = _rest_method(state.directory.rest_resources(api_id), api_request.method, path)
    if found is None:
        return json_response({"message": "Missing Authentication Token"}, 403)
    resource, method, params = found
    variables = stage.get("variables") or {}

    def event_of(authorizer: dict | None = None) -> dict:
        return events.v1_event(api_request, resource.get("path", "/"), resource.get("id", ""),
                               params, variables, authorizer)

    kind = method.get("authorizationType") or "NONE"
    allowed: dict | None = None
    if kind == "COGNITO_USER_POOLS":
        authorizer = state.directory.rest_authorizer(api_id, method["authorizerId"])
        allowed = authorizers.run_cognito(authorizer, method, api_request, state.keys,
                                          state.cache).context
    elif kind == "CUSTOM":
        authorizer = state.directory.rest_authorizer(api_id, method["authorizerId"])
        allowed = authorizers.run_rest_lambda(authorizer, api_request, event_of,
                                              emulator.functions, state.cache,
                                              variables).context
    elif kind != "NONE":
        return _note(json_response({"message": "Forbidden"}, 403),
                     f"the lab does not play {kind} authorization")
    integration: dict[str, Any] = method.get("methodIntegration") or {}
    failed = json_response({"message": "Internal server error"}, 502)
    if integration.get("type") != "AWS_PROXY":
        return _note(json_response({"message": "Internal server error"}, 500),
                     "the lab plays AWS_PROXY (Lambda proxy) integrations only")
    try:
        result = emulator.functions.invoke(integration.get("uri", ""), event_of(allowed),
                                           caller="API Gateway integration", timeout_ms=29000)
    except FunctionNotBound as exc:
        return _note(json_response({"message": "Internal server error"}, 500), str(exc))
    except Exception:  # the function failed: API Gateway's 502
        log.info("integration function failed", exc_info=True)
        return failed
    return events.v1_response(result, http_api=False) or failed
