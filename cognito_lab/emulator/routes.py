"""The emulator's own HTTP endpoints (JWKS, OpenID configuration, the hosted UI).

Each part declares its routes in a table (``hosted_ui/urls.py``, ``user_pools/urls.py``);
the Emulator combines them into one :class:`Routes`. A handler takes
``(emulator, request, **url_values)`` and returns a werkzeug Response. Each route names the
methods it answers; any other method gets 405 with ``Allow``.

The emulator also owns the paths around its routes (``/oauth2/...``, ``/login/...``,
``/logout/...``, ``/.well-known/...``, ``/<pool id>/.well-known/...``): a path there that no
route has is the emulator's 404, never a request for moto (whose S3 would take
``/oauth2/tokens`` for an object in a bucket named "oauth2"). S3 requests signed in the
query string (presigned URLs) still go to moto.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from werkzeug.routing import Map, Rule

from ..cognito_ids import USER_POOL_ID_PATTERN

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

    from . import Emulator

RouteHandler = Callable[..., "Response"]


@dataclass(frozen=True)
class Route:
    """One endpoint: a werkzeug path pattern, the methods it answers, and its handler."""

    path: str
    methods: tuple[str, ...]
    handler: RouteHandler


# Paths no AWS service but the hosted UI and the issuer answers on (see the module docstring).
OWNED_PATHS = re.compile(r"/(oauth2|saml2|login|logout|\.well-known)(/|$)"
                         rf"|/{USER_POOL_ID_PATTERN}/\.well-known(/|$)")
_PRESIGNED = ("X-Amz-Signature=", "X-Amz-Credential=", "AWSAccessKeyId=")


class Routes:
    """The emulator's routes, matched with werkzeug's router."""

    def __init__(self, routes: list[Route]) -> None:
        self._handlers = {route.path: route.handler for route in routes}
        self._map = Map([Rule(route.path, endpoint=route.path, methods=list(route.methods))
                         for route in routes], strict_slashes=False)

    def handle(self, emulator: Emulator, request: Request) -> Response | None:
        """Answer ``request`` if one of the routes matches it, else None (for moto)."""
        from werkzeug.exceptions import MethodNotAllowed, NotFound

        adapter = self._map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except NotFound as exc:
            query = request.environ.get("QUERY_STRING", "")
            if OWNED_PATHS.match(request.path) and not any(p in query for p in _PRESIGNED):
                return exc.get_response(request.environ)
            return None
        except MethodNotAllowed as exc:
            return exc.get_response(request.environ)
        return self._handlers[endpoint](emulator, request, **values)
