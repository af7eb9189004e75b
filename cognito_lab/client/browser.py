"""What a user's browser does on the hosted UI, done without a browser.

For notebooks and tests: :class:`Browser` follows redirects, keeps cookies, fills in the
sign-in form (with its CSRF token), answers a new-password or MFA page if told how, and
stops at the app's callback URL instead of loading it. Every request is recorded as an
:class:`~cognito_lab.client.http_exchange.HttpExchange`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from .errors import SignInError
from .http_exchange import HttpExchange

__all__ = ["Browser", "BrowserSignIn", "Callback", "SignInError", "parse_callback"]

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Callback:
    """The redirect back to your app, taken apart."""

    url: str
    code: str | None
    state: str | None
    error: str | None


def parse_callback(url: str) -> Callback:
    """Read ``code``, ``state`` and ``error`` from a redirect to your callback URL."""
    query = parse_qs(urlsplit(url).query)

    def one(name: str) -> str | None:
        return query.get(name, [None])[0]

    return Callback(url=url, code=one("code"), state=one("state"), error=one("error"))


class _Forms(HTMLParser):
    """The forms of a page (action, fields) and its alert messages."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.alerts: list[str] = []
        self._alert_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": attributes.get("action", ""),
                               "method": attributes.get("method", "get").lower(),
                               "fields": {}})
        elif tag in ("input", "button") and self.forms and attributes.get("name"):
            self.forms[-1]["fields"][attributes["name"]] = attributes.get("value", "")
        if attributes.get("role") == "alert":
            self.alerts.append("")
            self._alert_depth = 1
        elif self._alert_depth and tag not in ("input", "br", "img"):
            self._alert_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._alert_depth:
            self._alert_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._alert_depth:
            self.alerts[-1] += data


@dataclass
class BrowserSignIn:
    """Every request a browser made to sign in, and where it ended: the callback URL."""

    steps: list[HttpExchange]
    callback_url: str

    @property
    def callback(self) -> Callback:
        return parse_callback(self.callback_url)

    def _repr_html_(self) -> str:
        items = "".join(f"<li><code>{html.escape(step.summary())}</code></li>"
                        for step in self.steps)
        return f"<ol>{items}</ol>"


