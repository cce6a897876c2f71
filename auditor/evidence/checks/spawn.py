"""``spawn``: the latest run of a definition through a sink created the expected tasks.

Example::

    spawn:
      definition: stale-dependency-audit
      sink: issue_core_rest       # or null (the audit-only sink)
      count: 2                    # exactly; or  min: 1  (default: min 1)
      refs_resolve: true          # every external_ref names an issue-core task

Judged on ``task_spawn_log.jsonl``: its rows for the definition and sink are grouped by
``run_id``, and the run with the newest ``created_at`` is the one that counts, so a later
run creating duplicates turns a passing check into a failing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from auditor.evidence.checks.base import CheckArgs, CheckContext, record_date
from auditor.evidence.model import CheckResult, EvidenceRef

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "spawn"

_LATEST_RUN = """
WITH log AS (
    SELECT * FROM task_spawn_log WHERE repo = $repo AND definition = $definition AND sink = $sink
),
latest AS (
    SELECT run_id FROM log GROUP BY run_id ORDER BY max(created_at) DESC, run_id DESC LIMIT 1
)
SELECT log.run_id, log.external_ref, log.path, log.line, issue.ref IS NOT NULL AS resolves, log.created_at
FROM log JOIN latest USING (run_id)
LEFT JOIN (SELECT DISTINCT ref FROM issue_tasks WHERE repo = $repo) AS issue ON issue.ref = log.external_ref
ORDER BY log.path, log.line
"""


class SpawnArgs(CheckArgs):
    definition: str = Field(min_length=1, description="Activity definition name.")
    sink: Literal["null", "issue_core_rest"] = Field(
        description="The sink; YAML null means the null sink.",
        json_schema_extra={"type": ["string", "null"], "enum": ["null", "issue_core_rest", None]},  # as _yaml_null reads it
    )
    count: int | None = Field(default=None, ge=1, description="Exactly this many tasks.")
    min: int | None = Field(default=None, ge=1, description="At least this many tasks (default 1).")
    refs_resolve: bool = Field(default=False, description="Every external_ref exists in issue-core.")

    @field_validator("sink", mode="before")
    @classmethod
    def _yaml_null(cls, value: Any) -> Any:
        return "null" if value is None else value

    @model_validator(mode="after")
    def _one_bound(self) -> Self:
        if self.count is not None and self.min is not None:
            raise ValueError("give 'count' or 'min', not both")
        return self


ARGS = SpawnArgs


def sources(args: SpawnArgs) -> tuple[SourceName, ...]:
    return ("task_spawn_log", "issue_core") if args.refs_resolve else ("task_spawn_log",)


def judge(args: SpawnArgs, ctx: CheckContext) -> CheckResult:
    rows = ctx.rows(_LATEST_RUN, {"repo": ctx.repo, "definition": args.definition, "sink": args.sink})
    subject = f"{args.definition} through the {args.sink} sink"
    expected = f"exactly {args.count}" if args.count is not None else f"at least {args.min or 1}"
    if not rows:
        return ctx.result("fail", f"no run of {subject} in task_spawn_log", missing=[f"a run of {subject} creating {expected} tasks"])
    run_id = rows[0][0]
    evidence = [
        EvidenceRef(source="task_spawn_log", reference=ref or f"run {run_id}", path=path, line=line, date=record_date(created))
        for _, ref, path, line, _, created in rows
    ]
    missing = []
    created = len(rows)
    as_expected = created == args.count if args.count is not None else created >= (args.min or 1)
    if not as_expected:
        missing.append(f"run {run_id} of {subject} created {created} tasks, expected {expected}")
    if args.refs_resolve:
        missing += [
            f"{path}:{line}: external_ref {ref} is not an issue-core task" if ref else f"{path}:{line}: no external_ref"
            for _, ref, path, line, resolves, _ in rows
            if not resolves
        ]
    detail = f"run {run_id} of {subject} created {created} task{'s' if created != 1 else ''}"
    return ctx.result("fail" if missing else "pass", detail, evidence, missing)
