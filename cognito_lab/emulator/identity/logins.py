"""Check the ``Logins`` of GetId, GetCredentialsForIdentity and GetOpenIdToken, as AWS does.

A login is ``{"cognito-idp.<region>.amazonaws.com/<user pool id>": <ID token>}``. The identity
pool accepts it only if the provider is one of its CognitoIdentityProviders, the token is
signed by that user pool's keys, its ``iss`` is the provider, its ``aud`` is one of the app
clients configured for that provider, and it has not expired (by the lab's clock). An
access token has no ``aud`` and is refused. Messages are the ones AWS answers with.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CognitoError, not_authorized

if TYPE_CHECKING:
    from .. import Emulator

PROVIDER_PREFIX = "cognito-idp."
NOT_SUPPORTED = "Token is not from a supported provider of this identity pool."


@dataclass(frozen=True)
class Login:
    """A checked login: who the user is (``sub``) for which provider, and the token's claims."""

    provider: str
    sub: str
    claims: dict

    @property
    def client_id(self) -> str:
        return str(self.claims.get("aud", ""))


def invalid_token(reason: str) -> CognitoError:
    return not_authorized(f"Invalid login token. {reason}")


def _b64json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _decode(token: str) -> tuple[dict, dict, bytes, bytes]:
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header, claims = _b64json(header_b64), _b64json(payload_b64)
        signature = base64.urlsafe_b64decode(signature_b64 + "=" * (-len(signature_b64) % 4))
    except (ValueError, TypeError, AttributeError) as exc:
        raise invalid_token("Not a valid OpenId Connect identity token.") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise invalid_token("Not a valid OpenId Connect identity token.")
    return header, claims, f"{header_b64}.{payload_b64}".encode("ascii"), signature


def _signed_by_pool(emulator: Emulator, pool_id: str, header: dict, signing_input: bytes,
                    signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    found = emulator.keys.find(str(header.get("kid", "")))
    if found is None or found[0] != pool_id or header.get("alg") != "RS256":
        return False
    try:
        found[1].private_key.public_key().verify(signature, signing_input, padding.PKCS1v15(),
                                                 hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def check_login(emulator: Emulator, pool: dict, provider: str, token: str) -> Login:
    """One login of the ``Logins`` map, checked against the identity pool ``pool``."""
    configured = [p for p in pool.get("CognitoIdentityProviders") or []
                  if p.get("ProviderName") == provider]
    if not configured or not provider.startswith(PROVIDER_PREFIX):
        raise not_authorized(NOT_SUPPORTED)
    header, claims, signing_input, signature = _decode(token)
    if claims.get("iss") != f"https://{provider}":
        raise invalid_token("Issuer doesn't match providerName")
    pool_id = provider.rsplit("/", 1)[-1]
    if not _signed_by_pool(emulator, pool_id, header, signing_input, signature):
        raise invalid_token("Couldn't verify signed token.")
    if "aud" not in claims:
        raise invalid_token("Missing a required claim: aud")
    now = int(emulator.clock.now())
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or now >= exp:
        raise invalid_token(f"Token expired: {now} >= {exp}")
    if claims.get("aud") not in {p.get("ClientId") for p in configured}:
        raise not_authorized(NOT_SUPPORTED)
    return Login(provider=provider, sub=str(claims.get("sub", "")), claims=claims)


def check_logins(emulator: Emulator, pool: dict, logins: object) -> list[Login]:
    """Every login of a ``Logins`` map (an empty or missing map means: no logins)."""
    if logins is None:
        return []
    if not isinstance(logins, dict) or not all(isinstance(v, str) for v in logins.values()):
        raise CognitoError("InvalidParameterException", "Logins must map provider names to tokens")
    return [check_login(emulator, pool, provider, token) for provider, token in logins.items()]
