"""The user pool's public keys: fetch the JWKS, parse the keys once, cache them.

A resource server verifies every request locally with the pool's public keys, published
as a JWKS at ``<issuer>/.well-known/jwks.json``. Fetching that document per request would
be slow and would let anyone make us hammer Cognito (or hang on it), so :class:`JwksCache`:

- keeps, per JWKS URL, the keys already turned into ``cryptography`` key objects;
- refetches only when a token names a kid it does not know (that is how a key rotation
  is picked up without a restart);
- has a *penalty box*, as aws-jwt-verify does: after a fruitless fetch (it failed, or the
  fresh JWKS still lacked the kid asked for), no new fetch of that URL for
  ``penalty_seconds`` (default 10). A kid miss inside that window fails fast with
  :class:`KidNotFoundError`, no fetch, so a flood of tokens with invented kids costs one
  fetch per window, not one per token. A fetch that found its kid (or a ``hydrate()``)
  opens no penalty, so a real key rotation is picked up at once;
- fetches with a timeout (default 2 s) and one retry, then gives up with
  :class:`JwksUnavailableError`;
- is thread-safe: concurrent misses on one URL wait for a single fetch.

Each :class:`~cognito_lab.api.CognitoJwtVerifier` owns one cache unless it is given one
(``jwks_cache=``); ``CognitoJwtVerifier.multi`` shares one cache among its pools.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey, RSAPublicNumbers

from cognito_lab.api.errors import (
    JwkInvalidError,
    JwksUnavailableError,
    JwtParseError,
    KidNotFoundError,
    shown,
)
from cognito_lab.api.jwt_parse import b64url_decode
from cognito_lab.clock import now_from

Fetcher = Callable[[str, float], bytes]
"""``fetcher(url, timeout_seconds) -> body bytes``; raise on any failure."""

MAX_JWKS_BYTES = 256 * 1024
MIN_RSA_BITS = 2048
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_PROXIED = urllib.request.build_opener()  # honours *_proxy environment variables


def urllib_fetch(url: str, timeout: float) -> bytes:
    """Default fetcher: GET with urllib (light to import), a timeout and a size cap.

    Loopback URLs (the local lab) bypass any configured HTTP proxy.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise ValueError(f"JWKS URL must be http(s), got {parts.scheme!r}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked just above)
        url, headers={"Accept": "application/json", "User-Agent": "cognito-lab-verifier"})
    opener = _DIRECT if parts.hostname in _LOOPBACK else _PROXIED
    with opener.open(request, timeout=timeout) as response:  # raises HTTPError unless 2xx
        body = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise ValueError(f"JWKS larger than {MAX_JWKS_BYTES} bytes")
    return body


class Jwk:
    """One JWKS entry: a ready public key, or the reason it cannot verify RS256."""

    __slots__ = ("actual", "expected", "key", "kid", "problem")

    def __init__(self, kid: str, key: RSAPublicKey | None, problem: str | None = None,
                 expected: Any = None, actual: Any = None) -> None:
        self.kid = kid
        self.key = key
        self.problem = problem
        self.expected = expected
        self.actual = actual

    def usable_key(self) -> RSAPublicKey:
        if self.key is None:
            raise JwkInvalidError(f"JWK {shown(self.kid)} in the JWKS: {self.problem}",
                                  expected=self.expected, actual=self.actual)
        return self.key


def load_jwk(jwk: dict[str, Any]) -> Jwk:
    """Turn one JWK (a dict with a string kid) into a :class:`Jwk`; never raises."""
    kid = jwk["kid"]

    def bad(problem: str, expected: Any, actual: Any) -> Jwk:
        return Jwk(kid, None, f"{problem}: expected {expected!r}, got {shown(actual)}",
                   expected, actual)

    if jwk.get("kty") != "RSA":
        return bad("key type kty", "RSA", jwk.get("kty"))
    if "use" in jwk and jwk["use"] != "sig":
        return bad("public key use", "sig", jwk["use"])
    if "alg" in jwk and jwk["alg"] != "RS256":
        return bad("key algorithm alg", "RS256", jwk["alg"])
    try:
        n = int.from_bytes(b64url_decode(_text(jwk.get("n"), "n"), "JWK n"), "big")
        e = int.from_bytes(b64url_decode(_text(jwk.get("e"), "e"), "JWK e"), "big")
    except (JwtParseError, TypeError) as exc:
        return bad("RSA numbers n and e", "base64url strings", str(exc))
    if n.bit_length() < MIN_RSA_BITS:
        return bad("RSA modulus size (bits)", f">= {MIN_RSA_BITS}", n.bit_length())
    if e < 3 or e % 2 == 0:
        return bad("RSA public exponent e", "odd and >= 3", e)
    try:
        key = RSAPublicNumbers(e, n).public_key()
    except ValueError as exc:
        return bad("RSA public key", "a valid key", str(exc))
    return Jwk(kid, key)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} is {type(value).__name__}, not a string")
    return value


