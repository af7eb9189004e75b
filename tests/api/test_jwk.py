"""JWKS parsing and the JwksCache: hydrate, refetch, penalty box, retry, threads, HTTP."""

from __future__ import annotations

import json
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from cognito_lab.api import (
    JwkInvalidError,
    JwksCache,
    JwksUnavailableError,
    KidNotFoundError,
    parse_jwks,
    urllib_fetch,
)
from cognito_lab.clock import Clock
from tests.api.conftest import (
    JWKS_URL,
    MAIN_KID,
    ROTATED_KID,
    ManualClock,
    access_claims,
    jwks_body,
    sign,
)

# --- parse_jwks ---------------------------------------------------------------------------


def test_parse_jwks_builds_key_objects_once(keys):
    parsed = parse_jwks(jwks_body(keys.main.jwk(), keys.rotated.jwk()))
    assert sorted(parsed) == sorted([MAIN_KID, ROTATED_KID])
    key = parsed[MAIN_KID].usable_key()
    assert isinstance(key, RSAPublicKey)
    assert key.public_numbers() == keys.main.public.public_numbers()


def test_use_and_alg_are_optional(keys):
    parsed = parse_jwks(jwks_body(keys.main.jwk(use=None, alg=None)))
    assert isinstance(parsed[MAIN_KID].usable_key(), RSAPublicKey)


@pytest.mark.parametrize(("override", "message"), [
    ({"use": "enc"}, "public key use: expected 'sig', got 'enc'"),
    ({"alg": "RS512"}, "key algorithm alg: expected 'RS256', got 'RS512'"),
    ({"kty": "EC"}, "key type kty: expected 'RSA', got 'EC'"),
    ({"kty": None}, "key type kty: expected 'RSA', got None"),
    ({"n": 12345}, "RSA numbers n and e"),
    ({"n": "abc+def"}, "RSA numbers n and e"),
    ({"e": "AAAA"}, "RSA public exponent e"),
    ({"e": "AQAA"}, "RSA public exponent e"),  # 65536: even
])
def test_unusable_keys_are_kept_with_the_reason(keys, override, message):
    parsed = parse_jwks(jwks_body(keys.main.jwk(**override)))
    with pytest.raises(JwkInvalidError, match=message):
        parsed[MAIN_KID].usable_key()


def test_short_rsa_keys_are_refused(keys):
    parsed = parse_jwks(jwks_body(keys.short.jwk()))
    with pytest.raises(JwkInvalidError, match=r"RSA modulus size .*got 1024") as info:
        parsed["short-key"].usable_key()
    assert info.value.actual == 1024


def test_duplicate_kids_are_ambiguous(keys):
    parsed = parse_jwks(jwks_body(keys.main.jwk(), keys.attacker.jwk()))
    with pytest.raises(JwkInvalidError, match="more than once"):
        parsed[MAIN_KID].usable_key()


def test_keys_without_a_usable_kid_are_skipped(keys):
    parsed = parse_jwks(jwks_body(keys.main.jwk(kid=None), keys.rotated.jwk(kid=""),
                                  {"kid": 7, "kty": "RSA"}, "not a key", keys.short.jwk()))
    assert list(parsed) == ["short-key"]


@pytest.mark.parametrize("body", [b"not json", b"[]", b"{}", b'{"keys": {}}', b"null",
                                  b'{"keys": "x"}'])
def test_a_document_that_is_not_a_jwks_is_a_value_error(body):
    with pytest.raises(ValueError, match="JWKS"):
        parse_jwks(body)


# --- JwksCache ----------------------------------------------------------------------------


def test_hydrate_fetches_once_and_lookups_do_not_fetch(fetcher, clock):
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.hydrate(JWKS_URL)
    cache.hydrate(JWKS_URL)
    assert fetcher.count == 1
    assert cache.kids(JWKS_URL) == [MAIN_KID]
    for _ in range(100):
        cache.get_key(JWKS_URL, MAIN_KID)
    assert fetcher.calls == [(JWKS_URL, 2.0)]  # default timeout


def test_first_lookup_fetches_lazily(fetcher, clock):
    cache = JwksCache(fetcher=fetcher, clock=clock)
    assert cache.kids(JWKS_URL) == []
    cache.get_key(JWKS_URL, MAIN_KID)
    assert fetcher.count == 1


