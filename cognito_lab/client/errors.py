"""Errors your app meets on its side of Cognito, with one base: ``except ClientError``
catches them all.

- :class:`OAuthError`: Cognito's OAuth endpoints refused a request (RFC 6749 code);
- :class:`CallbackError` (and :class:`StateMismatchError`, :class:`AuthorizationDeniedError`):
  the redirect back to the app is not one to accept;
- :class:`SignInError`: the hosted UI's sign-in page did not let the user in;
- :class:`PkceError`: a code verifier that RFC 7636 does not allow (also a ``ValueError``).

Errors of Cognito's API itself reach the app as boto3's ``botocore.exceptions.ClientError``
(another class with the same short name: import this one as ``errors.ClientError``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .http_exchange import HttpExchange

__all__ = ["AuthorizationDeniedError", "CallbackError", "ClientError", "OAuthError",
           "PkceError", "SignInError", "StateMismatchError"]


class ClientError(Exception):
    """Base class of every error raised by ``cognito_lab.client``."""


class OAuthError(ClientError):
    """Cognito refused an OAuth request (``error`` is RFC 6749's code)."""

    def __init__(self, error: str, exchange: HttpExchange, description: str | None = None):
        self.error = error
        self.exchange = exchange
        self.description = description
        detail = description or exchange.lab_reason
        super().__init__(f"{error} (HTTP {exchange.status})" + (f": {detail}" if detail else ""))


class CallbackError(ClientError):
    """The redirect back to your app is not one to accept."""


class StateMismatchError(CallbackError):
    """The callback's ``state`` is not the one you sent: a forged or replayed callback."""


class AuthorizationDeniedError(CallbackError):
    """The callback carries ``error=...`` instead of a code."""

    def __init__(self, error: str, state: str | None) -> None:
        super().__init__(f"the authorization server answered error={error}")
        self.error = error
        self.state = state


class SignInError(ClientError):
    """The sign-in page did not let the user in (its message is in ``str(error)``)."""

    def __init__(self, message: str, steps: list[HttpExchange]) -> None:
        super().__init__(message)
        self.steps = steps


class PkceError(ClientError, ValueError):
    """A code verifier that RFC 7636 does not allow."""
