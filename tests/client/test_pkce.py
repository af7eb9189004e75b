"""PKCE, the app's half (RFC 7636 §4.1-4.2; test vector from Appendix B)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognito_lab.client import pkce


def test_rfc7636_appendix_b_vector():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_new_verifiers_are_valid_fresh_and_of_the_asked_length():
    verifiers = {pkce.new_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    assert all(len(v) == 64 and pkce.validate_verifier(v) == v for v in verifiers)
    assert len(pkce.new_verifier(43)) == 43 and len(pkce.new_verifier(128)) == 128


@pytest.mark.parametrize("length", [42, 129, 0, -1, 43.0, "64"])
def test_new_verifier_refuses_lengths_rfc7636_does_not_allow(length):
    with pytest.raises(pkce.PkceError, match="43 to 128"):
        pkce.new_verifier(length)


@pytest.mark.parametrize(("verifier", "message"), [
    ("a" * 42, "43 to 128 characters long; this one has 42"),
    ("a" * 129, "this one has 129"),
    ("a" * 42 + "+", "'\\+'"),
    ("a" * 42 + "=", "'='"),
    ("a" * 42 + " ", "' '"),
    ("a" * 42 + "é", "'é'"),
])
def test_invalid_verifiers_get_a_clear_error(verifier, message):
    with pytest.raises(pkce.PkceError, match=message):
        pkce.s256_challenge(verifier)


def test_a_verifier_must_be_a_string():
    with pytest.raises(pkce.PkceError, match="string"):
        pkce.validate_verifier(b"a" * 43)  # type: ignore[arg-type]


@given(st.text(alphabet=pkce.UNRESERVED, min_size=43, max_size=128))
def test_challenge_is_43_chars_of_base64url_without_padding(verifier):
    challenge = pkce.s256_challenge(verifier)
    assert len(challenge) == 43
    assert set(challenge) <= set(pkce.UNRESERVED) - {".", "~"}
