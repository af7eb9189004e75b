"""Typed errors of the JWT verifier: one class per way a token can fail.

A resource server needs to know *why* a token was refused: to log it, to answer 401, 403
or 503, and (in a lesson) to show the learner which check caught the forgery. Every class
derives from :class:`JwtVerificationError`, so ``except JwtVerificationError`` catches them
all.

Messages say what was expected and what came, but never repeat the token itself (tokens
end up in logs); the raw token, when known, is kept on the ``.token`` attribute only.
"""

from __future__ import annotations

from typing import Any

_MAX_SHOWN = 80


def shown(value: Any) -> str:
    """A short, safe rendering of an attacker-controlled value for an error message."""
    text = repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return text


class JwtVerificationError(Exception):
    """The token was not accepted. Base class of every verifier error.

    Attributes: ``expected`` and ``actual`` (what the check wanted and what it found, where
    that makes sense), ``token`` (the raw token, never part of ``str()``), and ``header`` /
    ``payload`` (decoded but *unverified*, once parsing got that far).
    ``http_status`` is the status a resource server would usually answer.
    """

    http_status = 401

    def __init__(self, message: str, *, expected: Any = None, actual: Any = None) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual
        self.token: str | None = None
        self.header: dict[str, Any] | None = None
        self.payload: dict[str, Any] | None = None


# --- structure -------------------------------------------------------------------------


class JwtParseError(JwtVerificationError):
    """Not a well-formed compact JWS: parts, base64url, JSON objects or size are wrong."""


# --- header ----------------------------------------------------------------------------


class JwtInvalidHeaderError(JwtVerificationError):
    """Base class of the header checks (algorithm, kid, unsupported parameters)."""


class JwtAlgorithmError(JwtInvalidHeaderError):
    """``alg`` is not exactly ``RS256`` (``none``, ``HS256``, ``RS512`` ... are refused)."""


class JwtInvalidKidError(JwtInvalidHeaderError):
    """``kid`` is missing, empty or not a string: we cannot tell which key signed it."""


class JwtUnsupportedHeaderError(JwtInvalidHeaderError):
    """A header parameter we refuse to honour: ``jku``, ``x5u``, ``jwk``, ``x5c``, ``crit``,
    ``b64``. Keys come from the configured JWKS only, never from the token."""


# --- keys ------------------------------------------------------------------------------


class KidNotFoundError(JwtVerificationError):
    """The ``kid`` is not in the pool's JWKS (even after a refetch, or the penalty box is
    closed). Expected for tokens of another pool or forged kids."""


class JwksUnavailableError(JwtVerificationError):
    """The JWKS could not be fetched or is not a valid JWKS document. A server-side
    problem, not the caller's: answer 503, not 401."""

    http_status = 503


class JwkInvalidError(JwtVerificationError):
    """The JWKS has this kid, but the key cannot verify RS256 signatures (``kty`` not RSA,
    ``use`` not ``sig``, ``alg`` not RS256, too short, malformed numbers)."""


class JwtInvalidSignatureError(JwtVerificationError):
    """The RSA PKCS#1 v1.5 SHA-256 signature does not match the header and payload."""


# --- claims ----------------------------------------------------------------------------


class JwtInvalidClaimError(JwtVerificationError):
    """A claim is missing, of the wrong type or has a refused value. Base class of the
    claim checks; raised as such for registered claims of the wrong type (``sub``,
    ``jti``). ``claim`` names the claim."""

    def __init__(self, message: str, *, claim: str, expected: Any = None,
                 actual: Any = None) -> None:
        super().__init__(message, expected=expected, actual=actual)
        self.claim = claim


class JwtInvalidIssuerError(JwtInvalidClaimError):
    """``iss`` is not exactly this pool's issuer URL."""


class JwtInvalidTokenUseError(JwtInvalidClaimError):
    """``token_use`` is not the expected kind (``access`` vs ``id``)."""


class JwtInvalidClientIdError(JwtInvalidClaimError):
    """An access token's ``client_id`` is not one of the allowed app clients."""


class JwtInvalidAudienceError(JwtInvalidClaimError):
    """An ID token's ``aud`` is not one of the allowed app clients."""


class JwtExpiredError(JwtInvalidClaimError):
    """``exp`` is missing, not a number, or in the past (beyond ``grace_seconds``)."""


class JwtNotBeforeError(JwtInvalidClaimError):
    """``nbf`` is not a number or in the future (beyond ``grace_seconds``)."""


class JwtInvalidIssuedAtError(JwtInvalidClaimError):
    """``iat`` is not a number or in the future (beyond ``grace_seconds``)."""


class JwtInvalidScopeError(JwtInvalidClaimError):
    """None of the required scopes is in the token's ``scope`` claim."""

    http_status = 403


class JwtInvalidGroupError(JwtInvalidClaimError):
    """None of the required groups is in the token's ``cognito:groups`` claim."""

    http_status = 403


class JwtCustomCheckError(JwtInvalidClaimError):
    """The verifier's ``custom_check`` returned False or raised (see ``__cause__``)."""

    http_status = 403


__all__ = [
    "JwkInvalidError",
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
]
