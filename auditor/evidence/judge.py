"""From an evidence block and the store to a :class:`~auditor.evidence.model.Verdict`.

A check whose sources are not all ``ok`` is still judged (its slot table and records help a
reader), but its result is ``unknown``: missing or broken evidence never passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.evidence.block import CheckNode, EvidenceSpec
from auditor.evidence.checks import CHECKS
from auditor.evidence.checks.base import CheckContext
from auditor.evidence.checks.combinators import COMBINATORS, all_of, describe
from auditor.evidence.model import CheckResult, CombinedResult, Result, Verdict, VerdictName
from auditor.model import Task, Workplan

if TYPE_CHECKING:
    import duckdb

VERDICTS: dict[tuple[bool, Result], VerdictName] = {
    (False, "pass"): "ready",
    (False, "fail"): "not_ready",
    (False, "unknown"): "unknown",
    (True, "pass"): "holds",
    (True, "fail"): "violated",
    (True, "unknown"): "unknown",
}


@dataclass(frozen=True)
class Gap:
    """Why a source of a repo cannot be relied on."""

    reason: str
    partly_read: bool
    """Some of its records loaded (a malformed line among sound ones)."""


def source_gaps(db: duckdb.DuckDBPyConnection, repo: str) -> dict[str, Gap]:
    """The sources of ``repo`` that are not ``ok``, by name."""
    from auditor.evidence.sources import SOURCES

    gaps = {source: Gap(f"{source}: not loaded for repo {repo} (not in the snapshot?)", False) for source in SOURCES}
    query = "SELECT source, state, detail, records FROM source_states WHERE repo = ?"
    for source, state, detail, records in db.execute(query, [repo]).fetchall():
        if state == "ok":
            del gaps[source]
        else:
            reason = f"{source}: {state.replace('_', ' ')}" + (f" ({detail})" if detail else "")
            gaps[source] = Gap(reason, state == "unreadable" and records > 0)
    return gaps


class Judge:
    """Judges the blocks of one repo's tasks against the store."""

    def __init__(self, db: duckdb.DuckDBPyConnection, repo: str, today: dt.date) -> None:
        self.db = db
        self.repo = repo
        self.today = today
        self.gaps = source_gaps(db, repo)

    def gap(self, source: str) -> Gap | None:
        """Why ``source`` cannot be relied on, None when it can. A name no source is registered
        under cannot (``SourceName`` and the type checker keep such names out of check kinds)."""
        from auditor.evidence.sources import SOURCES

        return self.gaps.get(source) if source in SOURCES else Gap(f"{source}: no such evidence source", False)

    def verdict(self, workplan: Workplan, task: Task, spec: EvidenceSpec) -> Verdict:
        results = [self.check(node) for node in spec.checks]
        overall = all_of([result.result for result in results])
        return Verdict(
            task_id=task.id or "",
            task_status=task.status,
            verdict=VERDICTS[(task.status == "done", overall)],
            checks=results,
            unblocks=list(spec.unblocks),
            workplan_id=workplan.id,
            repo=workplan.repo,
            path=workplan.path,
            line=task.evidence.line if task.evidence else task.line,
        )

    def check(self, node: CheckNode) -> CheckResult:
        if node.args is None:
            children = [self.check(child) for child in node.children]
            return CombinedResult(
                kind=node.kind,
                line=node.line,
                result=COMBINATORS[node.kind]([child.result for child in children]),
                detail=describe(node.kind, children),
                missing=[item for child in children if child.result != "pass" for item in child.missing],
                checks=children,
            )
        module = CHECKS[node.kind]
        needed = module.sources(node.args)
        gaps = [gap for gap in map(self.gap, needed) if gap is not None]
        reasons = [gap.reason for gap in gaps]
        if gaps and not any(gap.partly_read for gap in gaps) and len(gaps) == len(needed):
            # Nothing to judge on: saying what the records lack would be saying what was not read.
            return CheckResult(kind=node.kind, line=node.line, result="unknown", detail=f"unknown: {'; '.join(reasons)}", missing=reasons)
        result: CheckResult = module.judge(node.args, CheckContext(self.db, self.repo, self.today, node.kind, node.line))
        if gaps:
            result.result = "unknown"
            result.detail = f"unknown: {'; '.join(reasons)} (judged on what could be read: {result.detail})"
            result.missing = [*reasons, *result.missing]
        return result
