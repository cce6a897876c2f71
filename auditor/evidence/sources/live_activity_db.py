"""activity-core's PostgreSQL database: ``activity_runs`` and ``task_spawn_log``, read with
psycopg 3 into the same tables, columns and validation as the bundle's files.

Each row becomes a record of strings, exactly as a bundle line would be (a timestamp with its
UTC offset, a date as YYYY-MM-DD, a number or UUID as its text), and goes through the same
validation: a malformed value is a problem at the row's position, never a silent pass. The
connection is read-only, with a connect timeout and a statement timeout; a failure of any kind
fails the source whole, with a one-line cause that never holds the connection string.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from auditor.config import ActivityDatabaseConfig
from auditor.evidence.sources import activity_runs, task_spawn_log
from auditor.evidence.sources.base import LoadTarget, SourceReport, first_line, redact
from auditor.evidence.sources.records import load_items
from auditor.evidence.store import TABLE

if TYPE_CHECKING:
    import duckdb

ORDER = {"activity_runs": ("run_id",), "task_spawn_log": ("created_at", "run_id", "spec_hash")}
"""How rows are numbered (their ``line``): a stable order, so a problem names the same row each time."""


class DatabaseError(Exception):
    """The database could not be read; the message is the one-line cause."""


@dataclass(frozen=True)
class ActivityDatabaseSource:
    name: str
    table: str

    def configured(self, target: LoadTarget) -> bool:
        return target.sources.activity_db is not None

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        settings = target.sources.activity_db
        assert settings is not None
        dsn = os.environ.get(settings.dsn_env, "")
        report = SourceReport("ok", location(settings, dsn, self.table))
        if not dsn:
            report.fail(f"environment variable {settings.dsn_env} (the connection string) is not set")
            return report
        try:
            rows = read_rows(settings, dsn, self.table)
        except DatabaseError as exc:
            report.fail(str(exc))
            return report
        report.records = load_items(db, self.table, target, report.location or "", rows, report)
        return report


def location(settings: ActivityDatabaseConfig, dsn: str, table: str) -> str:
    """``postgresql://host:port/dbname/schema.table``: where the rows are, without credentials."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(dsn) if dsn else {}
    except Exception:  # noqa: BLE001 - a bad string is reported when connecting
        parts = {}
    host, port, name = parts.get("host") or "localhost", parts.get("port") or "5432", parts.get("dbname") or ""
    return f"postgresql://{host}:{port}/{name}/{settings.db_schema}.{getattr(settings, table).table}"


def read_rows(settings: ActivityDatabaseConfig, dsn: str, table: str) -> list[dict[str, Any]]:
    """Every row of ``table`` as a record of store columns; :class:`DatabaseError` with a
    one-line cause when the database cannot be read."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        raise DatabaseError("psycopg is not installed (pip install 'workplan-auditor[postgres]')") from None
    mapping = getattr(settings, table)
    columns = [column.name for column in TABLE[table].columns]
    selected = sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(sql.Identifier(mapping.columns.get(column, column)), sql.Identifier(column)) for column in columns
    )
    order = sql.SQL(", ").join(sql.Identifier(mapping.columns.get(column, column)) for column in ORDER[table])
    query = sql.SQL("SELECT {} FROM {}.{} ORDER BY {}").format(
        selected, sql.Identifier(settings.db_schema), sql.Identifier(mapping.table), order
    )
    secrets = _secrets(dsn)
    try:
        with psycopg.connect(
            dsn,
            connect_timeout=settings.connect_timeout,
            options=(
                f"-c statement_timeout={int(settings.statement_timeout * 1000)}"
                " -c default_transaction_read_only=on -c TimeZone=UTC"
            ),
            application_name="workplan-auditor",
        ) as connection:
            connection.read_only = True
            with connection.cursor() as cursor:
                cursor.execute(query)
                return [dict(zip(columns, (_text(value) for value in row))) for row in cursor]
    except psycopg.Error as exc:
        cause = first_line(exc)
        for secret in secrets:
            cause = redact(cause, secret)
        raise DatabaseError(f"PostgreSQL: {cause}") from None


def _secrets(dsn: str) -> list[str]:
    """What a message must never repeat: the connection string, and the password in it."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        password = conninfo_to_dict(dsn).get("password")
    except Exception:  # noqa: BLE001 - an unparsable string has no password to find
        password = None
    return [dsn, *([str(password)] if password else [])]


def _text(value: Any) -> Any:
    """A column value as a bundle line would hold it: text, or left as is to be refused."""
    if isinstance(value, dt.datetime):
        return value.isoformat()  # no offset when the column has no time zone: malformed, as in a file
    if isinstance(value, (dt.date, uuid.UUID, int, decimal.Decimal)) and not isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, str):
        return value
    return {"unsupported value of type": type(value).__name__}


ACTIVITY_RUNS = ActivityDatabaseSource(activity_runs.SOURCE.name, "activity_runs")
TASK_SPAWN_LOG = ActivityDatabaseSource(task_spawn_log.SOURCE.name, "task_spawn_log")
