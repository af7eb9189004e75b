"""The lab's server: the emulator's WSGI app on 127.0.0.1, with moto's request handler."""

from __future__ import annotations

from typing import Any

from ..serving import ThreadedServer


class LabServer(ThreadedServer):
    """Serve the lab until ``stop()``; stop frees the port and the thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        # moto's handler keeps S3 metadata headers that contain underscores.
        from moto.moto_server.werkzeug_app import MotoRequestHandler

        super().__init__(app, host, port, name="cognito-lab", request_handler=MotoRequestHandler)
