"""Remember tokens already verified, so a busy API verifies each token once, not per request.

A client sends the same access token with every request for up to an hour. Verifying its
RSA signature each time is cheap (tens of microseconds) but not free; a dictionary lookup
is a few hundred nanoseconds. :class:`VerifiedTokenCache` wraps a verifier:

- the key is the **whole token string**, never its ``jti`` or ``sub``: a forged token that
  copies a real token's claims has a different signature, so it misses and is verified;
- the ``exp`` check is redone on every hit against the clock, so a cached token stops
  working the moment it expires, exactly as without the cache;
- the size is bounded (the oldest entry goes first), so a flood of distinct tokens cannot grow
  memory without limit.

What the cache does *not* change: revocation. A local verifier cannot see a GlobalSignOut,
with or without a cache; both accept a signed-out token until it expires (see notebook 07).
One thing it adds: a token already cached stays accepted until ``exp`` even if its signing
key leaves the JWKS. Call :meth:`clear` after retiring a key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from cognito_lab.clock import now_from

DEFAULT_MAX_SIZE = 4096


class Verifier(Protocol):
    def verify(self, token: str) -> dict[str, Any]: ...


def _now_function(clock: object | None) -> Callable[[], float]:
    """Resolve a clock once, so a cache hit pays one call, not a type check."""
    if clock is None:
        return time.time
    now_from(clock)  # a bad clock fails here, not on the first hit
    return clock.now if hasattr(clock, "now") else clock  # type: ignore[return-value]


class VerifiedTokenCache:
    """A verifier that remembers the claims of tokens it already verified (see module).

    ``verifier``: what verifies a token on a miss (a CognitoJwtVerifier or anything with
    ``verify(token) -> claims``). ``max_size``: how many tokens to remember. ``clock`` and
    ``grace_seconds`` default to the verifier's own, so a hit and a miss agree on "expired".
    """

    def __init__(self, verifier: Verifier, *, max_size: int = DEFAULT_MAX_SIZE,
                 clock: object | None = None, grace_seconds: float | None = None) -> None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ValueError(f"max_size must be a positive integer, got {max_size!r}")
        if not callable(getattr(verifier, "verify", None)):
            raise TypeError("verifier must have a verify(token) method")
        self.verifier = verifier
        self.max_size = max_size
        self.clock = clock if clock is not None else getattr(verifier, "clock", None)
        self.grace_seconds = float(grace_seconds if grace_seconds is not None
                                   else getattr(verifier, "grace_seconds", 0) or 0)
        self._now = _now_function(self.clock)
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        return (f"VerifiedTokenCache({len(self)}/{self.max_size} tokens, hits={self.hits}, "
                f"misses={self.misses}, verifier={self.verifier!r})")

    def __len__(self) -> int:
        return len(self._entries)

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims: from the cache if still unexpired, else from the verifier
        (which raises its usual JwtVerificationError, e.g. JwtExpiredError)."""
        entry = self._entries.get(token)
        if entry is not None:
            if entry[0] > self._now() - self.grace_seconds:
                self.hits += 1
                return entry[1]
            self._entries.pop(token, None)   # expired: let the verifier say so
        self.misses += 1
        claims = self.verifier.verify(token)
        self.put(token, claims)
        return claims

    def get(self, token: str) -> dict[str, Any] | None:
        """Cached claims of an unexpired token, or None (never verifies anything)."""
        entry = self._entries.get(token)
        if entry is None:
            return None
        if entry[0] > self._now() - self.grace_seconds:
            return entry[1]
        self._entries.pop(token, None)
        return None

    def put(self, token: str, claims: dict[str, Any]) -> None:
        """Remember claims the verifier accepted. Claims without a numeric ``exp`` are
        not cached (there would be no way to stop honouring them)."""
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or isinstance(exp, bool):
            return
        with self._lock:
            if token not in self._entries and len(self._entries) >= self.max_size:
                self._evict()
            self._entries[token] = (int(exp), claims)

    def _evict(self) -> None:
        """Drop the oldest entry (insertion order: with one token lifetime per app client,
        also the one that expires first). O(1), so a full cache costs a miss nothing more."""
        del self._entries[next(iter(self._entries))]

    def clear(self) -> None:
        """Forget every token (e.g. after retiring a signing key)."""
        with self._lock:
            self._entries.clear()


__all__ = ["DEFAULT_MAX_SIZE", "VerifiedTokenCache"]
