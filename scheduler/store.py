"""The DuckDB store: runs, their Temporal-style history, and the tasks they spawned.

DuckDB lets one process at a time open a file for writing. Every session here is short (open,
one or two transactions, close) and never spans a command's execution, so two schedulers on
one store interleave: a session that finds the file locked waits and retries until
`lock_timeout`, then raises `StoreBusy` (reported in one line, never a traceback).

All timestamps are stored as naive UTC (DuckDB TIMESTAMP) and handed out timezone-aware.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, overload

from scheduler.journal import Journal, JournalEntry, JournalError

if TYPE_CHECKING:
    import duckdb

    from scheduler.history import Event

RUN_STATUSES = ("success", "failed", "timed_out", "cancelled", "running", "missed")
FINAL_STATUSES = ("success", "failed", "timed_out", "cancelled")
"""The statuses a run ends in."""
TRIGGERS = ("schedule", "manual", "backfill")
TAIL_BYTES = 8192

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS activity_runs (
    run_id          VARCHAR PRIMARY KEY,
    activity        VARCHAR NOT NULL,
    workflow_id     VARCHAR NOT NULL,
    workflow_run_id VARCHAR,  -- NULL for a missed slot: no execution exists
    scheduled_for   TIMESTAMP NOT NULL,
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    status          VARCHAR NOT NULL CHECK (status IN {RUN_STATUSES}),
    trigger         VARCHAR NOT NULL CHECK (trigger IN {TRIGGERS}),
    attempts        INTEGER NOT NULL DEFAULT 0,
    error           VARCHAR,
    stdout_tail     VARCHAR,
    stderr_tail     VARCHAR,
    -- A `running` row still unfinished at its deadline was abandoned by its process.
    deadline        TIMESTAMP
);
-- One row per scheduled slot: this key, not timing, is what makes a slot run at most once.
-- (DuckDB has no partial unique index, so the slots of schedule/backfill runs live here
-- rather than in a WHERE-qualified index on activity_runs.)
CREATE TABLE IF NOT EXISTS slot_claims (
    activity      VARCHAR NOT NULL,
    scheduled_for TIMESTAMP NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (activity, scheduled_for)
);
CREATE TABLE IF NOT EXISTS history_events (
    workflow_id     VARCHAR NOT NULL,
    workflow_run_id VARCHAR NOT NULL,
    event_id        INTEGER NOT NULL,
    event_time      TIMESTAMP NOT NULL,
    event_type      VARCHAR NOT NULL,
    attributes      JSON NOT NULL,
    PRIMARY KEY (workflow_run_id, event_id)
);
CREATE TABLE IF NOT EXISTS task_spawn_log (
    run_id       VARCHAR NOT NULL,
    definition   VARCHAR NOT NULL,
    sink         VARCHAR NOT NULL,
    spec_hash    VARCHAR NOT NULL,
    external_ref VARCHAR,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (run_id, spec_hash)
);
-- Journal entries already replayed: what makes a replay record each outcome exactly once.
CREATE TABLE IF NOT EXISTS journal_applied (
    entry_id   VARCHAR PRIMARY KEY,
    applied_at TIMESTAMP NOT NULL
);
"""

_EVENT_COLUMNS = "workflow_id, workflow_run_id, event_id, event_time, event_type, attributes"
_SPAWN_COLUMNS = "run_id, definition, sink, spec_hash, external_ref, created_at"
_RUN_COLUMNS = (
    "run_id, activity, workflow_id, workflow_run_id, scheduled_for, started_at, finished_at,"
    " status, trigger, attempts, error, stdout_tail, stderr_tail, deadline"
)


class StoreError(Exception):
    """The store cannot be used; the message is one line fit for a user."""


class StoreBusy(StoreError):
    pass


@overload
def to_db(instant: datetime) -> datetime: ...
@overload
def to_db(instant: None) -> None: ...
def to_db(instant: datetime | None) -> datetime | None:
    return instant.astimezone(UTC).replace(tzinfo=None) if instant is not None else None


