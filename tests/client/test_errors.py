"""cognito_lab.client's errors share one base, so an app can catch them all."""

from __future__ import annotations

import pytest

from cognito_lab.client import browser, errors, oauth, pkce


def test_every_client_error_derives_from_client_error():
    for cls in (errors.OAuthError, errors.CallbackError, errors.StateMismatchError,
                errors.AuthorizationDeniedError, errors.SignInError, errors.PkceError):
        assert issubclass(cls, errors.ClientError)


def test_the_errors_are_importable_where_they_were():
    assert oauth.OAuthError is errors.OAuthError
    assert oauth.CallbackError is errors.CallbackError
    assert oauth.StateMismatchError is errors.StateMismatchError
    assert oauth.AuthorizationDeniedError is errors.AuthorizationDeniedError
    assert oauth.SignInError is browser.SignInError is errors.SignInError
    assert pkce.PkceError is errors.PkceError


def test_one_except_catches_them():
    with pytest.raises(errors.ClientError):
        pkce.validate_verifier("too short")
    with pytest.raises(ValueError):       # a PkceError is still a ValueError
        pkce.validate_verifier("too short")