class Browser:
    """What a user's browser does on the hosted UI, without a browser (for notebooks and
    tests): follow redirects, keep cookies, fill in the sign-in form with its CSRF token,
    and stop at the app's callback URL instead of loading it."""

    MAX_STEPS = 12

    def __init__(self, http: requests.Session | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.http = http or requests.Session()
        self.timeout = timeout
        self.steps: list[HttpExchange] = []

    def _record(self, response: requests.Response, what: str) -> HttpExchange:
        exchange = HttpExchange.of(response, what)
        self.steps.append(exchange)
        return exchange

    def get(self, url: str, what: str = "") -> HttpExchange:
        """One GET, no redirect followed."""
        return self._record(self.http.get(url, allow_redirects=False, timeout=self.timeout),
                            what or "GET")

    def post_form(self, url: str, fields: dict[str, str], what: str = "") -> HttpExchange:
        return self._record(self.http.post(url, data=fields, allow_redirects=False,
                                           timeout=self.timeout), what or "POST")

    def follow(self, exchange: HttpExchange, stop_at: str) -> HttpExchange:
        """Follow redirects until a page, or until a redirect to ``stop_at`` (the app)."""
        for _ in range(self.MAX_STEPS):
            location = exchange.location
            if exchange.status not in (301, 302, 303, 307, 308) or location is None:
                return exchange
            if location.startswith(stop_at):
                return exchange
            exchange = self.get(location, "Follow the redirect")
        raise SignInError("too many redirects", self.steps)

    def open(self, url: str, stop_at: str | None = None) -> HttpExchange:
        """GET ``url`` and follow its redirects, stopping before ``stop_at``."""
        stop_at = stop_at or _redirect_uri_of(url) or "\0"
        return self.follow(self.get(url, "Open the URL"), stop_at)

    @staticmethod
    def form(page: HttpExchange, containing: str = "password") -> tuple[str, dict[str, str]]:
        """The form on ``page`` that has a ``containing`` field: (action URL, its fields,
        hidden ones such as the CSRF token included), ready to fill in and post."""
        parser = _Forms()
        parser.feed(page.response_body)
        for form in parser.forms:
            if containing in form["fields"]:
                action = urljoin(page.url, html.unescape(form["action"]) or page.url)
                return action, dict(form["fields"])
        raise SignInError(f"the page has no form with a {containing!r} field", [page])

    def sign_in(self, authorize_url: str, username: str, password: str, *,
                new_password: str | None = None,
                mfa_code: str | Callable[[], str] | None = None,
                totp_setup: Callable[[str], str] | None = None) -> BrowserSignIn:
        """Open the authorize URL, sign in on the hosted UI, return the callback URL.

        ``new_password`` answers a NEW_PASSWORD_REQUIRED page; ``mfa_code`` (a code, or a
        function returning one, e.g. ``pyotp.TOTP(secret).now``) answers an MFA page;
        ``totp_setup(secret)`` answers an MFA set-up page with a code for the new secret.
        Raises SignInError with the page's message if the sign-in fails.
        """
        first = len(self.steps)
        stop_at = _redirect_uri_of(authorize_url)
        if not stop_at:
            raise ValueError("the authorize URL has no redirect_uri")
        page = self.follow(self.get(authorize_url, "Send the user to /oauth2/authorize"),
                           stop_at)
        answers = {"password": password, "new_password": new_password, "code": mfa_code,
                   "secret_code": totp_setup}
        submitted: set[str] = set()
        for _ in range(len(FORM_KINDS) + 1):
            location = page.location
            if location is not None and location.startswith(stop_at):
                return BrowserSignIn(self.steps[first:], location)
            if page.status != 200 or "html" not in page.response_headers.get("Content-Type", ""):
                raise SignInError(f"the hosted UI answered HTTP {page.status}: "
                                  f"{page.lab_reason or page.response_body[:200]}",
                                  self.steps[first:])
            parser = _Forms()
            parser.feed(page.response_body)
            alert = " ".join(a.strip() for a in parser.alerts)
            kind, form = _form_to_fill(parser.forms, answers)
            if form is None or kind in submitted:   # nothing to fill in, or it came back
                raise SignInError(alert or "the page has no form this browser can fill in",
                                  self.steps[first:])
            submitted.add(kind)
            fields = dict(form["fields"])
            _fill(kind, fields, username, answers)
            action = urljoin(page.url, html.unescape(form["action"]) or page.url)
            page = self.follow(self.post_form(action, fields, FORM_KINDS[kind]), stop_at)
        raise SignInError("the sign-in did not finish", self.steps[first:])


FORM_KINDS = {"password": "Submit the sign-in form", "new_password": "Choose a new password",
              "secret_code": "Set up the authenticator app", "code": "Enter the MFA code"}


def _form_to_fill(forms: list[dict], answers: dict) -> tuple[str, dict | None]:
    """The form this browser can fill in (sign-in; new password and MFA if answers given)."""
    for form in forms:
        for kind in FORM_KINDS:
            if kind in form["fields"] and (kind == "password" or answers[kind]):
                return kind, form
    return "", None


def _fill(kind: str, fields: dict[str, str], username: str, answers: dict) -> None:
    if kind == "password":
        fields["username"] = username
        fields["password"] = answers["password"]
    elif kind == "new_password":
        fields["new_password"] = fields["confirm_password"] = answers["new_password"]
    elif kind == "secret_code":
        fields["code"] = answers["secret_code"](fields["secret_code"])
    else:
        code = answers["code"]
        fields["code"] = code() if callable(code) else code


def _redirect_uri_of(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("redirect_uri", [None])[0]
