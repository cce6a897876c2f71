"""``feedback``: feedback of a kind was recorded in State Hub after a day.

Example::

    feedback:
      kind: calibration
      after: 2026-06-07        # recorded on a later UTC day

Passes when ``state_hub/feedback.jsonl`` holds a record of that kind recorded after ``after``
(and with the fields of ``where:``, when given).

``after: streak_end`` (here and on decision, progress, message and note checks) stands for the
last day of the streak that satisfied the block's ``consecutive_runs`` check
(:func:`auditor.evidence.judge.streak_end`). PASS: clean slots June 8-10 and calibration
feedback recorded 2026-06-11. FAIL: the feedback was recorded 2026-06-09, inside the streak.
UNKNOWN: the streak check fails or is unknown, or the block has no ``consecutive_runs`` check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from auditor.evidence.checks.base import AfterDay, CheckContext, RecordArgs, day_after
from auditor.evidence.model import CheckResult

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "feedback"


class FeedbackArgs(RecordArgs):
    kind: str = Field(description="Feedback kind, e.g. calibration.")
    after: AfterDay = Field(description="Only feedback recorded on a later (UTC) day counts; streak_end: after the block's streak.")


ARGS = FeedbackArgs


def sources(args: FeedbackArgs) -> tuple[SourceName, ...]:
    return ("state_hub.feedback",)


def judge(args: FeedbackArgs, ctx: CheckContext) -> CheckResult:
    where, params, wanted = args.restrict(
        "kind = ? AND recorded_at >= ?", [args.kind, day_after(args.after)], f"{args.kind} feedback recorded after {args.after}"
    )
    return ctx.found_records("state_hub.feedback", "feedback", where, params, wanted)
