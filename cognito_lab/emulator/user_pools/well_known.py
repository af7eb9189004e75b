"""The issuer's public documents: the JWKS and the OpenID Connect discovery document.

AWS serves both under the issuer, ``https://cognito-idp.<region>.amazonaws.com/<pool>``;
the lab serves them under its own URL at the same paths.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from ...cognito_ids import JWKS_PATH
from ..errors import CognitoError

if TYPE_CHECKING:
    from .. import Emulator


def json_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _known_pool(emulator: Emulator, pool_id: str) -> bool:
    try:
        emulator.directory.pool(pool_id)
    except CognitoError:
        return False
    return True


def jwks(emulator: Emulator, request: Request, pool_id: str) -> Response:
    if not _known_pool(emulator, pool_id):
        return json_response({"message": f"User pool {pool_id} does not exist."}, 404)
    response = json_response(emulator.keys.ring(pool_id).jwks())
    response.headers["Cache-Control"] = "max-age=3600"   # keys change rarely: cache them
    return response


def openid_configuration(emulator: Emulator, request: Request, pool_id: str) -> Response:
    if not _known_pool(emulator, pool_id):
        return json_response({"message": f"User pool {pool_id} does not exist."}, 404)
    base = emulator.base_url
    return json_response({
        "authorization_endpoint": f"{base}/oauth2/authorize",
        "end_session_endpoint": f"{base}/logout",
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": emulator.issuer(pool_id),
        "jwks_uri": f"{base}/{pool_id}{JWKS_PATH}",
        "response_types_supported": ["code", "token"],
        "revocation_endpoint": f"{base}/oauth2/revoke",
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": f"{base}/oauth2/token",
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": f"{base}/oauth2/userInfo",
    })
