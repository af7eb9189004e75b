"""Stand-ins: loopback servers that play, for this lab, public services Cognito calls.

Lab vs AWS (docs/fidelity.md). On AWS, Cognito federates to Google at Google's own URLs,
and DescribeIdentityProvider shows them (``https://accounts.google.com/o/oauth2/v2/auth``,
``https://www.googleapis.com/oauth2/v4/token``...). The lab keeps those URLs in the
provider exactly as AWS shows them, yet never reaches the internet: the first hop's
redirect of the browser and every HTTP call Cognito makes for federation (token exchange,
keys, userInfo) go through :meth:`StandIns.route`, which sends a played origin to the
loopback server a lesson started for it (``lab.play_google(google)``).

- A played origin (one a stand-in was registered for, or one of ``played_domains``, such
  as Google's) with no stand-in running is :class:`NotPlayed`: a clear error, never a
  request to the internet.
- Any other URL is used as it is: a loopback URL (the kit's own OIDC IdPs), or an OIDC
  provider the learner configured themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_PORTS = {"http": 80, "https": 443}


class StandIn(Protocol):
    """What the lab needs of a stand-in (e.g. ``cognito_lab.idp.GoogleProvider``)."""

    @property
    def local_url(self) -> str:
        """Where it listens: ``http://127.0.0.1:<port>``."""
        ...

    @property
    def running(self) -> bool:
        ...


class NotPlayed(Exception):
    """A URL of a played origin, and no stand-in running for it."""


def origin(url: str) -> str:
    """``scheme://host[:port]``, lower-cased, without a default port (RFC 6454 §4)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    if port is None or port == DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


class StandIns:
    """Public origin -> the stand-in that plays it, for one lab. Thread-safe."""

    def __init__(self, played_domains: Iterable[str] = ()) -> None:
        self.played_domains = tuple(played_domains)
        self._lock = threading.Lock()
        self._by_origin: dict[str, StandIn] = {}

    def play(self, public_origin: str, stand_in: StandIn) -> None:
        """Send ``public_origin`` (e.g. ``https://accounts.google.com``) to ``stand_in``."""
        local = urlsplit(stand_in.local_url)
        if local.hostname not in LOOPBACK_HOSTS:
            raise ValueError(f"a stand-in serves on loopback only, not at {stand_in.local_url}")
        with self._lock:
            self._by_origin[origin(public_origin)] = stand_in

    def is_played(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            registered = origin(url) in self._by_origin
        return registered or any(host == domain or host.endswith(f".{domain}")
                                 for domain in self.played_domains)

    def route(self, url: str) -> str:
        """The URL to call (or send a browser to) for ``url``: on its stand-in's loopback
        server if the origin is played; ``url`` itself otherwise."""
        with self._lock:
            stand_in = self._by_origin.get(origin(url))
        if stand_in is None:
            if self.is_played(url):
                raise NotPlayed(f"the lab never reaches {origin(url)} on the internet: it "
                                "plays it with a stand-in on 127.0.0.1, and none is "
                                "registered. Start one and hand it to the lab, e.g. "
                                "lab.play_google(GoogleProvider.start(users=[...]))")
            return url
        if not stand_in.running:
            raise NotPlayed(f"the stand-in that plays {origin(url)} ({stand_in.local_url}) "
                            "has stopped: start it again and hand it to the lab")
        local = urlsplit(stand_in.local_url)
        parts = urlsplit(url)
        return urlunsplit((local.scheme, local.netloc, parts.path, parts.query, parts.fragment))
