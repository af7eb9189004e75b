"""What a user pool serves over plain HTTP: its issuer's JWKS and OpenID configuration."""

from __future__ import annotations

from ..routes import Route
from . import well_known

ROUTES: list[Route] = [
    Route("/<pool_id>/.well-known/jwks.json", ("GET",), well_known.jwks),
    Route("/<pool_id>/.well-known/openid-configuration", ("GET",), well_known.openid_configuration),
]