def test_unknown_kid_refetches_and_picks_up_a_rotation(keys, fetcher, clock):
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.hydrate(JWKS_URL)
    # Cognito publishes a new key; the cache learns it on the first token that uses it.
    fetcher.documents[JWKS_URL] = jwks_body(keys.main.jwk(), keys.rotated.jwk())
    clock.advance(11)
    key = cache.get_key(JWKS_URL, ROTATED_KID)
    assert key.public_numbers() == keys.rotated.public.public_numbers()
    assert fetcher.count == 2


def test_a_retired_key_goes_with_the_next_refetch(keys, fetcher, clock):
    fetcher.documents[JWKS_URL] = jwks_body(keys.main.jwk(), keys.rotated.jwk())
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.hydrate(JWKS_URL)
    fetcher.documents[JWKS_URL] = jwks_body(keys.rotated.jwk())
    clock.advance(11)
    with pytest.raises(KidNotFoundError):
        cache.get_key(JWKS_URL, "some-new-kid")  # triggers the refetch
    with pytest.raises(KidNotFoundError):
        cache.get_key(JWKS_URL, MAIN_KID)
    assert cache.kids(JWKS_URL) == [ROTATED_KID]


def test_penalty_box_fails_fast_without_fetching(fetcher, clock):
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.hydrate(JWKS_URL)
    with pytest.raises(KidNotFoundError, match="even freshly fetched"):
        cache.get_key(JWKS_URL, "invented-kid")    # one refetch: maybe it was a rotation
    assert fetcher.count == 2
    clock.advance(9.9)
    with pytest.raises(KidNotFoundError, match="penalty box") as info:
        cache.get_key(JWKS_URL, "invented-kid")
    assert info.value.actual == "invented-kid"
    assert info.value.expected == [MAIN_KID]
    for _ in range(50):  # a flood of invented kids costs nothing more
        with pytest.raises(KidNotFoundError):
            cache.get_key(JWKS_URL, "another-invented-kid")
    assert fetcher.count == 2


def test_a_fruitful_fetch_opens_no_penalty_so_a_rotation_is_picked_up_at_once(
        keys, fetcher, clock):
    """aws-jwt-verify's penalty box: only a failed kid lookup (or fetch) waits."""
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.hydrate(JWKS_URL)
    fetcher.documents[JWKS_URL] = jwks_body(keys.main.jwk(), keys.rotated.jwk())
    key = cache.get_key(JWKS_URL, ROTATED_KID)          # no clock movement needed
    assert key.public_numbers() == keys.rotated.public.public_numbers()
    assert fetcher.count == 2


def test_penalty_box_opens_after_the_window_on_the_injected_clock(fetcher, clock):
    cache = JwksCache(fetcher=fetcher, clock=clock, penalty_seconds=30)
    cache.hydrate(JWKS_URL)
    with pytest.raises(KidNotFoundError, match="even freshly fetched"):
        cache.get_key(JWKS_URL, "x")
    clock.advance(29)
    with pytest.raises(KidNotFoundError, match="penalty box"):
        cache.get_key(JWKS_URL, "x")
    assert fetcher.count == 2
    clock.advance(1)
    with pytest.raises(KidNotFoundError, match="even freshly fetched"):
        cache.get_key(JWKS_URL, "x")
    assert fetcher.count == 3
    with pytest.raises(KidNotFoundError, match="penalty box"):
        cache.get_key(JWKS_URL, "x")
    assert fetcher.count == 3


def test_a_lab_clock_moved_forward_opens_the_penalty_box(fetcher):
    lab_clock = Clock()
    cache = JwksCache(fetcher=fetcher, clock=lab_clock)
    cache.hydrate(JWKS_URL)
    with pytest.raises(KidNotFoundError, match="even freshly fetched"):
        cache.get_key(JWKS_URL, "x")
    with pytest.raises(KidNotFoundError, match="penalty box"):
        cache.get_key(JWKS_URL, "x")
    lab_clock.advance(minutes=1)
    with pytest.raises(KidNotFoundError, match="even freshly fetched"):
        cache.get_key(JWKS_URL, "x")
    assert fetcher.count == 3


def test_penalty_zero_refetches_on_every_miss(fetcher, clock):
    cache = JwksCache(fetcher=fetcher, clock=clock, penalty_seconds=0)
    for _ in range(3):
        with pytest.raises(KidNotFoundError):
            cache.get_key(JWKS_URL, "x")
    assert fetcher.count == 3


