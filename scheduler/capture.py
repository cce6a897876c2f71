"""A command's output in bounded memory, whatever its line structure.

Each stream is read from a pipe in chunks: the last `TAIL_BYTES` are kept, the rest is only
counted. Standard output is also split into lines as it streams, to find the task specs
(lines that are JSON objects with a `task` key); a line longer than `MAX_SPEC_LINE` cannot be
a spec worth delivering and is skipped without being held.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from scheduler.store import TAIL_BYTES

CHUNK = 64 * 1024
MAX_SPEC_LINE = 1024 * 1024
MAX_TASK_SPECS = 10_000
NOTE_ROOM = 64
# A tail cut inside a UTF-8 character starts with its continuation bytes: drop them.
_UTF8_CONTINUATION = bytes(range(0x80, 0xC0))


@dataclass(frozen=True)
class TaskSpec:
    """A stdout line that is a JSON object with a `task` key."""

    spec: dict[str, Any]

    @property
    def spec_hash(self) -> str:
        canonical = json.dumps(self.spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class StreamCapture:
    """Tail and byte count of one stream; with `find_specs`, the task specs it printed."""

    def __init__(self, find_specs: bool = False) -> None:
        self.total = 0
        self._tail = bytearray()
        self._find_specs = find_specs
        self._line = bytearray()
        self._line_too_long = False
        self.specs: list[TaskSpec] = []
        self.specs_dropped = 0

    def feed(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self._tail += chunk[-TAIL_BYTES:]
        del self._tail[:-TAIL_BYTES]
        if self._find_specs:
            self._scan(chunk)

    def close(self) -> None:
        if self._find_specs:
            self._end_line()

    def _scan(self, chunk: bytes) -> None:
        start = 0
        while (newline := chunk.find(b"\n", start)) >= 0:
            self._add_to_line(chunk[start:newline])
            self._end_line()
            start = newline + 1
        self._add_to_line(chunk[start:])

    def _add_to_line(self, piece: bytes) -> None:
        if self._line_too_long:
            return
        if len(self._line) + len(piece) > MAX_SPEC_LINE:
            self._line_too_long = True
            self._line.clear()
            return
        self._line += piece

    def _end_line(self) -> None:
        line = bytes(self._line).strip()
        self._line.clear()
        self._line_too_long = False
        if not line.startswith(b"{"):
            return
        try:
            parsed = json.loads(line)
        except ValueError:
            return
        if isinstance(parsed, dict) and "task" in parsed:
            if len(self.specs) < MAX_TASK_SPECS:
                self.specs.append(TaskSpec(parsed))
            else:
                self.specs_dropped += 1

    def tail(self) -> str:
        """The kept tail as text, preceded by a note of how much came before it."""
        kept = bytes(self._tail)
        if self.total <= len(kept):
            return kept.decode("utf-8", errors="replace")
        # Room for the note, so that note and tail together stay within TAIL_BYTES.
        body = kept[-(TAIL_BYTES - NOTE_ROOM):].lstrip(_UTF8_CONTINUATION)
        return f"[{self.total - len(body)} earlier bytes not kept]\n" + body.decode("utf-8", errors="replace")


class PipeReader:
    """Drains a pipe into a `StreamCapture` on its own thread, so the command never blocks."""

    def __init__(self, fd: int, capture: StreamCapture) -> None:
        self.capture = capture
        self._fd = fd
        self._thread = threading.Thread(target=self._drain, daemon=True, name="capture")
        self._thread.start()

    def _drain(self) -> None:
        try:
            while chunk := os.read(self._fd, CHUNK):
                self.capture.feed(chunk)
        except OSError:
            pass
        finally:
            os.close(self._fd)
            self.capture.close()

    def join(self, seconds: float) -> None:
        """Wait up to `seconds` for the end of the stream."""
        self._thread.join(seconds)