@overload
def from_db(value: datetime) -> datetime: ...
@overload
def from_db(value: None) -> None: ...
def from_db(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None else None


def tail(text: str, limit: int = TAIL_BYTES) -> str:
    """The last `limit` bytes of `text`, cut on a character boundary."""
    encoded = text.encode("utf-8", errors="replace")
    return encoded[-limit:].decode("utf-8", errors="ignore")


@dataclass(frozen=True)
class RunRow:
    run_id: str
    activity: str
    workflow_id: str
    workflow_run_id: str | None
    scheduled_for: datetime
    started_at: datetime | None
    finished_at: datetime | None
    status: str
    trigger: str
    attempts: int
    error: str | None
    stdout_tail: str | None
    stderr_tail: str | None
    deadline: datetime | None

    @classmethod
    def from_tuple(cls, row: Sequence[Any]) -> RunRow:
        (run_id, activity, workflow_id, workflow_run_id, scheduled_for, started_at, finished_at,
         status, trigger, attempts, error, stdout_tail, stderr_tail, deadline) = row
        return cls(
            run_id, activity, workflow_id, workflow_run_id, from_db(scheduled_for), from_db(started_at),
            from_db(finished_at), status, trigger, attempts, error, stdout_tail, stderr_tail, from_db(deadline),
        )


@dataclass(frozen=True)
class SpawnRow:
    run_id: str
    definition: str
    sink: str
    spec_hash: str
    external_ref: str | None
    created_at: datetime


@dataclass(frozen=True)
class ActivitySummary:
    last_status: str | None  # None: only missed slots so far
    last_slot: datetime | None
    last_finished_at: datetime | None
    clean_streak: int  # successes since the latest run that was not one (missed slots included)
    missed_recently: int
    failed_recently: int


@dataclass(frozen=True)
class RunFinish:
    """What ends a run: its final status and the tails of its last attempt."""

    status: str
    finished_at: datetime
    error: str | None = None
    stdout_tail: str | None = None
    stderr_tail: str | None = None


class Session:
    """One short-lived connection; each method is its own transaction."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._db = connection

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self._db.begin()
        try:
            yield self._db
        except BaseException:
            self._db.rollback()
            raise
        self._db.commit()

    # --- reading -------------------------------------------------------------------------

    def runs(self, activity: str | None = None, status: str | None = None) -> list[RunRow]:
        query = f"SELECT {_RUN_COLUMNS} FROM activity_runs WHERE 1=1"
        params: list[Any] = []
        if activity is not None:
            query += " AND activity = ?"
            params.append(activity)
        if status is not None:
            query += " AND status = ?"
            params.append(status)
        rows = self._db.execute(query + " ORDER BY scheduled_for, started_at NULLS FIRST, run_id", params).fetchall()
        return [RunRow.from_tuple(r) for r in rows]

    def runs_page(
        self, *, activity: str | None = None, status: str | None = None, trigger: str | None = None,
        since: datetime | None = None, until: datetime | None = None, limit: int | None = 50,
    ) -> list[RunRow]:
        """The newest `limit` runs (by slot) matching the filters, oldest first; `since`/`until` bound the slot."""
        conditions: list[str] = ["1=1"]
        params: list[str | datetime] = []
        for column, value in (("activity", activity), ("status", status), ("trigger", trigger)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            conditions.append("scheduled_for >= ?")
            params.append(to_db(since))
        if until is not None:
            conditions.append("scheduled_for <= ?")
            params.append(to_db(until))
        query = (f"SELECT {_RUN_COLUMNS} FROM activity_runs WHERE {' AND '.join(conditions)}"
                 " ORDER BY scheduled_for DESC, started_at DESC NULLS LAST, run_id DESC")
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        rows = self._db.execute(query, params).fetchall()
        return [RunRow.from_tuple(r) for r in reversed(rows)]

    def run_by_id(self, run_id: str) -> RunRow | None:
        """A run by its run id, or the latest run of a workflow id."""
        row = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM activity_runs WHERE run_id = ? OR workflow_id = ?"
            " ORDER BY (run_id = ?) DESC, started_at DESC NULLS LAST LIMIT 1",
            [run_id, run_id, run_id],
        ).fetchone()
        return RunRow.from_tuple(row) if row else None

    def activity_summaries(self, since: datetime) -> dict[str, ActivitySummary]:
        """Per activity: its latest finished run, the clean streak, and what went wrong since `since`."""
        rows = self._db.execute(
            """
            WITH decided AS (  -- missed slots break a streak, but are not runs
                SELECT activity, status, scheduled_for, finished_at,
                       row_number() OVER (PARTITION BY activity ORDER BY scheduled_for DESC, finished_at DESC NULLS LAST) AS age
                FROM activity_runs WHERE status != 'running'
            ),
            streaks AS (
                SELECT activity, coalesce(min(age) FILTER (WHERE status != 'success') - 1, count(*)) AS streak,
                       count(*) FILTER (WHERE status = 'missed' AND scheduled_for >= ?) AS missed,
                       count(*) FILTER (WHERE status IN ('failed', 'timed_out', 'cancelled') AND scheduled_for >= ?) AS failed
                FROM decided GROUP BY activity
            ),
            latest AS (
                SELECT activity, status, scheduled_for, finished_at,
                       row_number() OVER (PARTITION BY activity ORDER BY scheduled_for DESC, finished_at DESC NULLS LAST) AS age
                FROM activity_runs WHERE status NOT IN ('running', 'missed')
            )
            SELECT s.activity, l.status, l.scheduled_for, l.finished_at, s.streak, s.missed, s.failed
            FROM streaks s LEFT JOIN latest l ON l.activity = s.activity AND l.age = 1
            """,
            [to_db(since), to_db(since)],
        ).fetchall()
        return {
            activity: ActivitySummary(status, from_db(slot) if slot else None, from_db(finished) if finished else None,
                                      streak, missed, failed)
            for activity, status, slot, finished, streak, missed, failed in rows
        }

    def latest_claims(self) -> dict[str, datetime]:
        """The latest claimed slot of each activity: where the next look at its schedule starts."""
        rows = self._db.execute("SELECT activity, max(scheduled_for) FROM slot_claims GROUP BY activity").fetchall()
        return {activity: from_db(latest) for activity, latest in rows}

    def running_activities(self) -> set[str]:
        rows = self._db.execute("SELECT DISTINCT activity FROM activity_runs WHERE status = 'running'").fetchall()
        return {activity for (activity,) in rows}

    def events(self, workflow_run_id: str) -> list[Event]:
        from scheduler.history import Event

        rows = self._db.execute(
            "SELECT event_id, event_time, event_type, attributes FROM history_events"
            " WHERE workflow_run_id = ? ORDER BY event_id",
            [workflow_run_id],
        ).fetchall()
        return [Event(event_id, from_db(time_), event_type, json.loads(attributes)) for event_id, time_, event_type, attributes in rows]

    def latest_run_of_workflow(self, workflow_id: str) -> RunRow | None:
        row = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM activity_runs WHERE workflow_id = ? AND status != 'missed'"
            " ORDER BY started_at DESC LIMIT 1",
            [workflow_id],
        ).fetchone()
        return RunRow.from_tuple(row) if row else None

    def previous_status(self, activity: str, run_id: str) -> str | None:
        """The final status of the activity's latest finished run other than `run_id`."""
        row = self._db.execute(
            "SELECT status FROM activity_runs WHERE activity = ? AND run_id != ? AND status IN ?"
            " ORDER BY finished_at DESC LIMIT 1",
            [activity, run_id, list(FINAL_STATUSES)],
        ).fetchone()
        return row[0] if row else None

    def spawn_log(self) -> list[SpawnRow]:
        rows = self._db.execute(
            f"SELECT {_SPAWN_COLUMNS} FROM task_spawn_log"
            " ORDER BY created_at, run_id, spec_hash"
        ).fetchall()
        return [SpawnRow(r, d, s, h, ref, from_db(c)) for r, d, s, h, ref, c in rows]

    # --- writing -------------------------------------------------------------------------

    @staticmethod
    def _insert(db: duckdb.DuckDBPyConnection, table: str, columns: str, rows: Sequence[Sequence[Any]], suffix: str = "") -> None:
        """Insert many rows in one statement (column lists unnested): executemany costs ~2 ms a row."""
        if not rows:
            return
        values = [list(column) for column in zip(*rows, strict=True)]
        placeholders = ", ".join("unnest(?)" for _ in values)
        db.execute(f"INSERT INTO {table} ({columns}) SELECT {placeholders} {suffix}", values)

    def _insert_runs(self, db: duckdb.DuckDBPyConnection, runs: Sequence[RunRow]) -> None:
        self._insert(db, "activity_runs", _RUN_COLUMNS, [
            [run.run_id, run.activity, run.workflow_id, run.workflow_run_id, to_db(run.scheduled_for),
             to_db(run.started_at), to_db(run.finished_at), run.status, run.trigger, run.attempts, run.error,
             run.stdout_tail, run.stderr_tail, to_db(run.deadline)]
            for run in runs
        ])

    def _insert_events(self, db: duckdb.DuckDBPyConnection, run: RunRow, events: Sequence[Event]) -> None:
        self._insert(db, "history_events", _EVENT_COLUMNS, [
            [run.workflow_id, run.workflow_run_id, e.event_id, to_db(e.event_time), e.event_type, json.dumps(e.attributes)]
            for e in events
        ])

    def _insert_spawned(self, db: duckdb.DuckDBPyConnection, spawned: Sequence[SpawnRow]) -> None:
        # The same spec printed twice in one run is one task.
        self._insert(db, "task_spawn_log", _SPAWN_COLUMNS, [
            [s.run_id, s.definition, s.sink, s.spec_hash, s.external_ref, to_db(s.created_at)] for s in spawned
        ], "ON CONFLICT DO NOTHING")

    def _is_running(self, db: duckdb.DuckDBPyConnection, run_id: str) -> bool:
        row = db.execute("SELECT status FROM activity_runs WHERE run_id = ?", [run_id]).fetchone()
        return row is not None and row[0] == "running"

    def claim_slot(self, run: RunRow, events: Sequence[Event]) -> bool:
        """Insert the claim, the run row and its first events together, or nothing.

        False means the slot is already taken (another scheduler got there first), except a
        slot recorded as `missed`, which a backfill run may take over: missed is not a run.
        """
        import duckdb

        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO slot_claims VALUES (?, ?, ?)", [run.activity, to_db(run.scheduled_for), run.run_id]
                )
                self._insert_runs(db, [run])
                self._insert_events(db, run, events)
            return True
        except duckdb.ConstraintException:
            pass
        except duckdb.TransactionException:  # a concurrent in-process insert of the same key
            return False
        return run.trigger == "backfill" and self._take_over_missed(run, events)

    def _take_over_missed(self, run: RunRow, events: Sequence[Event]) -> bool:
        with self._transaction() as db:
            missed = db.execute(
                "SELECT r.run_id FROM slot_claims c JOIN activity_runs r USING (run_id)"
                " WHERE c.activity = ? AND c.scheduled_for = ? AND r.status = 'missed'",
                [run.activity, to_db(run.scheduled_for)],
            ).fetchone()
            if missed is None:
                return False
            db.execute("DELETE FROM activity_runs WHERE run_id = ?", [missed[0]])
            db.execute(
                "UPDATE slot_claims SET run_id = ? WHERE activity = ? AND scheduled_for = ?",
                [run.run_id, run.activity, to_db(run.scheduled_for)],
            )
            self._insert_runs(db, [run])
            self._insert_events(db, run, events)
        return True

    def record_missed(self, runs: Sequence[RunRow]) -> list[RunRow]:
        """Claim each slot as `missed` (no run, no history); returns those recorded.

        Slots already claimed (by another scheduler) are left alone. One transaction for all
        of them: a long outage can leave thousands.
        """
        if not runs:
            return []
        with self._transaction() as db:
            self._insert(db, "slot_claims", "activity, scheduled_for, run_id",
                         [[run.activity, to_db(run.scheduled_for), run.run_id] for run in runs], "ON CONFLICT DO NOTHING")
            claimed = {
                run_id for (run_id,) in db.execute(
                    "SELECT run_id FROM slot_claims WHERE list_contains(?, run_id)", [[run.run_id for run in runs]]
                ).fetchall()
            }
            recorded = [run for run in runs if run.run_id in claimed]
            self._insert_runs(db, recorded)
        return recorded

    def insert_manual_run(self, run: RunRow, events: Sequence[Event]) -> None:
        with self._transaction() as db:
            self._insert_runs(db, [run])
            self._insert_events(db, run, events)

    def record_progress(self, run: RunRow, attempts: int, events: Sequence[Event]) -> bool:
        """Append a running run's events; False if it is no longer running (reconciled meanwhile)."""
        with self._transaction() as db:
            return self._record_progress(db, run, attempts, events)

    def finish_run(self, run: RunRow, finish: RunFinish, events: Sequence[Event], spawned: Sequence[SpawnRow] = ()) -> bool:
        """Close a running run with its final events and spawned tasks; False if already closed."""
        with self._transaction() as db:
            return self._finish_run(db, run, finish, events, spawned)

    def _record_progress(self, db: duckdb.DuckDBPyConnection, run: RunRow, attempts: int, events: Sequence[Event]) -> bool:
        if not self._is_running(db, run.run_id):
            return False
        db.execute("UPDATE activity_runs SET attempts = ? WHERE run_id = ?", [attempts, run.run_id])
        self._insert_events(db, run, events)
        return True

    def _finish_run(
        self, db: duckdb.DuckDBPyConnection, run: RunRow, finish: RunFinish, events: Sequence[Event], spawned: Sequence[SpawnRow]
    ) -> bool:
        if not self._is_running(db, run.run_id):
            return False
        db.execute(
            "UPDATE activity_runs SET status = ?, finished_at = ?, error = ?,"
            " stdout_tail = coalesce(?, stdout_tail), stderr_tail = coalesce(?, stderr_tail) WHERE run_id = ?",
            [finish.status, to_db(finish.finished_at), finish.error, finish.stdout_tail, finish.stderr_tail, run.run_id],
        )
        self._insert_events(db, run, events)
        self._insert_spawned(db, spawned)
        return True

    def apply_journaled(self, entry: JournalEntry, now: datetime) -> bool:
        """Record a journaled step unless it was already; False when it was (or its run is closed)."""
        run = _journaled_run(entry)
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM journal_applied WHERE entry_id = ?", [entry.entry_id]).fetchone():
                return False
            db.execute("INSERT INTO journal_applied VALUES (?, ?)", [entry.entry_id, to_db(now)])
            if entry.step == "progress":
                return self._record_progress(db, run, entry.attempts or 0, entry.run_events())
            return self._finish_run(db, run, entry.run_finish(), entry.run_events(), entry.spawn_rows())

    def log_spawned(self, spawned: Sequence[SpawnRow]) -> None:
        """Record tasks spawned outside a stored run (a Temporal worker's activity)."""
        with self._transaction() as db:
            self._insert_spawned(db, spawned)

    def overdue_runs(self, now: datetime) -> list[RunRow]:
        rows = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM activity_runs WHERE status = 'running' AND deadline < ?", [to_db(now)]
        ).fetchall()
        return [RunRow.from_tuple(r) for r in rows]


