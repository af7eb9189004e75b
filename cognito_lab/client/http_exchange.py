"""One HTTP request and its response, recorded so a lesson can show what crossed the wire.

:class:`HttpExchange` keeps the request (method, URL, headers, body) and the response
(status, headers, body). Shown in a notebook (``_repr_html_``) or as text, secrets are
masked (Basic credentials, client secrets, passwords) and tokens shortened.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

__all__ = ["LAB_REASON_HEADER", "HttpExchange", "masked"]

LAB_REASON_HEADER = "x-cognito-lab-reason"
_JWT = re.compile(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+")
_OPAQUE = re.compile(r"(?<![A-Za-z0-9_\-.~])[A-Za-z0-9_\-.~]{40,}(?![A-Za-z0-9_\-.~])")
_SECRET_FIELDS = re.compile(
    r"((?:client_secret|password|new_password|confirm_password)=)[^&\s]*")
_SECRET_JSON = re.compile(r'("(?:client_secret|password)":\s*")[^"]*(")')
_BASIC = re.compile(r"(Basic )\S+")
SHOWN_REQUEST_HEADERS = ("Authorization", "Content-Type", "Cookie")
SHOWN_RESPONSE_HEADERS = ("Location", "Content-Type", "Set-Cookie", "WWW-Authenticate",
                          LAB_REASON_HEADER)


def _short_jwt(match: re.Match) -> str:
    token = match.group(0)
    return f"{token[:12]}…({len(token)} chars)…{token[-4:]}"


def masked(text: str) -> str:
    """``text`` safe to show: secrets hidden, tokens and other long opaque values shortened."""
    text = _BASIC.sub(r"\1•••", text)
    text = _SECRET_FIELDS.sub(r"\1•••", text)
    text = _SECRET_JSON.sub(r"\1•••\2", text)
    text = _JWT.sub(_short_jwt, text)
    return _OPAQUE.sub(lambda m: f"‹{len(m.group(0))} chars›", text)


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP request and its response, as they crossed the wire."""

    method: str
    url: str
    headers: dict[str, str]
    body: str | None
    status: int
    response_headers: dict[str, str]
    response_body: str
    what: str = ""

    @classmethod
    def of(cls, response: requests.Response, what: str = "") -> HttpExchange:
        sent = response.request
        body = sent.body.decode() if isinstance(sent.body, bytes) else sent.body
        received = dict(response.headers)
        cookies = response.raw.headers.getlist("Set-Cookie") if response.raw else []
        if cookies:
            received["Set-Cookie"] = "\n".join(cookies)
        return cls(method=sent.method or "", url=sent.url or "", headers=dict(sent.headers),
                   body=body or None, status=response.status_code,
                   response_headers=received, response_body=response.text, what=what)

    @property
    def location(self) -> str | None:
        """Where a redirect points, resolved against the request URL."""
        location = self.response_headers.get("Location")
        return urljoin(self.url, location) if location else None

    @property
    def lab_reason(self) -> str | None:
        """The lab's explanation of a refusal (a lab-only header; AWS sends no reason)."""
        return self.response_headers.get(LAB_REASON_HEADER)

    def json(self) -> Any:
        return json.loads(self.response_body)

    def _shown_body(self) -> str:
        content_type = self.response_headers.get("Content-Type", "")
        if "html" in content_type:
            title = re.search(r"<title>(.*?)</title>", self.response_body, re.S)
            name = f"“{title.group(1).strip()}”" if title else "an HTML page"
            return f"{name} ({len(self.response_body)} bytes of HTML)"
        if "json" in content_type:
            try:
                return masked(json.dumps(self.json(), indent=2))
            except ValueError:
                pass
        return masked(self.response_body)

    def summary(self) -> str:
        path = urlsplit(self.url).path or "/"
        line = f"{self.method} {path} → {self.status}"
        if self.location:
            line += f" → {masked(self.location)}"
        return line

    def __repr__(self) -> str:
        return f"<HttpExchange {self.summary()}>"

    def text(self) -> str:
        """Request and response as plain text (secrets masked)."""
        lines = [f"{self.method} {masked(self.url)}"]
        lines += [f"{k}: {masked(v)}" for k, v in self.headers.items()
                  if k in SHOWN_REQUEST_HEADERS]
        if self.body:
            lines += ["", masked(self.body)]
        lines += ["", f"HTTP {self.status}"]
        for name in SHOWN_RESPONSE_HEADERS:
            for key, value in self.response_headers.items():
                if key.lower() == name.lower():
                    lines += [f"{key}: {masked(line)}" for line in value.split("\n")]
        if self.response_body:
            lines += ["", self._shown_body()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        caption = f"<b>{html.escape(self.what)}</b><br>" if self.what else ""
        return (f"<div>{caption}<pre style='white-space:pre-wrap;margin:0'>"
                f"{html.escape(self.text())}</pre></div>")
