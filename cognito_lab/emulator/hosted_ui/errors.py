"""OAuth 2.0 error answers, in the shapes Cognito uses.

- Token and revocation endpoints: JSON ``{"error": "invalid_grant"}`` (RFC 6749 §5.2 codes).
  Cognito sends the code alone, without ``error_description``; the lab says *why* in a
  header of its own, ``x-cognito-lab-reason``, so a lesson (or a test) can show which rule
  refused the request. AWS sends no such header.
- Authorization endpoint, once the redirect URI is known to be registered: a redirect back
  to it with ``error=...&state=...`` (RFC 6749 §4.1.2.1).
- Anything else a browser sees (an unknown client, an unregistered redirect URI): an error
  page, never a redirect, so the hosted UI cannot be used as an open redirector
  (RFC 6749 §4.1.2.1, §10.15; RFC 9700 §4.11).
"""

from __future__ import annotations

import json
from typing import Literal, get_args
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from werkzeug.wrappers import Response

REASON_HEADER = "x-cognito-lab-reason"

# Every error code the hosted UI answers. The classes below are the three *shapes* of an
# answer (JSON, redirect, page); the same code can take any of them, so codes are a closed
# vocabulary checked when an error is made (and statically, by mypy) rather than a class
# per code and shape.
OAuthErrorCode = Literal[
    # RFC 6749 §4.1.2.1 and §5.2 (authorization and token endpoints)
    "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
    "unsupported_grant_type", "unsupported_response_type", "invalid_scope",
    # RFC 7009 §2.2.1 (revocation endpoint)
    "unsupported_token_type",
    # RFC 6750 §3.1 (userInfo endpoint)
    "invalid_token",
    # Cognito's own error pages: a redirect or logout URI the app client doesn't list, and
    # (the lab's) a sign-in challenge the hosted UI has no page for
    "redirect_mismatch", "unsupported_challenge",
]
OAUTH_ERROR_CODES: frozenset[str] = frozenset(get_args(OAuthErrorCode))


class HostedUiError(Exception):
    """An RFC 6749 error code, the lab's reason for it, and the HTTP status."""

    def __init__(self, error: OAuthErrorCode, reason: str, status: int = 400) -> None:
        if error not in OAUTH_ERROR_CODES:
            raise ValueError(f"{error!r} is not an error code the hosted UI answers")
        super().__init__(f"{error}: {reason}")
        self.error = error
        self.reason = reason
        self.status = status


class OAuthError(HostedUiError):
    """An RFC 6749 error answered as JSON (token, revoke and userInfo endpoints)."""

    def response(self) -> Response:
        response = json_response({"error": self.error}, self.status)
        response.headers[REASON_HEADER] = self.reason
        return response


class RedirectError(HostedUiError):
    """An authorization error sent back to a registered redirect URI (with the state)."""

    def __init__(self, error: OAuthErrorCode, reason: str, redirect_uri: str,
                 state: str | None) -> None:
        super().__init__(error, reason, status=302)
        self.redirect_uri = redirect_uri
        self.state = state

    def response(self) -> Response:
        params: dict[str, str] = {"error": self.error}
        if self.state is not None:
            params["state"] = self.state
        response = redirect(with_query(self.redirect_uri, params))
        response.headers[REASON_HEADER] = self.reason
        return response


class ErrorPage(HostedUiError):
    """An error shown to the user on the hosted UI's own page: the request is not trusted
    enough to send the browser anywhere."""

    def response(self) -> Response:
        from .pages import render

        response = render("hosted_ui_error.html", status=self.status, error=self.error,
                          reason=self.reason)
        response.headers[REASON_HEADER] = self.reason
        return response


def json_response(body: dict, status: int = 200) -> Response:
    response = Response(json.dumps(body), status=status,
                        content_type="application/json;charset=UTF-8")
    # RFC 6749 §5.1: responses with tokens (and their errors) must not be cached.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def redirect(location: str) -> Response:
    """A 302 to ``location`` exactly as given (relative locations stay relative)."""
    response = Response(status=302)
    response.headers["Location"] = location
    response.headers["Cache-Control"] = "no-store"
    return response


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query; its own query is kept (RFC 6749 §3.1.2)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def with_fragment(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` in its fragment (the implicit grant, RFC 6749 §4.2.2)."""
    return urlunsplit(urlsplit(url)._replace(fragment=urlencode(params)))
