"""The emulator's own HTTP endpoints (JWKS, OpenID configuration, the hosted UI).

Each handler takes ``(emulator, request, **url_values)`` and returns a werkzeug Response.
"""

from __future__ import annotations

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


def url_map() -> Map:
    return Map([rule.empty() for rule in RULES], strict_slashes=False)


def handle(emulator: Emulator, request: Request) -> Response | None:
    """Answer ``request`` if one of the emulator's routes matches it, else None."""
    from werkzeug.exceptions import MethodNotAllowed, NotFound

    adapter = emulator.url_map.bind_to_environ(request.environ)
    try:
        endpoint, values = adapter.match()
    except NotFound:
        return None
    except MethodNotAllowed as exc:
        return exc.get_response(request.environ)
    return ENDPOINTS[endpoint](emulator, request, **values)