def parse_jwks(body: bytes | str) -> dict[str, Jwk]:
    """Parse a JWKS document into ``{kid: Jwk}``. Raises ValueError if it is not a JWKS.

    Keys without a string kid cannot be selected by a token and are left out; a kid that
    appears twice is ambiguous and marked unusable.
    """
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"JWKS is not JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
        raise ValueError('JWKS must be a JSON object with a "keys" list')
    keys: dict[str, Jwk] = {}
    for item in doc["keys"]:
        if not isinstance(item, dict) or not isinstance(item.get("kid"), str) \
                or not item["kid"]:
            continue
        kid = item["kid"]
        if kid in keys:
            keys[kid] = Jwk(kid, None, "kid: expected it once, got it more than once",
                            "a unique kid", "duplicate")
        else:
            keys[kid] = load_jwk(item)
    return keys


class JwksCache:
    """Public keys per JWKS URL, fetched lazily, refetched on an unknown kid (see module).

    ``fetcher`` replaces the HTTP GET (tests, or a custom HTTP stack); ``clock`` (a
    :class:`~cognito_lab.clock.Clock` or a callable) times the penalty box.
    """

    def __init__(self, *, fetcher: Fetcher | None = None, penalty_seconds: float = 10.0,
                 timeout: float = 2.0, retries: int = 1, clock: object | None = None) -> None:
        if penalty_seconds < 0 or timeout <= 0 or retries < 0:
            raise ValueError("penalty_seconds >= 0, timeout > 0 and retries >= 0 required")
        self.fetcher: Fetcher = fetcher or urllib_fetch
        self.penalty_seconds = penalty_seconds
        self.timeout = timeout
        self.retries = retries
        self.clock = clock
        self.fetch_count = 0
        self._keys: dict[str, dict[str, Jwk]] = {}
        self._penalised_at: dict[str, float] = {}   # URL -> time of the last fruitless fetch
        self._last_error: dict[str, str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def get_key(self, jwks_url: str, kid: str) -> RSAPublicKey:
        """The key for ``kid``; fetches the JWKS if the kid is unknown and the penalty box
        allows. Raises KidNotFoundError, JwkInvalidError or JwksUnavailableError."""
        keys = self._keys.get(jwks_url)
        if keys is not None:
            jwk = keys.get(kid)
            if jwk is not None:
                return jwk.usable_key()
        return self._on_miss(jwks_url, kid)

    def hydrate(self, jwks_url: str) -> None:
        """Fetch the JWKS now if it is not cached yet (at start-up, before the first
        request), so the first caller does not pay for the fetch."""
        with self._lock_for(jwks_url):
            if jwks_url not in self._keys:
                self._fetch(jwks_url)

    def kids(self, jwks_url: str) -> list[str]:
        """The kids currently cached for a URL (for display; fetches nothing)."""
        return list(self._keys.get(jwks_url, {}))

    def _lock_for(self, jwks_url: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(jwks_url, threading.Lock())

    def _on_miss(self, jwks_url: str, kid: str) -> RSAPublicKey:
        with self._lock_for(jwks_url):
            keys = self._keys.get(jwks_url)
            if keys is not None and kid in keys:  # another thread fetched it meanwhile
                return keys[kid].usable_key()
            now = now_from(self.clock)
            last = self._penalised_at.get(jwks_url)
            if last is not None and 0 <= now - last < self.penalty_seconds:
                wait = self.penalty_seconds - (now - last)
                if keys is None:
                    error = self._last_error.get(jwks_url)
                    raise JwksUnavailableError(
                        f"JWKS at {jwks_url}: expected a JWKS document, but the last fetch "
                        f"({now - last:.1f} s ago) failed ({error}); next attempt allowed "
                        f"in {wait:.1f} s", expected="a JWKS", actual=error)
                raise KidNotFoundError(
                    f"kid: expected one of {shown(sorted(keys))}, got {shown(kid)} (JWKS at "
                    f"{jwks_url} fetched {now - last:.1f} s ago; penalty box: next refetch "
                    f"allowed in {wait:.1f} s)", expected=sorted(keys), actual=kid)
            keys = self._fetch(jwks_url)
            if kid not in keys:
                self._penalised_at[jwks_url] = now_from(self.clock)
                raise KidNotFoundError(
                    f"kid: expected one of {shown(sorted(keys))}, got {shown(kid)} (JWKS at "
                    f"{jwks_url}, even freshly fetched)", expected=sorted(keys), actual=kid)
            return keys[kid].usable_key()

    def _fetch(self, jwks_url: str) -> dict[str, Jwk]:
        """Fetch and parse with retries; the caller holds the URL's lock."""
        failure: Exception | None = None
        for _attempt in range(1 + self.retries):
            self.fetch_count += 1
            try:
                keys = parse_jwks(self.fetcher(jwks_url, self.timeout))
            except Exception as exc:  # any failure of a fetcher or of the document
                failure = exc
                continue
            self._keys[jwks_url] = keys
            self._last_error.pop(jwks_url, None)
            self._penalised_at.pop(jwks_url, None)
            return keys
        reason = f"{type(failure).__name__}: {failure}"
        self._last_error[jwks_url] = reason
        self._penalised_at[jwks_url] = now_from(self.clock)
        raise JwksUnavailableError(
            f"JWKS at {jwks_url}: expected a JWKS document, got {reason} (after "
            f"{1 + self.retries} attempt(s))", expected="a JWKS", actual=reason) from failure
