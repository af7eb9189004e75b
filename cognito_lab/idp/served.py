"""What every identity provider the lab plays shares: its own server on 127.0.0.1.

A provider is a context manager (``with OidcProvider.start(...) as idp:``) whose server
stops on exit; ``local_url`` and ``running`` are what the lab's stand-ins need of it.
"""

from __future__ import annotations

from typing import Self

from ..serving import ThreadedServer


class ServedOnLoopback:
    _http: ThreadedServer

    @property
    def local_url(self) -> str:
        """Where it listens: ``http://127.0.0.1:<port>``."""
        return self._http.url

    @property
    def running(self) -> bool:
        return self._http.running

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _shown_url(self) -> str:
        """What the repr names: the URL learners configure Cognito with."""
        return self.local_url

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._shown_url() if self.running else 'stopped'}>"
