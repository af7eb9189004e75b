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
    ``http_status`` is the status a resource server would usually answer;
    ``public_message`` what it may tell the caller (generic and stable per failed check: a
    client learns what to fix, an attacker learns nothing about the configuration; the full
    message is for the log); ``www_authenticate_error`` the RFC 6750 §3.1 error code of
    that answer, and ``retry_after`` (seconds) where trying again later may help. Every
    subclass states its own ``public_message`` (a test keeps it so).
    """

    http_status = 401
    public_message = "The token is invalid"
    retry_after: int | None = None

    def __init__(self, message: str, *, expected: Any = None, actual: Any = None) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual
        self.token: str | None = None
        self.header: dict[str, Any] | None = None
        self.payload: dict[str, Any] | None = None

    @property
    def www_authenticate_error(self) -> str | None:
        """``invalid_token`` (401), ``insufficient_scope`` (403), or none (a server-side
        problem, 503: the challenge carries no error code)."""
        return _BEARER_ERRORS.get(self.http_status)


_BEARER_ERRORS = {401: "invalid_token", 403: "insufficient_scope"}


# --- structure -------------------------------------------------------------------------


class JwtParseError(JwtVerificationError):
    """Not a well-formed compact JWS: parts, base64url, JSON objects or size are wrong."""

    public_message = "The access token is malformed"


# --- header ----------------------------------------------------------------------------


class JwtInvalidHeaderError(JwtVerificationError):
    """Base class of the header checks (algorithm, kid, unsupported parameters)."""

    public_message = "The token header is not acceptable (alg, kid)"


class JwtAlgorithmError(JwtInvalidHeaderError):
    """``alg`` is not exactly ``RS256`` (``none``, ``HS256``, ``RS512`` ... are refused)."""

    public_message = "The token header is not acceptable (alg, kid)"


class JwtInvalidKidError(JwtInvalidHeaderError):
    """``kid`` is missing, empty or not a string: we cannot tell which key signed it."""

    public_message = "The token header is not acceptable (alg, kid)"


class JwtUnsupportedHeaderError(JwtInvalidHeaderError):
    """A header parameter we refuse to honour: ``jku``, ``x5u``, ``jwk``, ``x5c``, ``crit``,
    ``b64``. Keys come from the configured JWKS only, never from the token."""

    public_message = "The token header is not acceptable (alg, kid)"


# --- keys ------------------------------------------------------------------------------


class KidNotFoundError(JwtVerificationError):
    """The ``kid`` is not in the pool's JWKS (even after a refetch, or the penalty box is
    closed). Expected for tokens of another pool or forged kids."""

    public_message = "The token was signed by a key this user pool does not have"


class JwksUnavailableError(JwtVerificationError):
    """The JWKS could not be fetched or is not a valid JWKS document. A server-side
    problem, not the caller's: answer 503, not 401."""

    public_message = "The user pool's signing keys are unavailable; try again"
    http_status = 503
    retry_after = 10


class JwkInvalidError(JwtVerificationError):
    """The JWKS has this kid, but the key cannot verify RS256 signatures (``kty`` not RSA,
    ``use`` not ``sig``, ``alg`` not RS256, too short, malformed numbers)."""

    public_message = "The token's signing key cannot verify RS256 signatures"


class JwtInvalidSignatureError(JwtVerificationError):
    """The RSA PKCS#1 v1.5 SHA-256 signature does not match the header and payload."""

    public_message = "The token signature is invalid"


# --- claims ----------------------------------------------------------------------------


class JwtInvalidClaimError(JwtVerificationError):
    """A claim is missing, of the wrong type or has a refused value. Base class of the
    claim checks; raised as such for registered claims of the wrong type (``sub``,
    ``jti``). ``claim`` names the claim."""

    public_message = "The token has an invalid claim"

    def __init__(self, message: str, *, claim: str, expected: Any = None,
                 actual: Any = None) -> None:
        super().__init__(message, expected=expected, actual=actual)
        self.claim = claim


class JwtInvalidIssuerError(JwtInvalidClaimError):
    """``iss`` is not exactly this pool's issuer URL."""

    public_message = "The token was issued by another user pool"


class JwtInvalidTokenUseError(JwtInvalidClaimError):
    """``token_use`` is not the expected kind (``access`` vs ``id``)."""

    public_message = "Wrong kind of token: this API needs an access token"


class JwtInvalidClientIdError(JwtInvalidClaimError):
    """An access token's ``client_id`` is not one of the allowed app clients."""

    public_message = "The token was issued to another app client"


class JwtInvalidAudienceError(JwtInvalidClaimError):
    """An ID token's ``aud`` is not one of the allowed app clients."""

    public_message = "The token was issued to another app client"


class JwtExpiredError(JwtInvalidClaimError):
    """``exp`` is missing, not a number, or in the past (beyond ``grace_seconds``)."""

    public_message = "The token expired"


class JwtNotBeforeError(JwtInvalidClaimError):
    """``nbf`` is not a number or in the future (beyond ``grace_seconds``)."""

    public_message = "The token is not valid yet"


class JwtInvalidIssuedAtError(JwtInvalidClaimError):
    """``iat`` is not a number or in the future (beyond ``grace_seconds``)."""

    public_message = "The token was issued in the future"


class JwtInvalidScopeError(JwtInvalidClaimError):
    """None of the required scopes is in the token's ``scope`` claim."""

    public_message = "The token lacks a required scope"
    http_status = 403


class JwtInvalidGroupError(JwtInvalidClaimError):
    """None of the required groups is in the token's ``cognito:groups`` claim."""

    public_message = "The user is not in a required group"
    http_status = 403


class JwtCustomCheckError(JwtInvalidClaimError):
    """The verifier's ``custom_check`` returned False or raised (see ``__cause__``)."""

    public_message = "The token does not meet this API's policy"
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