def test_clock_running_backwards_does_not_lock_the_box_forever(fetcher, clock):
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.hydrate(JWKS_URL)
    with pytest.raises(KidNotFoundError, match="even freshly fetched"):
        cache.get_key(JWKS_URL, "x")
    clock.t -= 3600
    with pytest.raises(KidNotFoundError, match="even freshly fetched"):
        cache.get_key(JWKS_URL, "x")
    assert fetcher.count == 3


def test_one_retry_then_jwks_unavailable(fetcher, clock):
    fetcher.documents[JWKS_URL] = OSError("connection refused")
    cache = JwksCache(fetcher=fetcher, clock=clock)
    with pytest.raises(JwksUnavailableError, match=r"connection refused.*after 2 attempt") as info:
        cache.get_key(JWKS_URL, MAIN_KID)
    assert fetcher.count == 2
    assert isinstance(info.value.__cause__, OSError)
    assert info.value.http_status == 503


def test_the_retry_can_save_the_day(fetcher, clock):
    fetcher.failures.append(TimeoutError("timed out"))
    cache = JwksCache(fetcher=fetcher, clock=clock)
    assert isinstance(cache.get_key(JWKS_URL, MAIN_KID), RSAPublicKey)
    assert fetcher.count == 2


@pytest.mark.parametrize("body", [b"<html>", b'{"no": "keys"}'])
def test_an_invalid_document_is_unavailable_too(fetcher, clock, body):
    fetcher.documents[JWKS_URL] = body
    with pytest.raises(JwksUnavailableError, match="JWKS"):
        JwksCache(fetcher=fetcher, clock=clock).hydrate(JWKS_URL)
    assert fetcher.count == 2


def test_retries_are_configurable(fetcher, clock):
    fetcher.documents[JWKS_URL] = OSError("down")
    with pytest.raises(JwksUnavailableError, match="after 1 attempt"):
        JwksCache(fetcher=fetcher, clock=clock, retries=0).hydrate(JWKS_URL)
    assert fetcher.count == 1


def test_a_failed_fetch_also_counts_for_the_penalty_box(fetcher, clock):
    fetcher.documents[JWKS_URL] = OSError("down")
    cache = JwksCache(fetcher=fetcher, clock=clock)
    with pytest.raises(JwksUnavailableError):
        cache.get_key(JWKS_URL, MAIN_KID)
    clock.advance(5)
    with pytest.raises(JwksUnavailableError, match=r"last fetch.*failed.*down"):
        cache.get_key(JWKS_URL, MAIN_KID)
    assert fetcher.count == 2  # no new attempts inside the window


def test_keys_survive_a_failed_refetch(keys, fetcher, clock):
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.hydrate(JWKS_URL)
    fetcher.documents[JWKS_URL] = OSError("down")
    clock.advance(11)
    with pytest.raises(JwksUnavailableError):
        cache.get_key(JWKS_URL, "new-kid")
    assert isinstance(cache.get_key(JWKS_URL, MAIN_KID), RSAPublicKey)


def test_an_unusable_key_does_not_trigger_refetches(keys, fetcher, clock):
    fetcher.documents[JWKS_URL] = jwks_body(keys.main.jwk(use="enc"))
    cache = JwksCache(fetcher=fetcher, clock=clock, penalty_seconds=0)
    for _ in range(3):
        with pytest.raises(JwkInvalidError, match="use"):
            cache.get_key(JWKS_URL, MAIN_KID)
    assert fetcher.count == 1


def test_urls_are_cached_separately(keys, fetcher, clock):
    other = "https://example.test/jwks.json"
    fetcher.documents[other] = jwks_body(keys.rotated.jwk())
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.get_key(JWKS_URL, MAIN_KID)
    cache.get_key(other, ROTATED_KID)  # its own keys and penalty box
    with pytest.raises(KidNotFoundError):
        cache.get_key(other, MAIN_KID)          # one refetch of *that* URL, then the box
    with pytest.raises(KidNotFoundError, match="penalty box"):
        cache.get_key(other, MAIN_KID)
    assert cache.get_key(JWKS_URL, MAIN_KID)   # the first URL is not penalised
    assert [url for url, _ in fetcher.calls] == [JWKS_URL, other, other]


