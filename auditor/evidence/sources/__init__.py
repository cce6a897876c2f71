"""Evidence sources: one module per source, registered here, each filling store tables for one
repo (see :mod:`.base` for the protocol).

:data:`SOURCES` holds the bundle sources, in load order (the spawn log before issue-core, which
resolves its references). :data:`LIVE_SOURCES` holds the live ones, by the name of the bundle
source each replaces for a repo that configures it (:func:`source_for`). :func:`load` runs every
source for every repo and records, as data in the store, how each one went (``source_states``)
and every malformed line or file (``source_problems``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

from auditor.evidence.sources import (
    activity_runs,
    issue_core,
    live_activity_db,
    live_issue_core,
    live_notes,
    live_schedule_slots,
    live_state_hub,
    live_temporal,
    notes,
    repo_files,
    schedule_slots,
    state_hub,
    task_spawn_log,
    temporal,
    workspace,
)
from auditor.evidence.sources.base import LiveSource, LoadTarget, Problem, Source, SourceName, SourceReport

if TYPE_CHECKING:
    import duckdb

    from auditor.progress import ProgressCallback

SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        temporal.SOURCE,
        activity_runs.SOURCE,
        schedule_slots.SOURCE,
        state_hub.PROGRESS,
        state_hub.DECISIONS,
        state_hub.FEEDBACK,
        state_hub.MESSAGES,
        notes.SOURCE,
        task_spawn_log.SOURCE,
        issue_core.SOURCE,
        repo_files.SOURCE,
        workspace.SOURCE,
    )
}

LIVE_SOURCES: dict[str, LiveSource] = {
    source.name: source
    for source in (
        live_temporal.SOURCE,
        live_activity_db.ACTIVITY_RUNS,
        live_activity_db.TASK_SPAWN_LOG,
        live_schedule_slots.SOURCE,
        live_state_hub.PROGRESS,
        live_state_hub.DECISIONS,
        live_state_hub.FEEDBACK,
        live_state_hub.MESSAGES,
        live_notes.SOURCE,
        live_issue_core.SOURCE,
    )
}



def _check_registry() -> None:
    """The registry and the names checks may ask for are one list: fail on import, not on a verdict."""
    names = set(get_args(SourceName))
    if set(SOURCES) != names or not set(LIVE_SOURCES) <= names:
        unregistered = sorted(names - set(SOURCES))
        undeclared = sorted((set(SOURCES) | set(LIVE_SOURCES)) - names)
        raise ImportError(f"evidence sources and SourceName differ: not registered {unregistered}, not in SourceName {undeclared}")


_check_registry()


def source_for(name: str, target: LoadTarget) -> Source:
    """The live source ``name`` when the target's repo configures it, else the bundle source."""
    live = LIVE_SOURCES.get(name)
    return live if live is not None and live.configured(target) else SOURCES[name]


def load(db: duckdb.DuckDBPyConnection, targets: list[LoadTarget], progress: ProgressCallback | None = None) -> None:
    """Load every source of every target into ``db``."""
    import duckdb

    steps = [(target, source_for(name, target)) for target in targets for name in SOURCES]
    reports: list[tuple[str, str, SourceReport]] = []
    for done, (target, source) in enumerate(steps):
        if progress:
            progress("Loading evidence", done, len(steps))
        try:
            report = source.load(db, target)
        except duckdb.Error as exc:  # a store failure is the source's problem, not a crash
            report = SourceReport("ok", str(target.bundle))
            report.add(Problem(str(target.bundle), 1, f"{source.name}: cannot load: {exc}"))
        reports.append((target.repo, source.name, report))
    record(db, reports)
    if progress:
        progress("Loading evidence", len(steps), len(steps))


def record(db: duckdb.DuckDBPyConnection, reports: list[tuple[str, str, SourceReport]]) -> None:
    """Store how each (repo, source) went, and its problems: two statements for all of them."""
    states = [
        (repo, source, report.location, report.state, report.records, report.problem_count, report.detail)
        for repo, source, report in reports
    ]
    problems = [
        (repo, source, problem.path, problem.line, problem.message, problem.kind)
        for repo, source, report in reports
        for problem in [*report.problems, *report.notices]
    ]
    for table, rows in (("source_states", states), ("source_problems", problems)):
        if rows:
            columns = list(zip(*rows))
            placeholders = ", ".join(f"unnest(${index + 1})" for index in range(len(columns)))
            db.execute(f"INSERT INTO {table} SELECT {placeholders}", [list(column) for column in columns])
