"""The evidence store: one DuckDB database holding every source, in one normalized schema.

Sources fill these tables (:mod:`auditor.evidence.sources`); check kinds judge from them
(:mod:`auditor.evidence.checks`). ``--snapshot FILE`` keeps the database, and
``--from-snapshot FILE`` judges from it again without reading any source. The schema is
described here once, as data: the DDL, the record validation of tabular sources and the
snapshot section of docs/evidence.md all follow from :data:`TABLES`.

Every table has a ``repo`` column (one database serves every repo of a run), and every table
filled from a file has ``path`` and ``line`` columns: where the record came from.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.config import ConfigError
from common.files import sync

if TYPE_CHECKING:
    import duckdb

SCHEMA_VERSION = 4
"""Bumped whenever a table or column changes meaning; a snapshot of another version is refused."""


class SnapshotError(ConfigError):
    """A snapshot file cannot be used; the message says which file and why (exit 2)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """DuckDB type: VARCHAR, TIMESTAMPTZ, DATE, BIGINT, INTEGER, BOOLEAN, JSON."""
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    from_records: bool = False
    """Filled from JSON lines / CSV / Parquet records, each checked against its model in
    :mod:`contract.records` (which says which fields are required and what values they take)."""
    per_repo: bool = True
    keeps_record: bool = False
    """The whole record as read is kept too (``record``), for ``where:`` on any of its fields."""

    @property
    def all_columns(self) -> tuple[Column, ...]:
        repo = (_REPO,) if self.per_repo else ()
        record = (_RECORD,) if self.keeps_record else ()
        provenance = (_PATH, _LINE) if self.from_records else ()
        return (*repo, *self.columns, *record, *provenance)

    def ddl(self) -> str:
        columns = ",\n  ".join(f"{column.name} {column.type}" for column in self.all_columns)
        return f"CREATE TABLE {self.name} (\n  {columns}\n)"


_REPO = Column("repo", "VARCHAR", "the repo (Workplan.repo) whose evidence this is")
_PATH = Column("path", "VARCHAR", "the bundle file, or the service endpoint, the record came from")
_RECORD = Column("record", "JSON", "the whole record as read, every field (a JSON object)")
_LINE = Column("line", "BIGINT", "its 1-based line (CSV: file line; Parquet: row number; service: position in the listing)")

def _text(name: str, doc: str) -> Column:
    return Column(name, "VARCHAR", doc)


def _time(name: str, doc: str) -> Column:
    return Column(name, "TIMESTAMPTZ", doc)


