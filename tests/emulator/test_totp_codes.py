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


def test_registry_refuses_replay_but_not_the_setup_code():
    registry = totp.TotpRegistry()
    secret = registry.associate("pool", "user")
    now = 1_800_000_000.0
    code = pyotp.TOTP(secret).at(now)
    assert registry.verify_pending("pool", "user", code, now)
    assert registry.check("pool", "user", code, now)          # the setup code, once
    assert not registry.check("pool", "user", code, now)      # not twice


def test_a_new_secret_replaces_the_old_only_once_verified():
    registry = totp.TotpRegistry()
    first = registry.associate("pool", "user")
    now = 1_800_000_000.0
    assert registry.verify_pending("pool", "user", pyotp.TOTP(first).at(now), now)
    second = registry.associate("pool", "user")
    assert registry.token("pool", "user").secret == first
    assert registry.verify_pending("pool", "user", pyotp.TOTP(second).at(now + 60), now + 60)
    assert registry.token("pool", "user").secret == second
