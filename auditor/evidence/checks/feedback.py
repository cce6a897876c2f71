"""``feedback``: feedback of a kind was recorded in State Hub after a day.

Example::

    feedback:
      kind: calibration
      after: 2026-06-07        # recorded on a later UTC day

Passes when ``state_hub/feedback.jsonl`` holds a record of that kind recorded after ``after``
(and with the fields of ``where:``, when given).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import Field

from auditor.evidence.checks.base import CheckContext, RecordArgs, day_after
from auditor.evidence.model import CheckResult

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "feedback"


class FeedbackArgs(RecordArgs):
    kind: str = Field(description="Feedback kind, e.g. calibration.")
    after: dt.date = Field(description="Only feedback recorded on a later (UTC) day counts.")


ARGS = FeedbackArgs


def sources(args: FeedbackArgs) -> tuple[SourceName, ...]:
    return ("state_hub.feedback",)


def judge(args: FeedbackArgs, ctx: CheckContext) -> CheckResult:
    where, params, wanted = args.restrict(
        "kind = ? AND recorded_at >= ?", [args.kind, day_after(args.after)], f"{args.kind} feedback recorded after {args.after}"
    )
    return ctx.found_records("state_hub.feedback", "feedback", where, params, wanted)
