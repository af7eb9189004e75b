"""Verify Cognito JWTs where the API runs: local, strict, fast.

Checks run in a fixed order, cheapest and most fundamental first, and each failure has its
own error class (see ``docs/verifier.md``):

1. structure (``jwt_parse``): three base64url parts, JSON objects, size limit;
2. header: ``alg`` exactly ``RS256``, no ``jku``/``x5u``/``jwk``/``x5c``/``crit``/``b64``,
   a non-empty string ``kid``;
3. key: the ``kid`` in the pool's JWKS (``jwk.JwksCache``), an RSA signing key;
4. signature: RSA PKCS#1 v1.5 with SHA-256, by ``cryptography``;
5. claims: ``iss``, ``token_use``, ``client_id``/``aud``, ``exp``, ``nbf``, ``iat``,
   ``sub``/``jti``/``scope``/``aud``/``client_id`` types, ``scope``, ``cognito:groups``,
   then ``custom_check``.

Nothing in the payload is trusted before step 4 passes. The one exception is routing: the
unverified ``iss`` picks which of the pool's two JWKS URLs (original or multi-Region issuer)
the key is looked up in, as aws-jwt-verify does; ``iss`` itself is checked after the
signature like every other claim.

The rule for every check: never accept a token that awslabs' aws-jwt-verify rejects. Where
the kit is deliberately stricter, ``docs/verifier.md`` says so and why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from cognito_lab import cognito_ids
from cognito_lab.api.errors import (
    JwtAlgorithmError,
    JwtCustomCheckError,
    JwtExpiredError,
    JwtInvalidAudienceError,
    JwtInvalidClaimError,
    JwtInvalidClientIdError,
    JwtInvalidGroupError,
    JwtInvalidIssuedAtError,
    JwtInvalidIssuerError,
    JwtInvalidKidError,
    JwtInvalidScopeError,
    JwtInvalidSignatureError,
    JwtInvalidTokenUseError,
    JwtNotBeforeError,
    JwtUnsupportedHeaderError,
    JwtVerificationError,
    shown,
)
from cognito_lab.api.jwk import JwksCache
from cognito_lab.api.jwt_parse import split_jwt
from cognito_lab.clock import Clock, now_from

MAX_NUMERIC_DATE = 2**53 - 1
"""Largest magnitude of ``exp``/``nbf``/``iat`` accepted: JavaScript's Number.MAX_SAFE_INTEGER.
Beyond it a double cannot even count whole seconds; JSON numbers that JavaScript reads as
±Infinity (aws-jwt-verify rejects those) lie far beyond it."""
# Header parameters that would make us take a key (or the meaning of the signature) from
# the token itself, or that demand extensions we do not implement (RFC 8725 §3.10, RFC
# 7515 §4.1.11, RFC 7797). The key comes from the configured JWKS, full stop.
UNSUPPORTED_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit", "b64"})
TOKEN_USES = ("access", "id")
_PKCS1V15 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()

CustomCheck = Callable[[dict[str, Any]], Any]


def _when(seconds: float) -> str:
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    except (OverflowError, OSError, ValueError):
        return "out of range"


def _span(later: float, earlier: float) -> str:
    try:
        return f"{later - earlier:.0f} s"
    except OverflowError:  # claims may hold integers with hundreds of digits
        return "ages"


def _string_set(value: str | Iterable[str] | None, name: str) -> frozenset[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    if not values or not all(isinstance(v, str) and v for v in values):
        raise ValueError(f"{name} must be a non-empty string or a non-empty list of them, "
                         f"got {value!r}")
    return frozenset(values)



def _not_in_future(payload: dict[str, Any], claim: str, error: type[JwtInvalidClaimError],
                   now: float, grace: float) -> None:
    """``nbf`` or ``iat`` (the caller checks it is present): a number no later than now
    (plus grace), or the claim's error."""
    value = _number(payload, claim, error)
    if value > now + grace:
        raise error(f"{claim}: expected a time not after now ({_when(now)}, grace {grace} s), "
                    f"got {shown(value)} ({_when(value)}, {_span(value, now)} ahead)",
                    claim=claim, expected=f"<= {now + grace}", actual=value)

