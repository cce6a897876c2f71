"""Record files (JSON lines, CSV, Parquet) and service listings into a store table, each record
checked against the record contract (:mod:`contract.records`) before it reaches the store.

Every format, and the records a live service sends, becomes one JSON object per record with
its line number (for a service, its position in the listing), and one reader judges them all:

- a line that is not JSON, repeats a key in an object, or fails its record model is malformed:
  a problem naming its line, and the source is unreadable (its checks unknown);
- records with the same natural key are one record written twice: an exact repeat is collapsed
  and noted (both lines), a repeat with other content is a problem citing both lines;
- a record dated after the audit's present is left out and noted.

Only the sound records reach the table.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from auditor.evidence import evidence_files
from auditor.evidence.sources.base import LoadTarget, Problem, SourceReport, bundle_location
from auditor.evidence.store import TABLE, insert_columns
from contract import jsontext
from contract.records import RECORDS, Record, problem

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import duckdb

_STAGE_CSV = (
    "SELECT to_json(t) AS text FROM read_csv(?, header = true, skip = 0, all_varchar = true,"
    " store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_scans') AS t"
)
_STAGE_PARQUET = "SELECT to_json(t) AS text FROM (SELECT COLUMNS(*)::VARCHAR FROM read_parquet(?)) AS t"

SUFFIXES = (".jsonl", ".csv", ".parquet")


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
            # DuckDB opens the file itself; whoever could swap it after this check could as
            # well write the records, so checking the path is enough.
            evidence_files.checked(path, target.bundle or path.parent, target.limits.max_records_bytes)
        except evidence_files.RefusedFile as exc:
            report.add(Problem(str(path), exc.line, str(exc)))
            return report
        try:
            report.records = load_records(db, self.table, target, path, report)
        except duckdb.Error as exc:
            report.add(_read_error(str(exc), path))
        except OSError as exc:
            report.add(Problem(str(path), 1, f"cannot read: {exc}"))
        return report


def load_records(db: duckdb.DuckDBPyConnection, table: str, target: LoadTarget, path: Path, report: SourceReport) -> int:
    """Read, check and insert the records of ``path``; problems go to ``report``."""
    documents: Iterable[tuple[int, Any]]
    if path.suffix == ".jsonl":
        documents = _json_lines(path, report)
    elif path.suffix == ".csv":
        documents = _csv_rows(db, path, report)
    else:
        db.execute(f"CREATE OR REPLACE TEMP TABLE staged AS {_STAGE_PARQUET}", [str(path)])
        documents = _staged(db, 1)
    return insert_records(db, table, target, str(path), documents, report)


def load_items(db: duckdb.DuckDBPyConnection, table: str, target: LoadTarget, location: str, items: list[Any], report: SourceReport) -> int:
    """Check and insert records a service sent (JSON values), exactly as a file's lines are;
    a record's ``line`` is its 1-based position in the listing."""
    return insert_records(db, table, target, location, enumerate(items, start=1), report)


def insert_records(
    db: duckdb.DuckDBPyConnection, table: str, target: LoadTarget, location: str, documents: Iterable[tuple[int, Any]], report: SourceReport
) -> int:
    """Check each ``(line, JSON value)`` against the table's record model, collapse repeats of a
    natural key, leave out future records, and insert the rest."""
    model = RECORDS[table]
    keeps_record = TABLE[table].keeps_record
    kept: dict[tuple[Any, ...], tuple[int, Record, Any]] = {}
    for line, document in documents:
        record = _record(model, location, line, document, report)
        if record is None:
            continue
        future = target.horizon.after(record.instants(), record.days()) if target.horizon else None
        if future:
            report.add(Problem(location, line, f"{_name(record)} is {future}", "future"))
            continue
        first = kept.get(record.key)
        if first is None:
            kept[record.key] = (line, record, document)
        elif first[2] == document:  # every field, not only the modelled ones: `where:` reads them all
            report.add(Problem(location, line, f"{_name(record)} repeats line {first[0]} exactly; counted once", "duplicate"))
        else:
            report.add(Problem(location, line, f"{_name(record)} conflicts with line {first[0]}: same key, other content"))
    columns: dict[str, list[Any]] = {}
    for line, record, document in kept.values():
        whole = (("record", json.dumps(document)),) if keeps_record else ()
        for name, value in (*record.row().items(), *whole, ("path", location), ("line", line)):
            columns.setdefault(name, []).append(value)
    return insert_columns(db, table, target.repo, columns)


