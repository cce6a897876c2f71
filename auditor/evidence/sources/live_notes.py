"""Working-memory notes over HTTP: a paged listing of ``{"name", "date"?, "created"?, "title"?}``
records, read as the bundle reads a note's file stem and frontmatter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from auditor.config import NotesConfig
from auditor.evidence.sources.base import LoadTarget, Problem, ServiceSource, SourceReport
from auditor.evidence.sources.notes import NAME, insert_notes, note_row, present

if TYPE_CHECKING:
    import duckdb

    from auditor.evidence.sources.http_service import ServiceClient


class LiveNotesSource(ServiceSource):
    name = NAME
    service = "notes"

    def location(self, settings: NotesConfig) -> str:
        return settings.endpoint(settings.paths.notes)

    def ask(self, client: ServiceClient, settings: NotesConfig, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> list[Any]:
        return client.items(settings.paths.notes)

    def store(self, db: duckdb.DuckDBPyConnection, target: LoadTarget, answer: list[Any], report: SourceReport) -> int:
        return insert_notes(db, target.repo, present(list(_rows(answer, report)), target, report))


def _rows(items: list[Any], report: SourceReport) -> Iterator[dict[str, Any]]:
    location = report.location or ""
    for position, item in enumerate(items, start=1):
        if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"]:
            yield note_row(item["name"], item, location)
        else:
            report.add(Problem(location, position, "not a note: expected an object with a 'name' string"))


SOURCE = LiveNotesSource()
