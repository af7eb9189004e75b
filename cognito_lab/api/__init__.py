"""YOUR API (the resource server): verify Cognito JWTs locally.

``CognitoJwtVerifier`` checks a token's structure, header, key, signature and claims and
raises a :class:`JwtVerificationError` subclass naming the check that failed.
``decode_unverified`` only *reads* a token, for teaching; never authorize with it.
``LocalJwtAuth`` / ``GetUserAuth`` put either check in front of a WSGI app (401/403 with
RFC 6750 ``WWW-Authenticate``); ``VerifiedTokenCache`` skips re-verifying a token seen before.

This package talks to Cognito (or the lab) only over HTTP, for the JWKS; it never imports
the emulator, moto or boto3.
"""

from cognito_lab.api.errors import (
    JwkInvalidError,
    JwksUnavailableError,
    JwtAlgorithmError,
    JwtCustomCheckError,
    JwtExpiredError,
    JwtInvalidAudienceError,
    JwtInvalidClaimError,
    JwtInvalidClientIdError,
    JwtInvalidGroupError,
    JwtInvalidHeaderError,
    JwtInvalidIssuedAtError,
    JwtInvalidIssuerError,
    JwtInvalidKidError,
    JwtInvalidScopeError,
    JwtInvalidSignatureError,
    JwtInvalidTokenUseError,
    JwtNotBeforeError,
    JwtParseError,
    JwtUnsupportedHeaderError,
    JwtVerificationError,
    KidNotFoundError,
)
from cognito_lab.api.jwk import JwksCache, parse_jwks, urllib_fetch
from cognito_lab.api.jwt_parse import MAX_TOKEN_LENGTH, UnverifiedJwt, decode_unverified
from cognito_lab.api.middleware import PUBLIC, GetUserAuth, LocalJwtAuth, require
from cognito_lab.api.token_cache import VerifiedTokenCache
from cognito_lab.api.verifier import CognitoJwtMultiVerifier, CognitoJwtVerifier

__all__ = [
    "MAX_TOKEN_LENGTH",
    "PUBLIC",
    "CognitoJwtMultiVerifier",
    "CognitoJwtVerifier",
    "GetUserAuth",
    "JwkInvalidError",
    "JwksCache",
    "JwksUnavailableError",
    "JwtAlgorithmError",
    "JwtCustomCheckError",
    "JwtExpiredError",
    "JwtInvalidAudienceError",
    "JwtInvalidClaimError",
    "JwtInvalidClientIdError",
    "JwtInvalidGroupError",
    "JwtInvalidHeaderError",
    "JwtInvalidIssuedAtError",
    "JwtInvalidIssuerError",
    "JwtInvalidKidError",
    "JwtInvalidScopeError",
    "JwtInvalidSignatureError",
    "JwtInvalidTokenUseError",
    "JwtNotBeforeError",
    "JwtParseError",
    "JwtUnsupportedHeaderError",
    "JwtVerificationError",
    "KidNotFoundError",
    "LocalJwtAuth",
    "UnverifiedJwt",
    "VerifiedTokenCache",
    "decode_unverified",
    "parse_jwks",
    "require",
    "urllib_fetch",
]