TABLES: tuple[Table, ...] = (
    Table("meta", "key/value facts about the database: `schema_version`, `created_at`, `evidence_until` (the audit's present: later records were left out)", (
        _text("key", "fact name"),
        _text("value", "fact value"),
    ), per_repo=False),
    Table("source_states", "one row per (repo, source): whether the source could be used", (
        _text("source", "source name, e.g. `temporal`, `state_hub.progress`"),
        _text("location", "the file, directory or service endpoint read (NULL when not configured)"),
        _text("state", "`ok`, `not_configured`, `missing` or `unreadable`"),
        Column("records", "BIGINT", "records loaded"),
        Column("problems", "BIGINT", "problems found (the first 100 are in source_problems)"),
        _text("detail", "why the state is not `ok`"),
    )),
    Table("source_problems", "a malformed line, record or file (WP044), a collapsed duplicate record (WP045), a record from the future (WP046)", (
        _text("source", "source name"),
        _text("path", "file"),
        Column("line", "BIGINT", "1-based line"),
        _text("message", "what is wrong"),
        _text("kind", "`malformed` (makes the source unreadable), `duplicate` or `future` (left out)"),
    )),
    Table("executions", "one Temporal workflow execution per history file", (
        _text("workflow_id", "started event's `workflowId`, else the file name stem"),
        _text("run_id", "started event's `originalExecutionRunId`"),
        _text("workflow_type", "workflow type name"),
        _text("scheduled_by", "`TemporalScheduledById` search attribute (NULL: not started by a schedule)"),
        _time("scheduled_start", "`TemporalScheduledStartTime` search attribute"),
        _time("started_at", "time of the started event"),
        _time("closed_at", "time of the closing event (NULL while running)"),
        _text("status", "`completed`, `failed`, `timed_out`, `terminated`, `canceled`, `continued_as_new` or `running`"),
        Column("last_event_id", "BIGINT", "id of the last event"),
        Column("activity_failures", "INTEGER", "ActivityTaskFailed and ActivityTaskTimedOut events"),
        Column("first_activity_failure_event_id", "BIGINT", "id of the first of them"),
        _text("path", "the history file, or `temporal://<address>/<namespace>/<workflow id>/<run id>` for a live one"),
    )),
    Table("history_events", "every event of every history file", (
        _text("workflow_id", "as in executions"),
        _text("run_id", "as in executions"),
        Column("event_id", "BIGINT", "eventId"),
        _time("event_time", "eventTime"),
        _text("event_type", "event type, legacy spelling (`WorkflowExecutionStarted`) whichever spelling the file used"),
        _text("detail", "failure message or activity type, when the event has one"),
        _text("path", "as in executions"),
    )),
    Table("activity_runs", "`activity_runs.jsonl` / `.csv` / `.parquet`", (
        _text("run_id", "run id"),
        _text("activity", "activity name"),
        _text("workflow_id", "Temporal workflow id"),
        _text("workflow_run_id", "Temporal run id"),
        _time("scheduled_for", "the slot the run was for"),
        _time("started_at", "start"),
        _time("finished_at", "end"),
        _text("status", "outcome"),
        _text("trigger", "what started it"),
    ), from_records=True),
    Table("progress", "`state_hub/progress.jsonl`", (
        _text("id", "record id"),
        _text("workstream_id", "State Hub workstream"),
        _text("task_id", "State Hub task"),
        _text("key", "progress key, e.g. `daily_triage`"),
        Column("for_date", "DATE", "the day the record is for"),
        _text("status", "e.g. `done`; `failed` never counts"),
        _time("recorded_at", "when it was recorded"),
        _text("workflow_id", "the run that recorded it"),
    ), from_records=True, keeps_record=True),
    Table("decisions", "`state_hub/decisions.jsonl`", (
        _text("id", "decision id"),
        _text("title", "title"),
        _text("status", "e.g. `accepted`"),
        _time("recorded_at", "when it was recorded"),
    ), from_records=True, keeps_record=True),
    Table("feedback", "`state_hub/feedback.jsonl`", (
        _text("id", "feedback id"),
        _text("kind", "e.g. `calibration`"),
        _text("subject", "what it is about"),
        _time("recorded_at", "when it was recorded"),
    ), from_records=True, keeps_record=True),
    Table("messages", "`state_hub/messages.jsonl`", (
        _text("id", "message id"),
        _text("subject", "subject"),
        _text("body", "the message text"),
        _time("recorded_at", "when it was recorded"),
    ), from_records=True, keeps_record=True),
    Table("notes", "`notes/**/*.md` working-memory notes", (
        _text("name", "file name stem"),
        Column("note_date", "DATE", "frontmatter `date` (or `created`), else the first YYYY-MM-DD in the name"),
        _text("title", "frontmatter `title`"),
        _text("path", "the note file, or the notes service endpoint"),
        _text("workflow_id", "frontmatter `workflow_id`: the run that wrote it"),
    )),
    Table("task_spawn_log", "`task_spawn_log.jsonl`", (
        _text("run_id", "the run that spawned the task"),
        _text("definition", "activity definition"),
        _text("sink", "`null` or `issue_core_rest`"),
        _text("spec_hash", "hash of the task spec"),
        _text("external_ref", "reference returned by the sink"),
        _time("created_at", "when it was spawned"),
    ), from_records=True),
    Table("issue_tasks", "`issue_core/tasks.jsonl`", (
        _text("ref", "issue-core task reference"),
        _text("status", "task status"),
        _text("title", "title"),
    ), from_records=True),
    Table("workspace_tasks", "every workplan and task of the workspace read in this run, as its repo's checks see it", (
        _text("id", "workplan or task id"),
        _text("kind", "`workplan` or `task`"),
        _text("status", "its `status` (NULL when it has none)"),
        _text("path", "the workplan file"),
        Column("line", "BIGINT", "the line of its `id`"),
    )),
    Table("schedule_slots", "`schedule_slots.jsonl`, or `ListScheduleMatchingTimes` of a live Temporal source: the fire times of an activity's schedule", (
        _text("activity", "activity name"),
        _text("engine", "`local` or `temporal`: the engine that runs the activity and computed the slots"),
        _time("slot", "a fire time"),
        _time("window_start", "the list is complete after this instant..."),
        _time("window_end", "...up to this one"),
    ), from_records=True),
    Table("repo_files", "the repo files that file checks name, read from the repo checkout", (
        _text("path", "repo-relative path"),
        Column("present", "BOOLEAN", "whether the file exists"),
        _text("content", "its text (NULL when absent)"),
    )),
)

TABLE = {table.name: table for table in TABLES}


def create() -> duckdb.DuckDBPyConnection:
    """A new, empty store, in memory (:func:`save_snapshot` keeps it in a file)."""
    import duckdb

    db = duckdb.connect(":memory:")
    _configure(db)
    for table in TABLES:
        db.execute(table.ddl())
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("schema_version", str(SCHEMA_VERSION)), ("created_at", dt.datetime.now(dt.UTC).isoformat())],
    )
    return db


def check_snapshot_path(path: Path) -> None:
    """:class:`SnapshotError` when no snapshot can be written at ``path``: said before any work is done."""
    if path.is_dir():
        raise SnapshotError(f"{path}: is a directory; name a file for the snapshot")
    if not path.parent.is_dir():
        raise SnapshotError(f"{path}: directory {path.parent} does not exist")


