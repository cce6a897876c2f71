"""``spawn``: the latest run of a definition through a sink created the expected tasks.

Example::

    spawn:
      definition: stale-dependency-audit
      sink: issue_core_rest       # or null (the audit-only sink)
      count: 2                    # exactly; or  min: 1  (default: min 1)
      refs_resolve: true          # every external_ref names an issue-core task
      same_specs_as: "null"       # the run created the specs the latest earlier null-sink run did
      no_duplicate_tasks: true    # no spec_hash created as a task by more than one REST run

Judged on ``task_spawn_log.jsonl``: its rows for the definition and sink are grouped by
``run_id``, and the run with the newest ``created_at`` is the one that counts, so a later
run creating duplicates turns a passing check into a failing one.

``same_specs_as`` and ``no_duplicate_tasks`` need ``sink: issue_core_rest``. The null-sink run
compared is the latest one of the same definition that ended (its newest ``created_at``)
before the REST run began (its oldest ``created_at``); with none, the check fails. Both
compare sets of ``spec_hash``.

PASS (``same_specs_as: "null"``): null-sink run ``n1`` wrote ``spec_hash`` ``a`` and ``b`` at
2026-06-19T02:00Z, REST run ``r1`` the same two at 2026-06-20T02:00Z. FAIL: ``n1`` ran after
``r1`` (or at the same instant), there is no null-sink run, or the sets differ (each differing
``spec_hash`` is missing). PASS (``no_duplicate_tasks: true``): every ``spec_hash`` of the REST
runs belongs to one run. FAIL: a later REST run ``r2`` creates ``a`` again (both lines named).
UNKNOWN: a row repeats a natural key (``run_id``, ``spec_hash``) with other values.
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
SELECT log.run_id, log.external_ref, log.path, log.line, issue.ref IS NOT NULL AS resolves, log.created_at, log.spec_hash
FROM log JOIN latest USING (run_id)
LEFT JOIN (SELECT DISTINCT ref FROM issue_tasks WHERE repo = $repo) AS issue ON issue.ref = log.external_ref
ORDER BY log.path, log.line
"""

_EARLIER_NULL_RUN = """
WITH log AS (SELECT * FROM task_spawn_log WHERE repo = $repo AND definition = $definition AND sink = 'null'),
earlier AS (
    SELECT run_id FROM log GROUP BY run_id HAVING max(created_at) < $start ORDER BY max(created_at) DESC, run_id DESC LIMIT 1
)
SELECT log.run_id, log.spec_hash, log.path, log.line, log.created_at FROM log JOIN earlier USING (run_id) ORDER BY log.path, log.line
"""

_TASKS_CREATED_TWICE = """
SELECT spec_hash, list(DISTINCT run_id ORDER BY run_id), list(path || ':' || line ORDER BY path, line)
FROM task_spawn_log WHERE repo = $repo AND definition = $definition AND sink = 'issue_core_rest'
GROUP BY spec_hash HAVING count(DISTINCT run_id) > 1 ORDER BY spec_hash
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
    same_specs_as: Literal["null"] | None = Field(
        default=None,
        description="The REST run created the same set of spec_hash as the latest null-sink run of the definition before it.",
        json_schema_extra={"type": ["string", "null"], "enum": ["null", None]},  # as _yaml_null reads it
    )
    no_duplicate_tasks: bool = Field(default=False, description="No spec_hash was created as a task by more than one REST run.")

    @field_validator("sink", "same_specs_as", mode="before")
    @classmethod
    def _yaml_null(cls, value: Any) -> Any:
        return "null" if value is None else value

    @model_validator(mode="after")
    def _one_bound(self) -> Self:
        if self.count is not None and self.min is not None:
            raise ValueError("give 'count' or 'min', not both")
        if (self.same_specs_as is not None or self.no_duplicate_tasks) and self.sink != "issue_core_rest":
            raise ValueError("'same_specs_as' and 'no_duplicate_tasks' judge REST runs: give them with 'sink: issue_core_rest'")
        return self


ARGS = SpawnArgs


def sources(args: SpawnArgs) -> tuple[SourceName, ...]:
    return ("task_spawn_log", "issue_core") if args.refs_resolve else ("task_spawn_log",)


def judge(args: SpawnArgs, ctx: CheckContext) -> CheckResult:
    params = {"repo": ctx.repo, "definition": args.definition}
    rows = ctx.rows(_LATEST_RUN, {**params, "sink": args.sink})
    subject = f"{args.definition} through the {args.sink} sink"
    expected = f"exactly {args.count}" if args.count is not None else f"at least {args.min or 1}"
    if not rows:
        return ctx.result("fail", f"no run of {subject} in task_spawn_log", missing=[f"a run of {subject} creating {expected} tasks"])
    run_id = rows[0][0]
    evidence = [
        EvidenceRef(source="task_spawn_log", reference=ref or f"run {run_id}", path=path, line=line, date=record_date(created))
        for _, ref, path, line, _, created, _ in rows
    ]
    missing = []
    created = len(rows)
    as_expected = created == args.count if args.count is not None else created >= (args.min or 1)
    if not as_expected:
        missing.append(f"run {run_id} of {subject} created {created} tasks, expected {expected}")
    if args.refs_resolve:
        missing += [
            f"{path}:{line}: external_ref {ref} is not an issue-core task" if ref else f"{path}:{line}: no external_ref"
            for _, ref, path, line, resolves, *_ in rows
            if not resolves
        ]
    if args.same_specs_as is not None:
        missing += _specs_differ(ctx, params, run_id, rows, evidence)
    if args.no_duplicate_tasks:
        missing += [
            f"spec_hash {spec_hash} was created as a task by {len(runs)} REST runs ({', '.join(runs)}) at {', '.join(places)}"
            for spec_hash, runs, places in ctx.rows(_TASKS_CREATED_TWICE, params)
        ]
    detail = f"run {run_id} of {subject} created {created} task{'s' if created != 1 else ''}"
    return ctx.result("fail" if missing else "pass", detail, evidence, missing)


def _specs_differ(ctx: CheckContext, params: dict[str, Any], run_id: str, rows: list[tuple[Any, ...]], evidence: list[EvidenceRef]) -> list[str]:
    """What is missing for REST run ``run_id`` (its ``rows``) to have created the specs of the
    latest null-sink run that ended before it began; that run's rows join ``evidence``."""
    start = min(row[5] for row in rows)
    null_rows = ctx.rows(_EARLIER_NULL_RUN, {**params, "start": start})
    if not null_rows:
        return [f"a run of {params['definition']} through the null sink before REST run {run_id} (began {record_date(start)})"]
    null_run = null_rows[0][0]
    evidence += [
        EvidenceRef(source="task_spawn_log", reference=f"null-sink run {null_run} spec_hash {spec_hash}", path=path, line=line, date=record_date(created))
        for _, spec_hash, path, line, created in null_rows
    ]
    rest_specs = {row[6] for row in rows}
    null_specs = {spec_hash for _, spec_hash, *_ in null_rows}
    return [
        f"spec_hash {spec_hash} {where}" for spec_hash, where in (
            *((spec, f"of null-sink run {null_run} was not created by REST run {run_id}") for spec in sorted(null_specs - rest_specs)),
            *((spec, f"of REST run {run_id} was not in null-sink run {null_run}") for spec in sorted(rest_specs - null_specs)),
        )
    ]