def _number(payload: dict[str, Any], claim: str, error: type[JwtInvalidClaimError]) -> float:
    """A NumericDate: an int or float (not a bool) no larger in magnitude than 2**53 - 1.

    Python's JSON reads ``1`` followed by 400 zeros as an exact int; JavaScript (and so
    aws-jwt-verify) reads it as Infinity and refuses it. A finite, safe range keeps the kit
    from accepting what aws-jwt-verify rejects (NaN and Infinity never parse at all)."""
    value = payload[claim]
    kind = type(value)  # exact type: a bool is not a number here
    if (kind is int or kind is float) and -MAX_NUMERIC_DATE <= value <= MAX_NUMERIC_DATE:
        return value
    if kind is int or kind is float:
        raise error(f"{claim}: expected seconds since the epoch within +/-(2**53 - 1), got "
                    f"{shown(value)}", claim=claim, expected="safe number", actual=value)
    raise error(f"{claim}: expected a number (seconds since the epoch), got {shown(value)}",
                claim=claim, expected="number", actual=value)


def _now_function(clock: object | None) -> Callable[[], float]:
    """Resolve a clock once, so each verification pays one call for "now"."""
    if clock is None:
        return time.time
    if type(clock) is Clock:
        return clock.now  # already a float
    if hasattr(clock, "now"):
        return lambda: float(clock.now())
    return lambda: float(clock())  # type: ignore[operator]