def _record(model: type[Record], location: str, line: int, document: Any, report: SourceReport) -> Record | None:
    if isinstance(document, Problem):
        report.add(document)
        return None
    if not isinstance(document, dict):
        report.add(Problem(location, line, "not a JSON object"))
        return None
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        report.add(Problem(location, line, problem(exc)))
        return None


def _name(record: Record) -> str:
    return " ".join(f"{name} {value!r}" for name, value in zip(record.key_fields, record.key, strict=False))


def _json_lines(path: Path, report: SourceReport) -> Iterator[tuple[int, Any]]:
    """Each non-blank line of a JSON lines file, parsed (a :class:`Problem` where it is not JSON)."""
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, Problem(str(path), number, "not UTF-8 text")
                continue
            if not text.strip():
                continue
            try:
                yield number, jsontext.loads(text)
            except ValueError as exc:
                yield number, Problem(str(path), number, f"not valid JSON: {_first(exc)}")


def _csv_rows(db: duckdb.DuckDBPyConnection, path: Path, report: SourceReport) -> list[tuple[int, Any]]:
    with path.open(encoding="utf-8", newline="") as text:
        header = next(csv.reader(io.StringIO(text.readline())), [])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        report.add(Problem(str(path), 1, f"the header names {', '.join(repeated)} twice"))
        return []
    db.execute(f"CREATE OR REPLACE TEMP TABLE staged AS {_STAGE_CSV}", [str(path)])
    if _csv_rejects(db, path, report):
        return []  # rows after a rejected one would get wrong line numbers; the source is unusable anyway
    return list(_staged(db, 2))


def _staged(db: duckdb.DuckDBPyConnection, first_line: int) -> Iterator[tuple[int, Any]]:
    """The rows DuckDB staged (one JSON text each, in file order), with their file lines."""
    rows = db.execute("SELECT rowid, text FROM staged ORDER BY rowid").fetchall()
    db.execute("DROP TABLE staged")
    for rowid, text in rows:
        document = jsontext.loads(text)
        yield rowid + first_line, {name: value for name, value in document.items() if value is not None}


def _csv_rejects(db: duckdb.DuckDBPyConnection, path: Path, report: SourceReport) -> bool:
    # DuckDB reports a short row once per missing column: one problem per line is enough.
    rejects = db.execute("SELECT line, min_by(error_message, column_idx) FROM csv_rejects GROUP BY line ORDER BY line").fetchall()
    db.execute("DROP TABLE csv_rejects; DROP TABLE csv_scans")
    report.add(*(Problem(str(path), line, f"malformed CSV row: {message}") for line, message in rejects))
    return bool(rejects)


def _first(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read_error(message: str, path: Path) -> Problem:
    """A DuckDB read error as a problem: its first line and, when it quotes the line it could
    not read, the reason given after that (never the quoted text, which may be anything)."""
    lines = message.splitlines()
    # DuckDB's own line number can be off: the problem's line says where, the message what.
    what = re.sub(r" on Line: \d+", "", lines[0])
    quoted = next((index for index, line in enumerate(lines) if line.startswith("Original Line: ")), None)
    if quoted is not None and quoted + 1 < len(lines) and lines[quoted + 1].strip():
        what += ": " + lines[quoted + 1].strip()
    return Problem(str(path), _line_in(message, path), f"cannot read: {what}")


def _line_in(message: str, path: Path) -> int:
    """The file line of a DuckDB read error: the first line of ``path`` holding the text DuckDB
    quotes as the ``Original Line`` (the number DuckDB gives with it can be off), else the line
    it names, else 1."""
    quoted = re.search(r"^Original Line: (.+)$", message, re.MULTILINE)
    if quoted:
        wanted = quoted.group(1).encode("utf-8", "surrogateescape")
        with path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if line.rstrip(b"\r\n").startswith(wanted):
                    return number
    found = re.search(r"\bline:? (\d+)", message, re.IGNORECASE)
    return int(found.group(1)) if found else 1
