"""A WSGI app's whole answer, buffered: so the gate can read it before passing it on."""

from __future__ import annotations

from typing import Any


class Answer:
    """A complete WSGI answer (status, headers, body), buffered."""

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def code(self) -> int:
        return int(self.status.split(" ", 1)[0])

    def send(self, start_response: Any) -> list[bytes]:
        headers = [(k, v) for k, v in self.headers if k.lower() != "content-length"]
        start_response(self.status, [*headers, ("Content-Length", str(len(self.body)))])
        return [self.body]


def run(app: Any, environ: dict) -> Answer:
    captured: dict = {}

    def start_response(status: str, headers: list, exc_info: Any = None) -> Any:
        captured["status"], captured["headers"] = status, list(headers)
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return Answer(captured["status"], captured["headers"], body)