def _journaled_run(entry: JournalEntry) -> RunRow:
    """The identifiers of a journaled step's run: all that recording a step needs of its row."""
    return RunRow(entry.run_id, "", entry.workflow_id, entry.workflow_run_id, datetime.min, None, None,
                  "running", "schedule", 0, None, None, None, None)


@dataclass(frozen=True)
class Store:
    path: Path
    lock_timeout: timedelta = timedelta(seconds=30)

    # DuckDB shares one database instance between the connections of a process; opening and
    # closing it from several threads at once is not something to rely on, so sessions of
    # one process take turns (they are short).
    _process_lock: ClassVar[threading.Lock] = threading.Lock()
    _schema_ready: ClassVar[set[Path]] = set()

    @property
    def journal(self) -> Journal:
        return Journal.beside(self.path)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read-write session; creates the store on first use and replays the journal first."""
        deadline = time.monotonic() + self.lock_timeout.total_seconds()
        # Sessions of this process waiting together give up together, not one lock_timeout after another.
        if not Store._process_lock.acquire(timeout=self.lock_timeout.total_seconds()):
            raise self._busy()
        try:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the store's directory {self.path.parent}: {exc.strerror}") from None
            connection = self._connect(read_only=False, deadline=deadline)
            try:
                if self.path not in Store._schema_ready:
                    connection.execute(SCHEMA)
                    Store._schema_ready.add(self.path)
                session = Session(connection)
                self._replay_journal(session)
                yield session
            finally:
                connection.close()
        finally:
            Store._process_lock.release()

    def _replay_journal(self, session: Session) -> None:
        import duckdb

        journal = self.journal
        if not journal.pending():
            return
        try:
            with journal.locked():
                if not journal.pending():  # another process replayed it while this one waited
                    return
                for entry in journal.entries():
                    try:
                        session.apply_journaled(entry, datetime.now(UTC))
                    except duckdb.Error:
                        journal.reject(entry)
                journal.clear()
        except (JournalError, OSError) as exc:
            raise StoreError(f"cannot replay journal {journal.path}: {exc}") from None

    @contextmanager
    def reader(self) -> Iterator[Session | None]:
        """A read-only session, or None when there is no store yet (nothing has run)."""
        if not self.path.exists():
            yield None
            return
        with Store._process_lock:
            connection = self._connect(read_only=True)
            try:
                # A file another process has only just created may not hold the tables yet.
                created = connection.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'activity_runs'"
                ).fetchone()
                yield Session(connection) if created and created[0] else None
            finally:
                connection.close()

    def _busy(self) -> StoreBusy:
        return StoreBusy(f"store {self.path} stayed locked by another process for {self.lock_timeout}; nothing was changed")

    def _connect(self, read_only: bool, deadline: float | None = None) -> duckdb.DuckDBPyConnection:
        import duckdb

        deadline = deadline if deadline is not None else time.monotonic() + self.lock_timeout.total_seconds()
        delay = 0.01
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as exc:
                is_lock = isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()
                if not is_lock:
                    raise StoreError(f"cannot open store {self.path}: {str(exc).splitlines()[0]}") from None
                if time.monotonic() >= deadline:
                    raise self._busy() from None
            # Jitter keeps two waiting schedulers from retrying in lockstep.
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.2)
