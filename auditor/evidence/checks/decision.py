"""``decision``: a decision is recorded in State Hub, by id or by words in its title.

Example::

    decision:
      title_contains: duplicate handling
      status: accepted         # optional
      where: {environment: production}   # optional, any record-based check: fields by value

Passes when ``state_hub/decisions.jsonl`` holds a matching record (``title_contains`` ignores
case). PASS: ``{"id": "d1", "title": "Duplicate handling approved", "status": "accepted",
"environment": "production", ...}``. FAIL: the same record with ``"environment": "staging"``,
or without ``environment``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from auditor.evidence.checks.base import AfterDay, CheckContext, RecordArgs, day_after
from auditor.evidence.model import CheckResult

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "decision"


class DecisionArgs(RecordArgs):
    one_of = (("id", "title_contains"),)
    id: str | None = Field(default=None, description="The decision id.")
    title_contains: str | None = Field(default=None, description="Words the title contains (case ignored).")
    status: str | None = Field(default=None, description="Required status, e.g. accepted.")
    after: AfterDay | None = Field(default=None, description="Only a decision recorded on a later (UTC) day counts; streak_end: after the block's streak.")


ARGS = DecisionArgs


def sources(args: DecisionArgs) -> tuple[SourceName, ...]:
    return ("state_hub.decisions",)


def judge(args: DecisionArgs, ctx: CheckContext) -> CheckResult:
    params: list[Any]
    if args.id is not None:
        where, params, wanted = "id = ?", [args.id], f"decision {args.id}"
    else:
        where, params, wanted = "contains(lower(title), lower(?))", [args.title_contains], f"decision titled '…{args.title_contains}…'"
    if args.status is not None:
        where, wanted = f"{where} AND status = ?", f"{wanted} with status {args.status}"
        params.append(args.status)
    if args.after is not None:
        where, wanted = f"{where} AND recorded_at >= ?", f"{wanted} recorded after {args.after}"
        params.append(day_after(args.after))
    where, params, wanted = args.restrict(where, params, wanted)
    return ctx.found_records("state_hub.decisions", "decisions", where, params, wanted)
