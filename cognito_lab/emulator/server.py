"""A werkzeug server on 127.0.0.1, on a free port, in a background thread."""

from __future__ import annotations

import logging
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server


def quiet_werkzeug() -> None:
    """werkzeug logs every request to stderr; a notebook should not show that."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


class LabServer:
    """Serve a WSGI app on 127.0.0.1 until ``stop()``; stop frees the port and the thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        from moto.moto_server.werkzeug_app import MotoRequestHandler

        quiet_werkzeug()
        try:
            self._server: BaseWSGIServer = make_server(
                host, port, app, threaded=True, request_handler=MotoRequestHandler)
        except SystemExit as exc:
            # werkzeug calls sys.exit(1) when the port is taken; in a notebook that would
            # kill the kernel. Say what happened instead.
            raise OSError(f"cannot serve the lab on {host}:{port}: the port is in use; "
                          "leave the port out to get a free one") from exc
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name=f"cognito-lab-server-{self.port}", daemon=True)
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
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()
