"""``progress``: State Hub holds a progress record for a key, on a day or after one.

Example::

    progress:
      key: ops_inventory_probe
      after: 2026-06-16        # or  on: 2026-06-17

Passes when ``state_hub/progress.jsonl`` holds a record with that key, ``for_date`` equal to
``on`` (or later than ``after``), a status other than ``failed`` and the fields of ``where:``,
when given (``where: {workflow_id: daily_triage-2026-06-19T04:00:00Z}``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import Field

from auditor.evidence.checks.base import AfterDay, CheckContext, RecordArgs
from auditor.evidence.model import CheckResult

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "progress"


class ProgressArgs(RecordArgs):
    one_of = (("on", "after"),)
    key: str = Field(description="Progress key, e.g. daily_triage.")
    on: dt.date | None = Field(default=None, description="The record's for_date.")
    after: AfterDay | None = Field(default=None, description="The record's for_date is later than this; streak_end: after the block's streak.")


ARGS = ProgressArgs


def sources(args: ProgressArgs) -> tuple[SourceName, ...]:
    return ("state_hub.progress",)


def judge(args: ProgressArgs, ctx: CheckContext) -> CheckResult:
    day, comparison, words = (args.on, "=", "for") if args.on else (args.after, ">", "after")
    where, params, wanted = args.restrict(
        f"key = ? AND for_date {comparison} ? AND status <> 'failed'", [args.key, day], f"{args.key} progress {words} {day}"
    )
    return ctx.found_records("state_hub.progress", "progress", where, params, wanted)
