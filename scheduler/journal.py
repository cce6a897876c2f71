"""The journal: finished runs the store could not take, kept beside it until it can.

When the store stays locked (another scheduler, an export holding it read-only) or cannot be
opened past `lock_timeout`, a run's step (an attempt's progress or its final outcome, with the
tasks its sink already accepted) is appended to `<store>.journal` as one JSON line and fsynced.
Every read-write session replays the journal first (see `Store.session`): each entry is applied
in one transaction with a row in `journal_applied`, so an entry is recorded exactly once even if
the process dies between applying it and truncating the file. Appends and replays take one file
lock, so schedulers sharing a store never interleave them.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.files import sync

if TYPE_CHECKING:
    from scheduler.history import Event
    from scheduler.store import RunFinish, RunRow, SpawnRow

# How long to wait for another process's replay or append before giving up.
JOURNAL_LOCK_TIMEOUT = 60.0


class JournalError(Exception):
    """The journal cannot be written either: the outcome is lost; one line for the user."""


@dataclass(frozen=True)
class JournalEntry:
    """One run step: `progress` (events of a running run, its attempt count) or `finish`."""

    entry_id: str
    step: str
    run_id: str
    workflow_id: str
    workflow_run_id: str
    events: list[dict[str, Any]]
    attempts: int | None = None
    finish: dict[str, Any] | None = None
    spawned: list[dict[str, Any]] | None = None

    @classmethod
    def progress(cls, run: RunRow, attempts: int, events: Sequence[Event]) -> JournalEntry:
        return cls(str(uuid.uuid4()), "progress", run.run_id, run.workflow_id, str(run.workflow_run_id),
                   [_event_json(e) for e in events], attempts=attempts)

    @classmethod
    def finished(cls, run: RunRow, finish: RunFinish, events: Sequence[Event], spawned: Sequence[SpawnRow]) -> JournalEntry:
        return cls(
            str(uuid.uuid4()), "finish", run.run_id, run.workflow_id, str(run.workflow_run_id), [_event_json(e) for e in events],
            finish={"status": finish.status, "finished_at": finish.finished_at.isoformat(), "error": finish.error,
                    "stdout_tail": finish.stdout_tail, "stderr_tail": finish.stderr_tail},
            spawned=[{"definition": s.definition, "sink": s.sink, "spec_hash": s.spec_hash,
                      "external_ref": s.external_ref, "created_at": s.created_at.isoformat()} for s in spawned],
        )

    def to_line(self) -> bytes:
        return json.dumps(self.__dict__, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"

    def run_finish(self) -> RunFinish:
        from scheduler.store import RunFinish

        assert self.finish is not None
        return RunFinish(self.finish["status"], datetime.fromisoformat(self.finish["finished_at"]), self.finish["error"],
                         self.finish["stdout_tail"], self.finish["stderr_tail"])

    def run_events(self) -> list[Event]:
        from scheduler.history import Event

        return [Event(e["event_id"], datetime.fromisoformat(e["event_time"]), e["event_type"], e["attributes"]) for e in self.events]

    def spawn_rows(self) -> list[SpawnRow]:
        from scheduler.store import SpawnRow

        return [SpawnRow(self.run_id, s["definition"], s["sink"], s["spec_hash"], s["external_ref"],
                         datetime.fromisoformat(s["created_at"])) for s in self.spawned or []]


def _event_json(event: Event) -> dict[str, Any]:
    return {"event_id": event.event_id, "event_time": event.event_time.isoformat(),
            "event_type": event.event_type, "attributes": event.attributes}


@dataclass(frozen=True)
class Journal:
    path: Path

    @classmethod
    def beside(cls, store_path: Path) -> Journal:
        return cls(store_path.with_name(store_path.name + ".journal"))

    @property
    def rejected_path(self) -> Path:
        return self.path.with_name(self.path.name + ".rejected")

    @contextmanager
    def locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        try:
            with FileLock(str(self.path) + ".lock", timeout=JOURNAL_LOCK_TIMEOUT):
                yield
        except Timeout:
            raise JournalError(f"journal {self.path} stayed locked for {JOURNAL_LOCK_TIMEOUT:.0f}s") from None

    def pending(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except OSError:
            return False

    def append(self, entry: JournalEntry) -> None:
        """Write the entry durably (file and, when new, its directory entry fsynced)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.locked():
                created = not self.path.exists()
                with self.path.open("ab") as stream:
                    stream.write(entry.to_line())
                    stream.flush()
                    os.fsync(stream.fileno())
                if created:
                    sync(self.path.parent)
        except OSError as exc:
            raise JournalError(f"cannot write journal {self.path}: {exc.strerror or exc}") from None

    def entries(self) -> list[JournalEntry]:
        """The entries in order. A torn last line (a crash mid-append, never acknowledged) is ignored."""
        entries = []
        for line in self.path.read_bytes().splitlines():
            try:
                entries.append(JournalEntry(**json.loads(line)))
            except (ValueError, TypeError):
                continue
        return entries

    def reject(self, entry: JournalEntry) -> None:
        """Keep an entry the store refused where a person can see it, instead of replaying it forever."""
        with self.rejected_path.open("ab") as stream:
            stream.write(entry.to_line())
            stream.flush()
            os.fsync(stream.fileno())

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        sync(self.path.parent)

