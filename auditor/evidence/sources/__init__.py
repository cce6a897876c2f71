"""Evidence sources: one module per source, registered in :data:`SOURCES`, each filling store
tables for one repo (see :mod:`.base` for the protocol).

:func:`load` runs every source for every repo and records, as data in the store, how each one
went (``source_states``) and every malformed line or file (``source_problems``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.evidence.sources import activity_runs, issue_core, notes, repo_files, state_hub, task_spawn_log, temporal
from auditor.evidence.sources.base import LoadTarget, Problem, Source, SourceReport

if TYPE_CHECKING:
    import duckdb

    from auditor.progress import ProgressCallback

SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        temporal.SOURCE,
        activity_runs.SOURCE,
        state_hub.PROGRESS,
        state_hub.DECISIONS,
        state_hub.FEEDBACK,
        state_hub.MESSAGES,
        notes.SOURCE,
        task_spawn_log.SOURCE,
        issue_core.SOURCE,
        repo_files.SOURCE,
    )
}

def load(db: duckdb.DuckDBPyConnection, targets: list[LoadTarget], progress: ProgressCallback | None = None) -> None:
    """Load every source of every target into ``db``."""
    import duckdb

    steps = [(target, source) for target in targets for source in SOURCES.values()]
    for done, (target, source) in enumerate(steps):
        if progress:
            progress("Loading evidence", done, len(steps))
        try:
            report = source.load(db, target)
        except duckdb.Error as exc:  # a store failure is the source's problem, not a crash
            report = SourceReport("ok", str(target.bundle))
            report.add(Problem(str(target.bundle), 1, f"{source.name}: cannot load: {exc}"))
        record(db, target.repo, source.name, report)
    if progress:
        progress("Loading evidence", len(steps), len(steps))


def record(db: duckdb.DuckDBPyConnection, repo: str, source: str, report: SourceReport) -> None:
    db.execute(
        "INSERT INTO source_states VALUES (?, ?, ?, ?, ?, ?, ?)",
        [repo, source, report.location, report.state, report.records, report.problem_count, report.detail],
    )
    if report.problems:
        db.executemany(
            "INSERT INTO source_problems VALUES (?, ?, ?, ?, ?)",
            [(repo, source, problem.path, problem.line, problem.message) for problem in report.problems],
        )
