"""VerifiedTokenCache: verify a token once, honour it until exp, never longer."""

from __future__ import annotations

import threading

import pytest

from cognito_lab.api.errors import JwtExpiredError, JwtInvalidSignatureError
from cognito_lab.api.token_cache import VerifiedTokenCache
from cognito_lab.clock import Clock
from tests.api.lab_tokens import access_token, verifier_for


class CountingVerifier:
    """A stand-in verifier: accepts any token listed in ``claims``, counts the calls."""

    def __init__(self, claims: dict[str, dict], clock: Clock, grace_seconds: float = 0):
        self.claims = claims
        self.clock = clock
        self.grace_seconds = grace_seconds
        self.calls = 0

    def verify(self, token: str) -> dict:
        self.calls += 1
        claims = self.claims.get(token)
        if claims is None:
            raise JwtInvalidSignatureError("signature: no")
        if claims["exp"] <= self.clock.now() - self.grace_seconds:
            raise JwtExpiredError("exp: in the past", claim="exp")
        return claims


@pytest.fixture
def clock():
    return Clock()


def make(clock, lifetime=60, names=("a", "b", "c", "d", "e"), **options):
    now = int(clock.now())
    verifier = CountingVerifier({n: {"sub": n, "exp": now + lifetime} for n in names}, clock,
                                options.pop("grace_seconds", 0))
    return verifier, VerifiedTokenCache(verifier, **options)


def test_a_hit_does_not_verify_again(clock):
    verifier, cache = make(clock)
    first = cache.verify("a")
    assert cache.verify("a") is first
    assert verifier.calls == 1
    assert (cache.hits, cache.misses) == (1, 1)


def test_exp_is_checked_on_every_hit(clock):
    _, cache = make(clock, lifetime=60)
    cache.verify("a")
    clock.advance(59)
    assert cache.verify("a")["sub"] == "a"
    clock.advance(2)
    with pytest.raises(JwtExpiredError):      # the verifier's own error, as without a cache
        cache.verify("a")
    assert len(cache) == 0
    assert cache.get("a") is None


def test_the_boundary_agrees_with_the_verifier(lab):
    """At exactly exp (and with a grace) the cache answers as CognitoJwtVerifier does."""
    clock = Clock()
    for grace in (0, 30):
        verifier = verifier_for(lab, grace_seconds=grace)
        verifier.clock = clock
        cache = VerifiedTokenCache(verifier)
        token = access_token(lab)
        exp = cache.verify(token)["exp"]
        clock.advance(exp - clock.now() + grace - 0.5)       # just before the end
        assert cache.verify(token)["exp"] == exp
        assert verifier.verify(token)["exp"] == exp
        clock.advance(0.6)                                     # just after
        for check in (cache.verify, verifier.verify):
            with pytest.raises(JwtExpiredError):
                check(token)


def test_the_key_is_the_whole_token(lab):
    """A token with the same header and payload but another signature is not a hit."""
    cache = VerifiedTokenCache(verifier_for(lab))
    token = access_token(lab)
    cache.verify(token)
    head, payload, _ = token.split(".")
    another_signature = access_token(lab).rsplit(".", 1)[1]    # valid, but for other bytes
    forged = f"{head}.{payload}.{another_signature}"
    with pytest.raises(JwtInvalidSignatureError):
        cache.verify(forged)
    assert len(cache) == 1


def test_size_is_bounded_and_the_oldest_goes_first(clock):
    _, cache = make(clock, max_size=3)
    for name in "abcde":
        cache.verify(name)
    assert len(cache) == 3
    assert cache.get("a") is None and cache.get("b") is None
    assert cache.get("e")["sub"] == "e"


def test_claims_without_a_numeric_exp_are_not_cached(clock):
    _, cache = make(clock)
    cache.put("x", {"sub": "x"})
    cache.put("y", {"sub": "y", "exp": "tomorrow"})
    assert len(cache) == 0


def test_clock_and_grace_default_to_the_verifiers(clock):
    verifier, cache = make(clock, lifetime=10, grace_seconds=30)
    assert cache.clock is clock and cache.grace_seconds == 30
    cache.verify("a")
    clock.advance(35)                          # past exp, inside the grace
    assert cache.verify("a")["sub"] == "a"
    assert verifier.calls == 1


def test_clear_forgets_everything(clock):
    verifier, cache = make(clock)
    cache.verify("a")
    cache.clear()
    cache.verify("a")
    assert verifier.calls == 2


def test_refused_tokens_are_not_cached(clock):
    verifier, cache = make(clock)
    for _ in range(2):
        with pytest.raises(JwtInvalidSignatureError):
            cache.verify("forged")
    assert verifier.calls == 2 and len(cache) == 0


@pytest.mark.parametrize("size", [0, -1, 1.5, True, "10"])
def test_bad_max_size_is_a_clear_error(clock, size):
    with pytest.raises(ValueError, match="max_size"):
        make(clock, max_size=size)


def test_a_verifier_is_required(clock):
    with pytest.raises(TypeError, match="verify"):
        VerifiedTokenCache(object())
    with pytest.raises(TypeError):
        VerifiedTokenCache(CountingVerifier({}, clock), clock="noon")


def test_concurrent_use_stays_consistent(clock):
    names = [f"t{i}" for i in range(200)]
    _, cache = make(clock, names=names, max_size=50)
    errors = []

    def hammer(offset):
        try:
            for i in range(2000):
                name = names[(i * 7 + offset) % len(names)]
                assert cache.verify(name)["sub"] == name
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(cache) <= 50