def test_concurrent_misses_make_one_fetch(fetcher, clock):
    fetcher.delay = 0.05
    cache = JwksCache(fetcher=fetcher, clock=clock)
    start = threading.Barrier(32)
    results: list[object] = []

    def worker() -> None:
        start.wait()
        try:
            results.append(cache.get_key(JWKS_URL, MAIN_KID))
        except Exception as exc:  # collected and asserted below
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fetcher.count == 1
    assert len(results) == 32 and all(isinstance(r, RSAPublicKey) for r in results)


def test_concurrent_unknown_kids_make_one_fetch(fetcher, clock):
    fetcher.delay = 0.02
    cache = JwksCache(fetcher=fetcher, clock=clock)
    cache.hydrate(JWKS_URL)
    clock.advance(60)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            cache.get_key(JWKS_URL, f"forged-{i}")
        except KidNotFoundError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 24
    assert fetcher.count == 2  # hydrate + one refetch for the whole flood


def test_bad_settings_are_refused():
    for settings in ({"penalty_seconds": -1}, {"timeout": 0}, {"retries": -1}):
        with pytest.raises(ValueError):
            JwksCache(**settings)


# --- the default fetcher over real HTTP ----------------------------------------------------


def test_urllib_fetch_gets_the_document(keys, jwks_server):
    body = jwks_body(keys.main.jwk())
    jwks_server.routes["/pool/.well-known/jwks.json"] = (200, body, 0.0)
    assert urllib_fetch(jwks_server.url("/pool/.well-known/jwks.json"), 2.0) == body


def test_cache_over_http_with_rotation(keys, jwks_server):
    path = "/us-east-1_LabPool01/.well-known/jwks.json"
    jwks_server.routes[path] = (200, jwks_body(keys.main.jwk()), 0.0)
    clock = ManualClock()
    cache = JwksCache(clock=clock)
    url = jwks_server.url(path)
    cache.hydrate(url)
    jwks_server.routes[path] = (200, jwks_body(keys.main.jwk(), keys.rotated.jwk()), 0.0)
    clock.advance(10)
    assert cache.get_key(url, ROTATED_KID).public_numbers() == \
        keys.rotated.public.public_numbers()
    assert jwks_server.requests == [path, path]


def test_http_errors_are_retried_once_then_unavailable(jwks_server):
    jwks_server.routes["/jwks"] = (500, b"boom", 0.0)
    cache = JwksCache()
    with pytest.raises(JwksUnavailableError) as info:
        cache.hydrate(jwks_server.url("/jwks"))
    assert getattr(info.value.__cause__, "code", None) == 500    # urllib's HTTPError, not its text
    assert jwks_server.requests == ["/jwks", "/jwks"]


def test_a_slow_server_times_out(jwks_server, keys):
    jwks_server.routes["/slow"] = (200, jwks_body(keys.main.jwk()), 0.5)
    cache = JwksCache(timeout=0.1)
    with pytest.raises(JwksUnavailableError) as info:
        cache.get_key(jwks_server.url("/slow"), MAIN_KID)
    cause = info.value.__cause__                   # TimeoutError, or urllib's URLError around one
    assert isinstance(getattr(cause, "reason", cause), TimeoutError), repr(cause)
    assert len(jwks_server.requests) == 2


def test_nothing_listening_is_unavailable():
    import socket

    with socket.socket() as sock:  # find a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(JwksUnavailableError, match="after 2 attempt"):
        JwksCache().hydrate(f"http://127.0.0.1:{port}/jwks.json")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.test/jwks.json"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(JwksUnavailableError, match="must be http"):
        JwksCache().hydrate(url)


def test_oversized_documents_are_refused(jwks_server):
    keys_doc = {"keys": [{"kid": str(i), "kty": "RSA", "pad": "x" * 1000} for i in range(300)]}
    jwks_server.routes["/big"] = (200, json.dumps(keys_doc).encode(), 0.0)
    with pytest.raises(JwksUnavailableError, match="larger than"):
        JwksCache().hydrate(jwks_server.url("/big"))


def test_verifying_a_token_uses_the_cached_key(keys, fetcher, clock, make_verifier):
    verifier = make_verifier()
    token = sign(access_claims(), keys.main)
    for _ in range(10):
        verifier.verify(token)
    assert fetcher.count == 1
