"""``feedback``: feedback of a kind was recorded in State Hub after a day.

Example::

    feedback:
      kind: calibration
      after: 2026-06-07        # recorded on a later UTC day

Passes when ``state_hub/feedback.jsonl`` holds a record of that kind recorded after ``after``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pydantic import Field

from auditor.evidence.checks.base import CheckArgs, CheckContext, day_after
from auditor.evidence.model import CheckResult

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "feedback"


class FeedbackArgs(CheckArgs):
    kind: str = Field(description="Feedback kind, e.g. calibration.")
    after: dt.date = Field(description="Only feedback recorded on a later (UTC) day counts.")


ARGS = FeedbackArgs


def sources(args: FeedbackArgs) -> tuple[SourceName, ...]:
    return ("state_hub.feedback",)


def judge(args: FeedbackArgs, ctx: CheckContext) -> CheckResult:
    evidence = ctx.refs("state_hub.feedback", "feedback", "kind = ? AND recorded_at >= ?", [args.kind, day_after(args.after)])
    return ctx.found(evidence, f"{args.kind} feedback recorded after {args.after}")
