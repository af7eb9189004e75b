"""The app's own pages in the browser tests: its callback and signed-out pages, served on
127.0.0.1 and named ``http://localhost:<port>`` as an app registers them (Playwright's
routing does not see redirect hops, so the callback is a real server)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


class CallbackApp:
    """The app's callback page: shows "Signed in" and remembers every URL it was sent to."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        request = Request(environ)
        if request.path != "/favicon.ico":
            self.seen.append(request.url)
        page = "<!doctype html><title>App</title><h1>Signed in</h1>"
        if request.path == "/signed-out":
            page = "<!doctype html><title>App</title><h1>Signed out</h1>"
        return Response(page, content_type="text/html")(environ, start_response)


@contextmanager
def callback_server() -> Iterator[tuple[str, CallbackApp]]:
    """The app's pages (``/callback``, ``/signed-out``) until the block ends: its base URL
    and the app, which remembers every URL it was sent to."""
    app = CallbackApp()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
