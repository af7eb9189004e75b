"""What a user pool serves over plain HTTP: its issuer's JWKS and OpenID configuration."""

from __future__ import annotations

from ...cognito_ids import JWKS_PATH
from ..routes import Route
from . import well_known

ROUTES: list[Route] = [
    Route(f"/<pool_id>{JWKS_PATH}", ("GET",), well_known.jwks),
    Route("/<pool_id>/.well-known/openid-configuration", ("GET",), well_known.openid_configuration),
]
