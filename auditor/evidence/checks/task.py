"""``task``: another task or workplan of the workspace has a status.

Example::

    task:
      id: ACTIVITY-WP-0010          # a workplan id or a task id (ACTIVITY-WP-0010-T01)
      status: [active, done]        # one status or a list

PASS: ``ACTIVITY-WP-0010`` has ``status: active``. FAIL: it has ``status: draft``. UNKNOWN: no
workplan or task read in this run has that id (check the whole workspace, not one file), it
is written twice, or it has no status: what its status is cannot be told.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints, WithJsonSchema, field_validator

from auditor.evidence.checks.base import CheckArgs, CheckContext
from auditor.evidence.model import CheckResult, EvidenceRef

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "task"
Status = Annotated[str, StringConstraints(min_length=1)]
ONE_OR_MORE = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}


class TaskArgs(CheckArgs):
    id: str = Field(min_length=1, description="A workplan or task id of the workspace.")
    status: Annotated[list[Status], WithJsonSchema(ONE_OR_MORE)] = Field(
        min_length=1, description="Its status, or a list of statuses of which it has one."
    )

    @field_validator("status", mode="before")
    @classmethod
    def _one_or_many(cls, status: object) -> object:
        return [status] if isinstance(status, str) else status


ARGS = TaskArgs


def sources(args: TaskArgs) -> tuple[SourceName, ...]:
    return ("workspace",)


def judge(args: TaskArgs, ctx: CheckContext) -> CheckResult:
    wanted = f"{args.id} with status {' or '.join(args.status)}"
    found = ctx.rows(
        "SELECT kind, status, path, line FROM workspace_tasks WHERE repo = ? AND id = ? ORDER BY path, line", [ctx.repo, args.id]
    )
    places = ", ".join(f"{path}:{line}" for _, _, path, line in found)
    if not found:
        return ctx.result("unknown", f"{args.id} is not in the workspace read", missing=[f"{wanted} (not in the workspace read)"])
    if len(found) > 1:
        return ctx.result("unknown", f"{args.id} is written {len(found)} times ({places})", missing=[f"{wanted} (ambiguous: {places})"])
    (kind, status, path, line), = found
    evidence = [EvidenceRef(source="workspace", reference=f"{kind} {args.id}: {status}", path=path, line=line)]
    if status is None:
        return ctx.result("unknown", f"{kind} {args.id} ({places}) has no status", evidence, missing=[f"{wanted} (it has none)"])
    if status in args.status:
        return ctx.result("pass", f"{kind} {args.id} is {status}", evidence)
    return ctx.result("fail", f"{kind} {args.id} is {status}", evidence, missing=[f"{wanted} (it is {status})"])
