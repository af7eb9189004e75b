"""An external identity provider's ID token, verified with the provider's published keys.

What identity pools do with a token from an OIDC provider (IAM OpenIdConnectProviderARNs)
or from Google (SupportedLoginProviders), per "Setting up an OIDC provider as an identity
pool IdP" (cognito/latest/developerguide/open-id.html): "The signature must be verifiable
via an RSA public key" of the provider. The keys are the provider's JWKS, found through its
``/.well-known/openid-configuration`` (OIDC Discovery 1.0, whose ``issuer`` must be the
provider's). Calls go through the lab's stand-ins (``stand_ins.py``): Google's origins reach
the loopback stand-in a lesson started, never the internet. Verification is PyJWT's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jwt
import requests

from ..errors import CognitoError, ExternalServiceException, NotAuthorizedException
from ..stand_ins import NotPlayed
from ..user_pools.oidc_provider_details import issuer_allowed

if TYPE_CHECKING:
    from .. import Emulator

RSA_ALGORITHMS = ["RS256", "RS384", "RS512"]   # "verifiable via an RSA public key"
HTTP_TIMEOUT = 10
NOT_SUPPORTED = "Token is not from a supported provider of this identity pool."


def invalid_token(reason: str) -> CognitoError:
    return NotAuthorizedException(f"Invalid login token. {reason}")


def unverified_claims(token: str) -> dict:
    """The claims, read before anything is trusted (to find the issuer)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise invalid_token("Not a valid OpenId Connect identity token.") from exc
    return claims


def _reach(emulator: Emulator, url: str) -> str:
    try:
        return emulator.stand_ins.route(url)
    except NotPlayed as exc:
        raise ExternalServiceException(str(exc)) from exc


def _signing_key(emulator: Emulator, issuer: str, token: str) -> jwt.PyJWK:
    """The key of the issuer's JWKS that the token names."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        answer = requests.get(_reach(emulator, url), timeout=HTTP_TIMEOUT)
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as exc:
        raise ExternalServiceException(
            f"The identity provider {issuer} did not answer at {url}") from exc
    if not isinstance(document, dict):
        document = {}
    jwks_uri = document.get("jwks_uri")
    if document.get("issuer") != issuer or not isinstance(jwks_uri, str) \
            or not issuer_allowed(jwks_uri):
        raise invalid_token("Couldn't verify signed token.")
    try:
        return jwt.PyJWKClient(_reach(emulator, jwks_uri), cache_jwk_set=False,
                               timeout=HTTP_TIMEOUT).get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError as exc:
        raise ExternalServiceException(
            f"The identity provider {issuer} did not answer at {jwks_uri}") from exc
    except jwt.PyJWTError as exc:            # no key with the token's kid, a bad JWKS
        raise invalid_token("Couldn't verify signed token.") from exc


def signed_claims(emulator: Emulator, token: str, issuer: str) -> dict:
    """The claims of ``token`` if an RSA key of ``issuer``'s JWKS signed it (``issuer`` is
    the URL its discovery document is under); nothing but the signature is checked here."""
    try:
        return jwt.decode(token, _signing_key(emulator, issuer, token),
                          algorithms=RSA_ALGORITHMS,
                          options={"verify_aud": False, "verify_iss": False,
                                   "verify_exp": False, "verify_iat": False,
                                   "verify_nbf": False})
    except jwt.PyJWTError as exc:            # a bad signature, or not an RSA algorithm
        raise invalid_token("Couldn't verify signed token.") from exc


def check_expiry(emulator: Emulator, claims: dict, grace: int) -> None:
    """``exp`` by the lab's clock, ``grace`` seconds allowed for clock skew."""
    now = int(emulator.clock.now())
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool) or now >= exp + grace:
        raise invalid_token(f"Token expired: {now} >= {exp}")


def subject(claims: dict) -> str:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise invalid_token("Missing a required claim: sub")
    return sub
