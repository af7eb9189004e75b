"""The emulator's own HTTP endpoints (JWKS, OpenID configuration, the hosted UI).

Each handler takes ``(emulator, request, **url_values)`` and returns a werkzeug Response.
Each route names the methods it answers; any other method gets 405 with ``Allow``.

The emulator also owns the paths around its routes (``/oauth2/...``, ``/login/...``,
``/logout/...``, ``/.well-known/...``, ``/<pool id>/.well-known/...``): a path there that no
route has is the emulator's 404, never a request for moto (whose S3 would take
``/oauth2/tokens`` for an object in a bucket named "oauth2"). S3 requests signed in the
query string (presigned URLs) still go to moto.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from werkzeug.routing import Map, Rule

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

    from . import Emulator

RouteHandler = Callable[..., "Response"]
RULES: list[Rule] = []
ENDPOINTS: dict[str, RouteHandler] = {}


def route(path: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[RouteHandler], RouteHandler]:
    def register(handler: RouteHandler) -> RouteHandler:
        endpoint = f"{handler.__module__}.{handler.__name__}"
        RULES.append(Rule(path, endpoint=endpoint, methods=list(methods)))
        ENDPOINTS[endpoint] = handler
        return handler

    return register


# Paths no AWS service but the hosted UI and the issuer answers on (see the module docstring).
OWNED_PATHS = re.compile(r"/(oauth2|login|logout|\.well-known)(/|$)"
                         r"|/[\w-]+_[0-9a-zA-Z]+/\.well-known(/|$)")   # (a pool id)
_PRESIGNED = ("X-Amz-Signature=", "X-Amz-Credential=", "AWSAccessKeyId=")


def url_map() -> Map:
    return Map([rule.empty() for rule in RULES], strict_slashes=False)


def handle(emulator: Emulator, request: Request) -> Response | None:
    """Answer ``request`` if one of the emulator's routes matches it, else None."""
    from werkzeug.exceptions import MethodNotAllowed, NotFound

    adapter = emulator.url_map.bind_to_environ(request.environ)
    try:
        endpoint, values = adapter.match()
    except NotFound as exc:
        query = request.environ.get("QUERY_STRING", "")
        if OWNED_PATHS.match(request.path) and not any(p in query for p in _PRESIGNED):
            return exc.get_response(request.environ)
        return None
    except MethodNotAllowed as exc:
        return exc.get_response(request.environ)
    return ENDPOINTS[endpoint](emulator, request, **values)