def save_snapshot(db: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Keep the store in ``path``. It is written to a temporary file beside it and renamed over
    it once complete: until then a previous snapshot there stays as it was."""
    import duckdb

    check_snapshot_path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _unlink_with_log(temporary)
        db.execute(f"ATTACH {_quote(str(temporary))} AS snapshot")
        try:
            db.execute("COPY FROM DATABASE memory TO snapshot")
        finally:
            db.execute("DETACH snapshot")
        sync(temporary)
        os.replace(temporary, path)
        # A write-ahead log left beside the previous snapshot belongs to it, not to this one.
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        sync(path.parent)
    except (duckdb.Error, OSError) as exc:
        cause = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise SnapshotError(f"{path}: cannot write the snapshot: {cause}") from None
    finally:
        _unlink_with_log(temporary)


def _unlink_with_log(database: Path) -> None:
    database.unlink(missing_ok=True)
    database.with_name(database.name + ".wal").unlink(missing_ok=True)



def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def redact_secrets(db: duckdb.DuckDBPyConnection) -> None:
    """Replace every registered secret in every text column: records quote what services and
    files held, and the store may be kept as a snapshot."""
    from common.redact import PLACEHOLDER, spellings

    forms = sorted(spellings(), key=len, reverse=True)
    if not forms:
        return
    replacements = [value for form in forms for value in (form, PLACEHOLDER)]  # innermost, longest, first
    for table in TABLES:
        for column in table.all_columns:
            if column.type not in ("VARCHAR", "JSON"):
                continue
            text = f"{column.name}::VARCHAR"  # a JSON value is scrubbed in its text, escapes and all
            replaced = text
            for _ in forms:
                replaced = f"replace({replaced}, ?, ?)"
            replaced = f"{replaced}::{column.type}"
            found = " OR ".join(f"contains({text}, ?)" for _ in forms)
            db.execute(f"UPDATE {table.name} SET {column.name} = {replaced} WHERE {found}", [*replacements, *forms])


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a kept store read-only; :class:`SnapshotError` if it is not one of this version."""
    import duckdb

    if not path.is_file():
        raise SnapshotError(f"{path}: snapshot file not found")
    try:
        db = duckdb.connect(str(path), read_only=True)
        found = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except duckdb.Error as exc:
        raise SnapshotError(f"{path}: not an evidence snapshot ({exc})") from None
    if found is None or found[0] != str(SCHEMA_VERSION):
        db.close()
        raise SnapshotError(f"{path}: snapshot schema version {found[0] if found else 'unknown'}, expected {SCHEMA_VERSION}")
    _configure(db)
    return db


def check_horizon(db: duckdb.DuckDBPyConnection, path: Path, until: dt.datetime) -> None:
    """Refuse to judge a snapshot for an earlier present than it was loaded for: it holds the
    records up to that present, and those after the earlier one would count."""
    found = db.execute("SELECT value FROM meta WHERE key = 'evidence_until'").fetchone()
    if found is not None and dt.datetime.fromisoformat(found[0]) > until:  # (none: no source was loaded into it)
        raise SnapshotError(f"{path}: snapshot holds evidence up to {found[0]}; judge it for that day or later")


def _configure(db: duckdb.DuckDBPyConnection) -> None:
    # Instants are compared as instants; UTC only decides how a bare TIMESTAMPTZ prints.
    db.execute("SET TimeZone = 'UTC'")
    # DuckDB draws its own progress bar on stdout during a long query, inside a JSON report.
    db.execute("SET enable_progress_bar = false")


def insert_columns(db: duckdb.DuckDBPyConnection, table: str, repo: str, columns: dict[str, list[Any]]) -> int:
    """Insert rows given column by column (one round trip, not one per row); returns the count.

    Each list is cast by DuckDB to its column's type, so timestamps may be ISO 8601 strings.
    """
    length = len(next(iter(columns.values()), []))
    if length == 0:
        return 0
    types = {column.name: column.type for column in TABLE[table].all_columns}
    names = list(columns)
    selects = ", ".join(f"unnest(${index + 2}::{types[name]}[])" for index, name in enumerate(names))
    db.execute(f"INSERT INTO {table} (repo, {', '.join(names)}) SELECT $1, {selects}", [repo, *columns.values()])
    return length


def schema_markdown() -> str:
    """The tables as docs/evidence.md shows them (a test keeps the two the same)."""
    parts = [f"Schema version {SCHEMA_VERSION}."]
    for table in TABLES:
        rows = "\n".join(f"| `{column.name}` | {column.type} | {column.doc} |" for column in table.all_columns)
        parts.append(f"### `{table.name}`\n\n{table.doc[0].upper()}{table.doc[1:]}.\n\n| column | type | meaning |\n| --- | --- | --- |\n{rows}")
    return "\n\n".join(parts) + "\n"
