"""A loopback HTTP/1.1 server that keeps connections open (pytest-httpserver's closes every one),
to see how many connections a client opens: each request records the client's port."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    port: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class KeepAliveServer:
    url: str
    answer: tuple[int, Any] = (200, {})
    """The status and JSON body every request gets."""
    seen: list[Seen] = field(default_factory=list)

    @property
    def ports(self) -> set[int]:
        return {request.port for request in self.seen}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        owner = self.server.owner
        owner.seen.append(Seen(self.client_address[1], self.command, self.path, dict(self.headers), body))
        status, payload = owner.answer
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_PATCH = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: KeepAliveServer


@contextmanager
def keepalive_server() -> Iterator[KeepAliveServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.owner = KeepAliveServer(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.owner
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
