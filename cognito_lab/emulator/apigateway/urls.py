"""Where the lab serves API Gateway stages (AWS: ``https://{api_id}.execute-api.{region}.
amazonaws.com/{stage}/...``): one path prefix on the lab's port, every method."""

from __future__ import annotations

from ..routes import Route
from . import invoke

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

ROUTES: list[Route] = [
    Route(f"{invoke.PREFIX}/<api_id>", METHODS, invoke.invoke),
    Route(f"{invoke.PREFIX}/<api_id>/<path:rest>", METHODS, invoke.invoke),
]