class CognitoJwtVerifier:
    """Verifies ID or access tokens of one Cognito user pool.

    ``token_use``: ``"access"``, ``"id"`` or None (either; the token must still say which).
    ``client_id``: an app client id or a list; checked against ``client_id`` (access) or
    ``aud`` (id). None skips the check: only when something else pins the client.
    Both issuer forms of the pool are accepted: ``https://cognito-idp.<region>...`` and,
    for user pools with the updated (multi-Region) issuer,
    ``https://issuer-cognito-idp.<region>.amazonaws.com/<pool id>``, each with the JWKS
    under it. ``jwks_url`` overrides where keys are fetched for both (the local lab
    serves one key set per pool), never the issuers.
    ``scope`` / ``groups``: the token must carry at least one of them.
    ``grace_seconds`` tolerates clock skew on ``exp``, ``nbf`` and ``iat``.
    ``custom_check(payload)`` runs last; returning False or raising refuses the token.
    ``clock``: a :class:`~cognito_lab.clock.Clock` (or callable) for "now" and for the
    JWKS penalty box. ``jwks_cache`` shares a :class:`JwksCache` (default: one of its own).
    """

    def __init__(self, user_pool_id: str, token_use: str | None = None,
                 client_id: str | Iterable[str] | None = None, region: str = "us-east-1",
                 jwks_url: str | None = None, scope: str | Iterable[str] | None = None,
                 groups: str | Iterable[str] | None = None, grace_seconds: float = 0,
                 custom_check: CustomCheck | None = None, clock: object | None = None, *,
                 jwks_cache: JwksCache | None = None) -> None:
        pool_region = cognito_ids.user_pool_region(user_pool_id)
        if pool_region is None:
            raise ValueError(f"user_pool_id must look like 'us-east-1_AbC123', "
                             f"got {user_pool_id!r}")
        if pool_region != region:
            raise ValueError(f"user pool {user_pool_id} lives in {pool_region}, "
                             f"but region={region!r}; pass region={pool_region!r}")
        if token_use is not None and token_use not in TOKEN_USES:
            raise ValueError(f"token_use must be 'access', 'id' or None, got {token_use!r}")
        if isinstance(grace_seconds, bool) or not isinstance(grace_seconds, (int, float)) \
                or not 0 <= grace_seconds < float("inf"):
            raise ValueError(f"grace_seconds must be a number >= 0, got {grace_seconds!r}")
        if custom_check is not None and not callable(custom_check):
            raise ValueError("custom_check must be a callable taking the payload")
        if scope is not None and token_use == "id":
            raise ValueError("ID tokens carry no scope claim; check scope on access tokens")
        self.user_pool_id = user_pool_id
        self.region = region
        self.issuer = cognito_ids.issuer(region, user_pool_id)
        self.multi_region_issuer = cognito_ids.multi_region_issuer(region, user_pool_id)
        self.issuers = (self.issuer, self.multi_region_issuer)
        self.jwks_url = jwks_url or cognito_ids.jwks_url(self.issuer)
        self.multi_region_jwks_url = jwks_url or cognito_ids.jwks_url(self.multi_region_issuer)
        # issuer -> where its keys are; the unverified iss only routes the key lookup
        self._jwks_urls = {self.issuer: self.jwks_url,
                           self.multi_region_issuer: self.multi_region_jwks_url}
        self.token_use = token_use
        self.client_ids = _string_set(client_id, "client_id")
        self.scopes = _string_set(scope, "scope")
        self.groups = _string_set(groups, "groups")
        self.grace_seconds = grace_seconds
        self.custom_check = custom_check
        self.clock = clock  # also resolves self._now
        self.jwks_cache = jwks_cache if jwks_cache is not None else JwksCache(clock=clock)

    @property
    def clock(self) -> object | None:
        """Where "now" comes from: a Clock, a callable returning epoch seconds, or None
        (real time). Assignable; a bad clock is refused at once."""
        return self._clock

    @clock.setter
    def clock(self, clock: object | None) -> None:
        now_from(clock)  # a bad clock fails here, not on the first request
        self._clock = clock
        self._now = _now_function(clock)

    def __repr__(self) -> str:
        return (f"CognitoJwtVerifier(user_pool_id={self.user_pool_id!r}, "
                f"token_use={self.token_use!r}, client_id={sorted(self.client_ids or ())!r}, "
                f"jwks_url={self.jwks_url!r})")

    @classmethod
    def multi(cls, configs: Iterable[Mapping[str, Any] | CognitoJwtVerifier], *,
              jwks_cache: JwksCache | None = None,
              clock: object | None = None) -> CognitoJwtMultiVerifier:
        """One verifier for several user pools: each item is the keyword arguments of a
        CognitoJwtVerifier (or a ready verifier). Issuers must be distinct; a token is
        routed by its (unverified) ``iss`` and then fully verified by that pool's rules.
        Dict configs share one JwksCache and ``clock`` unless they name their own."""
        cache = jwks_cache if jwks_cache is not None else JwksCache(clock=clock)
        verifiers = []
        for config in configs:
            if isinstance(config, CognitoJwtVerifier):
                verifiers.append(config)
            else:
                options = {"jwks_cache": cache, "clock": clock, **config}
                verifiers.append(cls(**options))
        return CognitoJwtMultiVerifier(verifiers)

    def hydrate(self) -> None:
        """Fetch the pool's JWKS now (cold start), so no request waits for it.

        That is the JWKS of the original issuer, which every pool has; the multi-Region
        issuer's JWKS (when it is another URL) is fetched with its first token."""
        self.jwks_cache.hydrate(self.jwks_url)

    def verify(self, token: str) -> dict[str, Any]:
        """Return the token's claims if every check passes; else raise the
        JwtVerificationError subclass that names the failed check."""
        try:
            parts = split_jwt(token)
        except JwtVerificationError as exc:
            exc.token = token if isinstance(token, str) else None
            raise
        return self._verify_parts(token, *parts)

    def _verify_parts(self, token: str, header: dict[str, Any], payload: dict[str, Any],
                      signing_input: bytes, signature: bytes) -> dict[str, Any]:
        try:
            kid = header.get("kid")
            if header.get("alg") != "RS256" or type(kid) is not str or not kid \
                    or not UNSUPPORTED_HEADERS.isdisjoint(header):
                self._check_header(header)  # raises the error of the first failed check
            iss = payload.get("iss")
            # Route the key lookup by the (unverified) issuer; an unknown one uses the
            # pool's own JWKS, so its signature is still checked before iss is refused.
            jwks_url = self._jwks_urls.get(iss, self.jwks_url) if type(iss) is str \
                else self.jwks_url
            key = self.jwks_cache.get_key(jwks_url, str(kid))
            try:
                key.verify(signature, signing_input, _PKCS1V15, _SHA256)
            except InvalidSignature:
                raise JwtInvalidSignatureError(
                    "signature: expected a valid RS256 signature by key "
                    f"{shown(header['kid'])}, got one that does not verify",
                    expected="valid signature", actual="invalid signature") from None
            self._check_claims(payload)
        except JwtVerificationError as exc:
            exc.token, exc.header, exc.payload = token, header, payload
            raise
        return payload

    @staticmethod
    def _check_header(header: dict[str, Any]) -> None:
        alg = header.get("alg")
        if alg != "RS256":
            raise JwtAlgorithmError(f"alg: expected 'RS256', got {shown(alg)}",
                                    expected="RS256", actual=alg)
        if not UNSUPPORTED_HEADERS.isdisjoint(header):
            found = sorted(UNSUPPORTED_HEADERS.intersection(header))
            raise JwtUnsupportedHeaderError(
                f"header: expected none of {sorted(UNSUPPORTED_HEADERS)}, got {found} (keys "
                "come from the pool's JWKS only; no extensions are understood)",
                expected=None, actual=found)
        kid = header.get("kid")
        if type(kid) is not str or not kid:
            raise JwtInvalidKidError(f"kid: expected a non-empty string, got {shown(kid)}",
                                     expected="non-empty string", actual=kid)

    def _check_claims(self, payload: dict[str, Any]) -> None:
        # On every request's path: each check is one cheap test that the claims of a good
        # token pass; only a failing claim takes the slower path that words the error.
        get = payload.get
        now = self._now()
        grace = self.grace_seconds

        iss = get("iss")
        if type(iss) is not str or iss not in self._jwks_urls:
            raise JwtInvalidIssuerError(
                f"iss: expected {self.issuer!r} or {self.multi_region_issuer!r}, got "
                f"{shown(iss)}", claim="iss", expected=list(self.issuers), actual=iss)

        use = get("token_use")
        if use != "access" and use != "id":
            raise JwtInvalidTokenUseError(
                f"token_use: expected {self.token_use or 'access or id'!r}, got {shown(use)}",
                claim="token_use", expected=self.token_use or TOKEN_USES, actual=use)
        if self.token_use is not None and use != self.token_use:
            raise JwtInvalidTokenUseError(
                f"token_use: expected {self.token_use!r}, got {use!r}",
                claim="token_use", expected=self.token_use, actual=use)

        if "aud" in payload:
            aud = payload["aud"]
            if type(aud) is not str and (type(aud) is not list
                                         or not all(type(a) is str for a in aud)):
                raise JwtInvalidAudienceError(
                    f"aud: expected a string or a list of strings, got {shown(aud)}",
                    claim="aud", expected="string or list of strings", actual=aud)
        if type(get("client_id", "")) is not str:
            raise JwtInvalidClientIdError(
                f"client_id: expected a string, got {shown(payload['client_id'])}",
                claim="client_id", expected="string", actual=payload["client_id"])
        if self.client_ids is not None:
            self._check_client(payload, use)

        if "exp" not in payload:
            raise JwtExpiredError("exp: expected an expiry time (required), got none",
                                  claim="exp", expected="number", actual=None)
        exp = payload["exp"]
        kind = type(exp)  # exact type: a bool is not a number here
        if (kind is not int and kind is not float) \
                or not -MAX_NUMERIC_DATE <= exp <= MAX_NUMERIC_DATE:
            exp = _number(payload, "exp", JwtExpiredError)  # raises
        if int(exp) <= now - grace:  # whole seconds, as PyJWT does
            raise JwtExpiredError(
                f"exp: expected a time after now ({_when(now)}, grace {grace} s), got "
                f"{shown(exp)} ({_when(exp)}, {_span(now, exp)} ago)",
                claim="exp", expected=f"> {now - grace}", actual=exp)
        latest = now + grace
        if "nbf" in payload:
            _not_in_future(payload, "nbf", JwtNotBeforeError, now, grace)
        if "iat" in payload:
            iat = payload["iat"]
            kind = type(iat)
            if (kind is not int and kind is not float) \
                    or not -MAX_NUMERIC_DATE <= iat <= latest:
                _not_in_future(payload, "iat", JwtInvalidIssuedAtError, now, grace)
        if type(get("sub", "")) is not str or type(get("jti", "")) is not str:
            claim = "sub" if type(get("sub", "")) is not str else "jti"
            raise JwtInvalidClaimError(
                f"{claim}: expected a string, got {shown(payload[claim])}",
                claim=claim, expected="string", actual=payload[claim])
        if type(get("scope", "")) is not str:
            # a malformed token (401), whether or not this API requires a scope
            error = JwtInvalidScopeError(
                f"scope: expected a space-separated string, got {shown(payload['scope'])}",
                claim="scope", expected="space-separated string", actual=payload["scope"])
            error.http_status = 401
            raise error

        if self.scopes is not None:
            self._check_scope(payload)
        if self.groups is not None:
            self._check_groups(payload)
        if self.custom_check is not None:
            self._run_custom_check(payload)

    def _check_client(self, payload: dict[str, Any], use: str) -> None:
        ids = self.client_ids or frozenset()
        allowed = sorted(ids)
        if use == "access":
            client_id = payload.get("client_id")
            if type(client_id) is not str or client_id not in ids:
                raise JwtInvalidClientIdError(
                    f"client_id: expected one of {allowed}, got {shown(client_id)}",
                    claim="client_id", expected=allowed, actual=client_id)
            return
        aud = payload.get("aud")
        # Cognito writes one client id; aws-jwt-verify refuses a list here, and so do we.
        if type(aud) is not str or aud not in ids:
            raise JwtInvalidAudienceError(
                f"aud: expected one of {allowed} (a string), got {shown(aud)}",
                claim="aud", expected=allowed, actual=aud)

    def _check_scope(self, payload: dict[str, Any]) -> None:
        scopes = self.scopes or frozenset()
        wanted = sorted(scopes)
        scope = payload.get("scope")
        if type(scope) is not str or scopes.isdisjoint(scope.split(" ")):
            raise JwtInvalidScopeError(
                f"scope: expected a space-separated string with one of {wanted}, "
                f"got {shown(scope)}", claim="scope", expected=wanted, actual=scope)

    def _check_groups(self, payload: dict[str, Any]) -> None:
        required = self.groups or frozenset()
        wanted = sorted(required)
        groups = payload.get("cognito:groups")
        if type(groups) is not list or not all(type(g) is str for g in groups) \
                or required.isdisjoint(groups):
            raise JwtInvalidGroupError(
                f"cognito:groups: expected a list with one of {wanted}, got {shown(groups)}",
                claim="cognito:groups", expected=wanted, actual=groups)

    def _run_custom_check(self, payload: dict[str, Any]) -> None:
        name = getattr(self.custom_check, "__name__", "custom_check")
        try:
            result = self.custom_check(payload)  # type: ignore[misc]
        except JwtVerificationError:
            raise
        except Exception as exc:
            raise JwtCustomCheckError(f"custom check {name}: expected a pass, got "
                                      f"{type(exc).__name__}: {exc}", claim="custom_check",
                                      expected="pass", actual=exc) from exc
        if result is False:
            raise JwtCustomCheckError(f"custom check {name}: expected a pass, got False",
                                      claim="custom_check", expected="pass", actual=False)


