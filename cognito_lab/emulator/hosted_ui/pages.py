"""The hosted UI's HTML pages: Jinja2 templates (autoescaped) from ``emulator/templates``.

Every page is self-contained (inline CSS, no external assets, no scripts — except the
passkey step's one inline script, allowed by a per-response CSP nonce in
``passkey_pages``), uses relative links only (so it works under a path prefix), and is sent
with headers that keep it out of frames and caches.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.wrappers import Response

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SECURITY_HEADERS = {
    # No scripts, no external anything; styles inline; never inside a frame (clickjacking).
    "Content-Security-Policy": ("default-src 'none'; style-src 'unsafe-inline'; "
                                "img-src data:; base-uri 'none'; frame-ancestors 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES),
                       autoescape=select_autoescape(["html"]), trim_blocks=True,
                       lstrip_blocks=True)


def render(template: str, *, status: int = 200, **context: Any) -> Response:
    html = environment().get_template(template).render(**context)
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.headers.update(SECURITY_HEADERS)
    return response
