"""`--listen HOST:PORT`: /metrics, /healthz and /readyz over HTTP, on a thread of their own.

- `/healthz`: 200 while the process answers (liveness).
- `/readyz`: 200 when the store opens within a second and the loop is not stalled (it has
  not overrun its planned wake-up by more than two of its sleeps); 503 with the reason
  otherwise.
- `/metrics`: Prometheus text format.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from scheduler.metrics import SchedulerMetrics
from scheduler.store import Store, StoreError

HEALTH_PATH, READY_PATH, METRICS_PATH = "/healthz", "/readyz", "/metrics"
READINESS_STORE_TIMEOUT = timedelta(seconds=1)


def parse_listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--listen {text!r}: use HOST:PORT, e.g. 0.0.0.0:9464")
    return host.strip("[]") or "0.0.0.0", int(port)


def store_problem(store: Store) -> str | None:
    probe = Store(store.path, READINESS_STORE_TIMEOUT)
    try:
        with probe.reader():
            return None
    except StoreError as exc:
        return str(exc)


def start_http(
    listen: str, metrics: SchedulerMetrics, readiness: Callable[[], str | None]
) -> ThreadingHTTPServer:
    host, port = parse_listen(listen)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == METRICS_PATH:
                self._answer(200, metrics.exposition(), "text/plain; version=0.0.4; charset=utf-8")
            elif path == HEALTH_PATH:
                self._answer(200, b"ok\n")
            elif path == READY_PATH:
                problem = readiness()
                self._answer(503, f"not ready: {problem}\n".encode()) if problem else self._answer(200, b"ready\n")
            else:
                self._answer(404, b"not found\n")

        def _answer(self, code: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # probes every few seconds would drown the event log

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="http").start()
    return server
