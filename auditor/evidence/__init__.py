"""Evidence verdicts: decide from the records whether a task's evidence block holds.

One entry point, :func:`audit`: read every ```evidence block (grammar errors are WP042), load
each repo's evidence sources into one DuckDB store (:mod:`.store`, :mod:`.sources`), judge
every block's checks from it (:mod:`.checks`, :mod:`.judge`) and turn the verdicts and source
problems into findings (WP040-WP044). DuckDB is imported only when some block needs judging.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from auditor.config import Config
from auditor.evidence.model import AuditedWorkplan, JudgedTask, SourceProblem, Verdict
from common import redact
from auditor.evidence.store import SnapshotError
from auditor.model import Finding, Task, Workplan, WorkplanSummary

if TYPE_CHECKING:
    from auditor.evidence.block import CheckNode, EvidenceSpec
    from auditor.evidence.sources.base import Horizon, LoadTarget, WorkspaceEntry
    from auditor.progress import ProgressCallback

__all__ = ["Audit", "SnapshotError", "Verdict", "audit"]


class Audit(BaseModel):
    verdicts: list[Verdict] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)


def audit(
    workplans: list[Workplan],
    *,
    evidence_dirs: dict[str, Path | None],
    today: dt.date,
    snapshot: Path | None = None,
    from_snapshot: Path | None = None,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    config: Config | None = None,
    workspace: list[WorkplanSummary] | None = None,
    now: dt.datetime | None = None,
) -> Audit:
    """Judge every evidence block of ``workplans``.

    ``evidence_dirs`` maps a repo name to its bundle directory (None: not configured).
    ``snapshot`` keeps the store in that file; ``from_snapshot`` judges from a kept store
    instead of reading sources (:class:`SnapshotError` when it is not one). ``config``, when
    given, applies rule settings and inline directives to the WP04x findings. Records dated
    after ``today`` (after ``now``, default the clock, when ``today`` is its day) are left out. ``workspace`` is
    every workplan read in this run, for ``task`` checks (default: ``workplans`` alone).
    """
    from auditor.evidence import sources, store
    from auditor.evidence.block import parse_block, window_errors
    from auditor.evidence.judge import Judge
    from auditor.evidence.sources.workspace import entries
    from auditor.evidence.sources.base import Horizon
    from auditor.rules import (
        wp040_violated, wp041_ready, wp042_evidence_block, wp043_unknown, wp044_source_unreadable, wp045_duplicate_record,
        wp046_future_record,
    )

    config = config or Config()
    findings = _Findings(config)
    for workplan in workplans:
        findings.add(wp042_evidence_block, AuditedWorkplan(workplan, today))
    blocks = [
        (workplan, task, parsed.spec)
        for workplan, task in _tasks_with_evidence(workplans)
        if task.evidence is not None and (parsed := parse_block(task.evidence.text, task.evidence.line)).spec is not None
        and not window_errors(parsed.spec, today, config.limits.max_slots)
    ]
    if not blocks:
        return Audit(findings=findings.found)
    repos = sorted({workplan.repo or "" for workplan, _, _ in blocks})
    redact.register(*config.secret_values())
    if snapshot is not None and from_snapshot is None:
        store.check_snapshot_path(snapshot)
    db = store.open_snapshot(from_snapshot) if from_snapshot else store.create()
    try:
        horizon = Horizon.of(today, now or dt.datetime.now(dt.UTC))
        if from_snapshot is None:
            everything = entries(workspace if workspace is not None else [workplan.summary() for workplan in workplans])
            sources.load(db, [_target(repo, blocks, evidence_dirs, config, everything, horizon) for repo in repos], progress)
            store.redact_secrets(db)
            db.execute("INSERT INTO meta VALUES ('evidence_until', ?)", [horizon.until.isoformat()])
            if snapshot is not None:
                store.save_snapshot(db, snapshot)
        else:
            store.check_horizon(db, from_snapshot, horizon.until)
        judges = {repo: Judge(db, repo, today) for repo in repos}
        verdicts = [judges[workplan.repo or ""].verdict(workplan, task, spec) for workplan, task, spec in blocks]
        problems = db.execute(
            "SELECT repo, source, path, line, message, kind FROM source_problems WHERE list_contains(?, repo) ORDER BY ALL", [repos]
        ).fetchall()
    finally:
        db.close()
    for problem in problems:
        for rule in (wp044_source_unreadable, wp045_duplicate_record, wp046_future_record):
            findings.add(rule, SourceProblem(*problem))
    for (workplan, _, _), verdict in zip(blocks, verdicts, strict=True):
        for rule in (wp040_violated, wp041_ready, wp043_unknown):
            findings.add(rule, JudgedTask(workplan, verdict, strict))
    # The store is already clean; a kept snapshot of an older run may not be.
    return Audit(verdicts=redact.redact_data(verdicts), findings=redact.redact_data(findings.found))


def _tasks_with_evidence(workplans: list[Workplan]) -> Iterator[tuple[Workplan, Task]]:
    """Tasks whose block is judged: not cancelled (nothing to prove) and with an id to report."""
    for workplan in workplans:
        for task in workplan.tasks:
            if task.evidence is not None and task.id and task.status != "cancelled":
                yield workplan, task


def _target(
    repo: str,
    blocks: list[tuple[Workplan, Task, EvidenceSpec]],
    evidence_dirs: dict[str, Path | None],
    config: Config,
    workspace: tuple[WorkspaceEntry, ...],
    horizon: Horizon,
) -> LoadTarget:
    from auditor.evidence.checks.base import RepoPathArgs
    from auditor.evidence.checks.consecutive_runs import ConsecutiveRunsArgs
    from auditor.evidence.sources.base import LoadTarget, RunQuery

    of_repo = [(workplan, spec) for workplan, _, spec in blocks if (workplan.repo or "") == repo]
    root = next((workplan.repo_root for workplan, _ in of_repo if workplan.repo_root), None)
    args = [found for _, spec in of_repo for found in _check_args(spec.checks)]
    paths = {found.path for found in args if isinstance(found, RepoPathArgs)}
    runs = {
        RunQuery(found.activity, found.scheduled_by, found.after)
        for found in args
        if isinstance(found, ConsecutiveRunsArgs)
    }
    return LoadTarget(
        repo, evidence_dirs.get(repo), Path(root) if root else None, frozenset(paths),
        sources=config.sources_for(repo), runs=frozenset(runs), workspace=workspace, horizon=horizon, limits=config.limits,
    )


def _check_args(nodes: tuple[CheckNode, ...]) -> Iterator[BaseModel]:
    """The arguments of every check, combinators' children included."""
    for node in nodes:
        if node.args is not None:
            yield node.args
        yield from _check_args(node.children)


class _Findings:
    """Rule hits as findings, with the configured severity, enabled flag and inline directives."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.found: list[Finding] = []

    def add(self, rule: ModuleType, subject: object) -> None:
        from auditor.linter import run_rules

        self.found += run_rules([rule], subject, self.config)
