"""``notes/**/*.md``: working-memory notes. A note's name is its file stem.

Frontmatter is optional; when present it must be a YAML mapping, and ``date`` (or
``created``) and ``title`` are kept. A note's date is that frontmatter date, else the first
YYYY-MM-DD in its name.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.evidence import evidence_files
from auditor.evidence.sources.base import LoadTarget, Problem, SourceFileError, SourceReport, bundle_location, read_files
from auditor.evidence.store import insert_columns
from auditor.parse import yamlsafe
from auditor.parse.values import as_date

if TYPE_CHECKING:
    import duckdb

NAME = "notes"
DIRECTORY = "notes"
_FRONTMATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE)
_DAY_IN_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_note(path: Path, text: str) -> dict[str, Any]:
    """The row of the note ``path`` holding ``text``; :class:`SourceFileError` when its frontmatter is broken."""
    fields: dict[str, Any] = {}
    found = _FRONTMATTER.match(text)
    if found:
        loaded = yamlsafe.load(found.group(1), 2)
        if loaded.error:
            raise SourceFileError(f"note frontmatter: {loaded.error}", loaded.error_line)
        if loaded.value is not None and not isinstance(loaded.value, dict):
            raise SourceFileError("note frontmatter is not a mapping", 2)
        fields = loaded.value or {}
    if not isinstance(fields.get("workflow_id", ""), str) or fields.get("workflow_id") == "":
        raise SourceFileError("note frontmatter: workflow_id must be a non-empty string", 2)
    return note_row(path.stem, fields, str(path))


def note_row(name: str, fields: dict[str, Any], location: str) -> dict[str, Any]:
    """The ``notes`` row of a note named ``name`` whose frontmatter (or service record) is ``fields``."""
    title, workflow_id = fields.get("title"), fields.get("workflow_id")
    return {
        "name": name,
        "note_date": as_date(fields.get("date")) or as_date(fields.get("created")) or _day_in(name),
        "title": title if isinstance(title, str) else None,
        "path": location,
        # a value that is not a string names no run as given: it stays, so the note counts for none
        "workflow_id": None if workflow_id is None else str(workflow_id),
    }


def _day_in(name: str) -> dt.date | None:
    found = _DAY_IN_NAME.search(name)
    return as_date(found.group(0)) if found else None


class NotesSource:
    name = NAME

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        directory, report = bundle_location(self.name, target, DIRECTORY)
        if directory is None:
            return report
        limit = target.limits.max_note_bytes
        bundle = target.bundle
        assert bundle is not None  # bundle_location found a directory in it
        read = read_files(report, sorted(directory.rglob("*.md")), lambda path: read_note(path, evidence_files.require_text(path, bundle, limit)))
        rows = [row for _, row in read]
        report.records = insert_notes(db, target.repo, present(rows, target, report))
        return report


def present(rows: list[dict[str, Any]], target: LoadTarget, report: SourceReport) -> list[dict[str, Any]]:
    """The notes not dated after the audit's today; the others are noted and left out."""
    kept = []
    for row in rows:
        future = target.horizon.after((), [row["note_date"]]) if target.horizon else None
        if future:
            report.add(Problem(row["path"], 1, f"note {row['name']} is {future}", "future"))
        else:
            kept.append(row)
    return kept


def insert_notes(db: duckdb.DuckDBPyConnection, repo: str, rows: list[dict[str, Any]]) -> int:
    columns: dict[str, list[Any]] = {"name": [], "note_date": [], "title": [], "path": [], "workflow_id": []}
    for row in rows:
        for name, value in row.items():
            columns[name].append(value)
    return insert_columns(db, "notes", repo, columns)


SOURCE = NotesSource()
