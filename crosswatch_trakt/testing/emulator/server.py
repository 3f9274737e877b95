"""Serve a WSGI app (on 127.0.0.1, an ephemeral port by default), threaded, in a daemon thread."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import attrs
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


class QuietHandler(WSGIRequestHandler):
    """A request handler that does not print a line per request."""

    def log(self, type: str, message: str, *args: Any) -> None:
        """Drop werkzeug's access and error log lines (the emulator keeps its own log)."""


@attrs.define
class ServerThread:
    """A running server; ``stop()`` shuts it down and waits for its thread."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        """Return ``http://<address>:<port>`` (``[::1]`` for IPv6; a wildcard: loopback)."""
        address = str(self.server.server_address[0])
        if ":" in address:
            return f"http://[{'::1' if address == '::' else address}]:{self.server.server_port}"
        if address == "0.0.0.0":
            address = "127.0.0.1"
        return f"http://{address}:{self.server.server_port}"

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_server(app: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> ServerThread:
    """Start serving ``app`` on ``host:port`` (0: any free port) and return at once."""
    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-trakt", daemon=True
    )
    thread.start()
    return ServerThread(server, thread)
