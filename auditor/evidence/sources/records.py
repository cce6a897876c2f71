"""Record files (JSON lines, CSV, Parquet) into a store table, validated column by column.

Every format, and the records a live service sends, is first staged as one JSON object per
record with its line number, so one validation serves all: each malformed record becomes a
problem naming its line (for a service, its position in the listing), and
only sound records reach the table. The validation is SQL generated from the table's column
declarations in :mod:`auditor.evidence.store`, so a million lines stay a DuckDB job.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.evidence.sources.base import MAX_STORED_PROBLEMS, LoadTarget, Problem, SourceReport, bundle_location
from auditor.evidence.store import TABLE, Column, Table

if TYPE_CHECKING:
    import duckdb

# A time of day, then Z or a numeric offset: "2026-06-08T04:00:00Z", "2026-06-08 04:00:00+00".
_OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d*)?)?\s?(Z|z|[+-]\d{2}(:?\d{2})?)$"
_DAY = r"^\d{4}-\d{2}-\d{2}$"

# One JSON text per line: a NUL delimiter and no quoting keep each line whole.
_STAGE_JSON_LINES = (
    "SELECT column0 AS text FROM read_csv(?, columns = {'column0': 'VARCHAR'}, delim = chr(0), quote = '',"
    " escape = '', header = false, auto_detect = false)"
)
_STAGE_CSV = (
    "SELECT to_json(t) AS text FROM read_csv(?, header = true, skip = 0, all_varchar = true,"
    " store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_scans') AS t"
)
_STAGE_PARQUET = "SELECT to_json(t) AS text FROM (SELECT COLUMNS(*)::VARCHAR FROM read_parquet(?)) AS t"


@dataclass(frozen=True)
class Format:
    stage: str
    first_line: int
    """File line of the first record: 1, or 2 below a CSV header."""


FORMATS = {
    ".jsonl": Format(_STAGE_JSON_LINES, 1),
    ".csv": Format(_STAGE_CSV, 2),
    ".parquet": Format(_STAGE_PARQUET, 1),
}


@dataclass(frozen=True)
class RecordSource:
    """A bundle file of records for one table; ``stem`` is the file name without its suffix."""

    name: str
    table: str
    stem: str
    suffixes: tuple[str, ...] = (".jsonl",)

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        import duckdb

        candidates = [f"{self.stem}{suffix}" for suffix in self.suffixes]
        present = [name for name in candidates if target.bundle and (target.bundle / name).exists()]
        path, report = bundle_location(self.name, target, present[0] if present else candidates[0])
        if path is None:
            return report
        if len(present) > 1:
            report.add(Problem(str(path), 1, f"{' and '.join(present)} both exist; keep one"))
            return report
        try:
            report.records = load_records(db, TABLE[self.table], target.repo, path, report)
        except duckdb.Error as exc:
            report.add(Problem(str(path), _line_in(str(exc)), f"cannot read: {str(exc).splitlines()[0]}"))
        return report


def load_records(db: duckdb.DuckDBPyConnection, table: Table, repo: str, path: Path, report: SourceReport) -> int:
    """Stage, validate and insert the records of ``path``; problems go to ``report``."""
    form = FORMATS[path.suffix]
    db.execute(f"CREATE OR REPLACE TEMP TABLE staged AS {form.stage}", [str(path)])
    if path.suffix == ".csv" and _csv_rejects(db, path, report):
        return 0  # rows after a rejected one would get wrong line numbers; the source is unusable anyway
    return _insert_staged(db, table, repo, str(path), form.first_line, report)


def load_items(db: duckdb.DuckDBPyConnection, table: Table, repo: str, location: str, items: list[Any], report: SourceReport) -> int:
    """Validate and insert records a service sent (JSON values), exactly as a file's lines are;
    a record's ``line`` is its 1-based position in the listing."""
    db.execute("CREATE OR REPLACE TEMP TABLE staged AS SELECT unnest(?::VARCHAR[]) AS text", [[json.dumps(item) for item in items]])
    return _insert_staged(db, table, repo, location, 1, report)


