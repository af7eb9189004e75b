"""The emulator's RFC 6238 check (stdlib hmac), against the RFC's own test vectors and pyotp."""

from __future__ import annotations

import base64

import pyotp
import pytest

from cognito_lab.emulator.user_pools import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()   # RFC 6238 appendix B, SHA1


@pytest.mark.parametrize("unix_time, eight_digits", [(59, "94287082"), (1111111109, "07081804"),
                                                     (1234567890, "89005924"),
                                                     (2000000000, "69279037")])
def test_rfc_6238_vectors(unix_time, eight_digits):
    """Cognito's codes are 6 digits: the RFC's 8-digit values mod 10^6."""
    assert totp.code_at(RFC_SECRET, unix_time // 30) == eight_digits[-6:]


def test_agrees_with_pyotp():
    secret = totp.new_secret()
    for moment in (0, 1_700_000_000, 1_800_000_015):
        assert totp.code_at(secret, moment // 30) == pyotp.TOTP(secret).at(moment)


def test_window_is_one_step_either_side():
    secret = totp.new_secret()
    now = 1_800_000_000.0
    for steps, accepted in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
        code = pyotp.TOTP(secret).at(now + 30 * steps)
        assert (totp.matching_step(secret, code, now) is not None) is accepted


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", None, 123456])
def test_malformed_codes_never_match(code):
    assert totp.matching_step(totp.new_secret(), code, 1_800_000_000.0) is None


class FixedClock:
    """A clock that stands still until moved (the lab's Clock follows real time)."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


def test_registry_refuses_replay_but_not_the_setup_code():
    clock = FixedClock(1_800_000_000.0)
    registry = totp.TotpRegistry(clock)  # type: ignore[arg-type]
    secret = registry.associate("pool", "user")
    code = pyotp.TOTP(secret).at(clock.now())
    assert registry.verify_pending("pool", "user", code)
    assert registry.check("pool", "user", code)          # the setup code, once
    assert not registry.check("pool", "user", code)      # not twice


def test_a_new_secret_replaces_the_old_only_once_verified():
    clock = FixedClock(1_800_000_000.0)
    registry = totp.TotpRegistry(clock)  # type: ignore[arg-type]
    first = registry.associate("pool", "user")
    assert registry.verify_pending("pool", "user", pyotp.TOTP(first).at(clock.now()))
    second = registry.associate("pool", "user")
    assert registry.token("pool", "user").secret == first
    clock.advance(60)
    assert registry.verify_pending("pool", "user", pyotp.TOTP(second).at(clock.now()))
    assert registry.token("pool", "user").secret == second
