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
from auditor.evidence.checks.base import STREAK_END, CheckContext
from auditor.evidence.checks.combinators import COMBINATORS, all_of, describe
from auditor.evidence.model import CheckResult, CombinedResult, Result, RunsResult, Verdict, VerdictName
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
        # consecutive_runs first: after: streak_end in the other checks needs its streak
        streaks = {index: self.check(node) for index, node in enumerate(spec.checks) if node.kind == "consecutive_runs"}
        end = streak_end(list(streaks.values()))
        results = [streaks[index] if index in streaks else self.check(node, end) for index, node in enumerate(spec.checks)]
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

    def check(self, node: CheckNode, streak_end: dt.date | str = "") -> CheckResult:
        """``streak_end``: the day ``after: streak_end`` stands for, or why there is none."""
        if node.args is None:
            children = [self.check(child, streak_end) for child in node.children]
            return CombinedResult(
                kind=node.kind,
                line=node.line,
                result=COMBINATORS[node.kind]([child.result for child in children]),
                detail=describe(node.kind, children),
                missing=[item for child in children if child.result != "pass" for item in child.missing],
                checks=children,
            )
        module = CHECKS[node.kind]
        args = node.args
        if getattr(args, "after", None) == STREAK_END:
            if not isinstance(streak_end, dt.date):
                reason = f"after: streak_end: {streak_end}"
                return CheckResult(kind=node.kind, line=node.line, result="unknown", detail=f"unknown: {reason}", missing=[reason])
            args = args.model_copy(update={"after": streak_end})
        needed = module.sources(args)
        gaps = [gap for gap in map(self.gap, needed) if gap is not None]
        reasons = [gap.reason for gap in gaps]
        if gaps and not any(gap.partly_read for gap in gaps) and len(gaps) == len(needed):
            # Nothing to judge on: saying what the records lack would be saying what was not read.
            return CheckResult(kind=node.kind, line=node.line, result="unknown", detail=f"unknown: {'; '.join(reasons)}", missing=reasons)
        result: CheckResult = module.judge(args, CheckContext(self.db, self.repo, self.today, node.kind, node.line))
        if gaps:
            result.result = "unknown"
            result.detail = f"unknown: {'; '.join(reasons)} (judged on what could be read: {result.detail})"
            result.missing = [*reasons, *result.missing]
        return result


def streak_end(streaks: list[CheckResult]) -> dt.date | str:
    """The day ``after: streak_end`` stands for: the later of the UTC day and the calendar day
    of the last slot of the streak that satisfied the block's one ``consecutive_runs`` check;
    or why there is none (no such check, more than one, or one that did not pass)."""
    streak = streaks[0] if len(streaks) == 1 else None
    if not isinstance(streak, RunsResult):
        return f"the block needs exactly one consecutive_runs check, it has {len(streaks)}"
    if streak.result != "pass" or not streak.streak.satisfied_by:
        return f"the consecutive_runs check (line {streak.line}) is {streak.result}, so its streak has no end"
    last = next(slot for slot in reversed(streak.slots) if slot.date == streak.streak.satisfied_by[-1])
    return max(dt.date.fromisoformat(last.date), dt.datetime.fromisoformat(last.start).astimezone(dt.UTC).date())