def _insert_staged(db: duckdb.DuckDBPyConnection, table: Table, repo: str, location: str, first_line: int, report: SourceReport) -> int:
    """Validate the records of the ``staged`` table (one JSON text each, in order) and insert the sound ones."""
    db.execute(f"CREATE OR REPLACE TEMP TABLE checked AS {_checked(table.columns, first_line)}")
    total, = db.execute("SELECT count(*) FROM checked WHERE problem IS NOT NULL").fetchall()[0]
    first = db.execute(f"SELECT line, problem FROM checked WHERE problem IS NOT NULL ORDER BY line LIMIT {MAX_STORED_PROBLEMS}")
    report.add(*(Problem(location, line, message) for line, message in first.fetchall()), total=total)
    names = ", ".join(column.name for column in table.columns)
    record, document = (", record", ", document") if table.keeps_record else ("", "")
    loaded, = db.execute(
        f"INSERT INTO {table.name} (repo, {names}{record}, path, line)"
        f" SELECT ?, {names}{document}, ?, line FROM checked WHERE problem IS NULL",
        [repo, location],
    ).fetchall()[0]
    db.execute("DROP TABLE staged; DROP TABLE checked")
    return int(loaded)


def _checked(columns: tuple[Column, ...], first_line: int) -> str:
    """Each staged record as typed columns, and the first thing wrong with it (NULL when sound).

    Every field is extracted, typed and cast once, into ``raw_<name>`` (its text),
    ``type_<name>`` (its JSON type) and ``<name>`` (cast to the column's type).
    """
    paths = "[" + ", ".join(f"'$.{column.name}'" for column in columns) + "]"
    fields = ", ".join(
        f"v[{index}] AS raw_{column.name}, t[{index}] AS type_{column.name}" for index, column in enumerate(columns, start=1)
    )
    typed = ", ".join(
        f"raw_{column.name} AS {column.name}" if column.type == "VARCHAR" else f"try_cast(raw_{column.name} AS {column.type}) AS {column.name}"
        for column in columns
    )
    names = ", ".join(column.name for column in columns)
    return f"""
        SELECT line, {names}, document, {_problem(columns)} AS problem FROM (
            SELECT *, {typed} FROM (
                SELECT line, valid, is_object, document, {fields} FROM (
                    SELECT line, valid, document, coalesce(json_type(document) = 'OBJECT', false) AS is_object,
                           json_extract_string(document, {paths}) AS v, json_type(document, {paths}) AS t
                    FROM (
                        -- JSON functions raise on malformed text: they only ever see valid text or NULL.
                        SELECT rowid + {first_line} AS line, json_valid(text) AS valid,
                               CASE WHEN json_valid(text) THEN text END AS document
                        FROM staged WHERE trim(coalesce(text, '')) <> ''
                    )
                )
            )
        )"""


def _problem(columns: tuple[Column, ...]) -> str:
    """A CASE expression naming the first thing wrong with a record, NULL when it is sound."""
    branches = ["WHEN NOT valid THEN 'not valid JSON'", "WHEN NOT is_object THEN 'not a JSON object'"]
    for column in columns:
        name, raw, kind = column.name, f"raw_{column.name}", f"type_{column.name}"
        absent = f"({kind} IS NULL OR {kind} = 'NULL')"
        if column.required:
            branches.append(f"WHEN {absent} THEN '''{name}'' is missing'")
        branches.append(f"WHEN NOT {absent} AND {kind} <> 'VARCHAR' THEN '''{name}'' is not a string'")
        if column.type == "TIMESTAMPTZ":
            bad = f"{name} IS NULL OR NOT regexp_matches({raw}, '{_OFFSET}')"
            wanted = "an ISO 8601 timestamp with a UTC offset"
        elif column.type == "DATE":
            bad = f"{name} IS NULL OR NOT regexp_matches({raw}, '{_DAY}')"
            wanted = "a YYYY-MM-DD date"
        elif column.values:
            bad = f"{raw} NOT IN ({', '.join(_quote(item) for item in column.values)})"
            wanted = "one of " + ", ".join(column.values)
        else:
            continue
        branches.append(f"WHEN NOT {absent} AND ({bad}) THEN '''{name}'' is not {wanted}: ' || {raw}")
    return "CASE " + " ".join(branches) + " END"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _csv_rejects(db: duckdb.DuckDBPyConnection, path: Path, report: SourceReport) -> bool:
    # DuckDB reports a short row once per missing column: one problem per line is enough.
    rejects = db.execute("SELECT line, min_by(error_message, column_idx) FROM csv_rejects GROUP BY line ORDER BY line").fetchall()
    db.execute("DROP TABLE csv_rejects; DROP TABLE csv_scans")
    report.add(*(Problem(str(path), line, f"malformed CSV row: {message}") for line, message in rejects))
    return bool(rejects)


def _line_in(message: str) -> int:
    """The line DuckDB names in a read error, or 1."""
    found = re.search(r"\bline (\d+)", message, re.IGNORECASE)
    return int(found.group(1)) if found else 1
