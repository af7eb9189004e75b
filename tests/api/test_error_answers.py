"""Each verifier error class says how a resource server answers it: no class forgotten."""

from __future__ import annotations

from cognito_lab.api import errors
from cognito_lab.api.errors import JwtVerificationError
from cognito_lab.api.middleware import refusal_for


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


KIT_ERRORS = [cls for cls in _subclasses(JwtVerificationError)
              if cls.__module__ == errors.__name__]


def test_every_verifier_error_states_its_public_message():
    assert len(KIT_ERRORS) >= 20
    missing = [cls.__name__ for cls in KIT_ERRORS if "public_message" not in vars(cls)]
    assert not missing, f"add a public_message to {missing}"
    for cls in KIT_ERRORS:
        assert cls.public_message and cls.public_message.strip() == cls.public_message


def test_every_verifier_error_has_an_rfc6750_answer():
    for cls in [JwtVerificationError, *KIT_ERRORS]:
        assert cls.http_status in (401, 403, 503), cls
        error = cls("m", claim="c") if issubclass(cls, errors.JwtInvalidClaimError) else cls("m")
        expected = {401: "invalid_token", 403: "insufficient_scope", 503: None}
        assert error.www_authenticate_error == expected[cls.http_status]
        assert (error.retry_after is not None) == (cls.http_status == 503)


def test_the_answer_follows_the_instance():
    """A malformed scope claim is a 401 (invalid_token), though its class says 403."""
    error = errors.JwtInvalidScopeError("scope: bad", claim="scope", actual=1)
    error.http_status = 401
    refusal = refusal_for(error)
    assert (refusal.status, refusal.error, refusal.scope) == (401, "invalid_token", None)
    assert refusal.description == "The token lacks a required scope"
    wanting = errors.JwtInvalidScopeError("x", claim="scope", expected=["orders/read"])
    refusal = refusal_for(wanting)
    assert (refusal.status, refusal.error, refusal.scope) == (
        403, "insufficient_scope", frozenset({"orders/read"}))
    unavailable = refusal_for(errors.JwksUnavailableError("down"))
    assert (unavailable.status, unavailable.error, unavailable.retry_after) == (503, None, 10)