class CognitoJwtMultiVerifier:
    """Verifies tokens of several user pools (build it with
    :meth:`CognitoJwtVerifier.multi`). Same ``verify`` and ``hydrate`` as one verifier."""

    def __init__(self, verifiers: Iterable[CognitoJwtVerifier]) -> None:
        self.verifiers = list(verifiers)
        if not self.verifiers:
            raise ValueError("multi() needs at least one user pool configuration")
        self._by_issuer: dict[str, CognitoJwtVerifier] = {}
        for verifier in self.verifiers:
            for issuer in verifier.issuers:  # both issuer forms route to the pool
                if issuer in self._by_issuer:
                    raise ValueError(f"two configurations for the issuer {issuer}; "
                                     "list several app clients in one client_id instead")
                self._by_issuer[issuer] = verifier

    def __repr__(self) -> str:
        return f"CognitoJwtMultiVerifier({self.verifiers!r})"

    def hydrate(self) -> None:
        """Fetch every pool's JWKS now."""
        for verifier in self.verifiers:
            verifier.hydrate()

    def verify(self, token: str) -> dict[str, Any]:
        """Pick the pool by the token's ``iss``, then run all of that pool's checks."""
        try:
            parts = split_jwt(token)
        except JwtVerificationError as exc:
            exc.token = token if isinstance(token, str) else None
            raise
        header, payload = parts[0], parts[1]
        iss = payload.get("iss")
        verifier = self._by_issuer.get(iss) if type(iss) is str else None
        try:
            CognitoJwtVerifier._check_header(header)  # same order as one pool
            if verifier is None:
                expected = sorted(self._by_issuer)
                raise JwtInvalidIssuerError(f"iss: expected one of {expected}, got {shown(iss)}",
                                            claim="iss", expected=expected, actual=iss)
        except JwtVerificationError as exc:
            exc.token, exc.header, exc.payload = token, header, payload
            raise
        return verifier._verify_parts(token, *parts)
