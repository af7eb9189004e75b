"""Logins from Google: ``accounts.google.com`` in the identity pool's SupportedLoginProviders.

AWS, "Setting up Google as an identity pool IdP" (cognito/latest/developerguide/
google.html): the pool names Google's client ID (``SupportedLoginProviders:
{"accounts.google.com": "<client id>"}``, CreateIdentityPool) and the app puts Google's ID
token in ``Logins`` under ``accounts.google.com``. Google's ID tokens are issued by
``https://accounts.google.com`` (or ``accounts.google.com``, Google's "OpenID Connect"
page) and signed by Google's keys, found through its discovery document.

Lab vs AWS (docs/fidelity.md): AWS lists no validation steps for Google logins; the lab
applies those of its OIDC page, strictly: the signature by a key of Google's JWKS, ``iss``
one of Google's two issuer values, ``aud`` holding the pool's Google client ID and ``azp``,
if present, equal to it, and ``exp`` by the lab's clock with no grace period. Google's URLs
are reached through the lab's stand-in (``lab.play_google``); without one the login is an
ExternalServiceException saying what to start, never a request to the internet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import NotAuthorizedException
from .provider_tokens import (
    NOT_SUPPORTED,
    check_expiry,
    invalid_token,
    signed_claims,
    unverified_claims,
)

if TYPE_CHECKING:
    from .. import Emulator

GOOGLE = "accounts.google.com"
GOOGLE_ISSUER = "https://accounts.google.com"
GOOGLE_ISSUERS = (GOOGLE_ISSUER, GOOGLE)


def google_client_id(pool: dict) -> str | None:
    """The Google client ID the pool supports, or None if it supports no Google logins."""
    client_id = (pool.get("SupportedLoginProviders") or {}).get(GOOGLE)
    return client_id if isinstance(client_id, str) and client_id else None


def check_google_login(emulator: Emulator, pool: dict, token: str) -> dict:
    """The verified claims of ``token``, a Google ID token for the pool's Google client."""
    client_id = google_client_id(pool)
    if client_id is None:
        raise NotAuthorizedException(NOT_SUPPORTED)
    if unverified_claims(token).get("iss") not in GOOGLE_ISSUERS:
        raise invalid_token("Issuer doesn't match providerName")
    claims = signed_claims(emulator, token, GOOGLE_ISSUER)
    check_expiry(emulator, claims, grace=0)
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if client_id not in audiences or claims.get("azp", client_id) != client_id:
        raise invalid_token("Incorrect token audience.")
    return claims
