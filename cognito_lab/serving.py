"""A WSGI app served on loopback in a background thread — the lab and the sample API alike.

werkzeug's threaded server, bound to 127.0.0.1 (a free port unless one is asked for), with
its request log quieted so notebooks stay clean. ``stop()`` frees the port and ends the
thread; stopping twice is fine.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ThreadedServer:
    """Serve ``app`` on ``host:port`` until ``stop()``; also a context manager."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, *,
                 name: str = "server", request_handler: Any = None) -> None:
        from werkzeug.serving import make_server

        if host not in LOOPBACK:
            raise ValueError(f"{name} serves on loopback only, not on {host!r}")
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.app = app
        try:
            self._server = make_server(host, port, app, threaded=True,
                                       request_handler=request_handler)
        except SystemExit as exc:
            # werkzeug calls sys.exit(1) when the port is taken; in a notebook that would
            # kill the kernel. Say what happened instead.
            raise OSError(f"cannot serve {name} on {host}:{port}: the port is in use; "
                          "leave the port out to get a free one") from exc
        # threaded=True made a ThreadingMixIn server, which has daemon_threads
        self._server.daemon_threads = True  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name=f"{name}-{self.port}", daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and free the port. Safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> ThreadedServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url if self.running else 'stopped'}>"
