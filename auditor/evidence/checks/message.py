"""``message``: a State Hub message is recorded, by id.

Example::

    message:
      id: 6a098e1e-65de-4309-ab4a-446aba2f3587
      after: 2026-06-17                 # optional: recorded on a later UTC day
      contains: fixture smoke passed    # optional: in its subject or body, case ignored

PASS: ``state_hub/messages.jsonl`` holds ``{"id": "6a098e1e-...", "subject": "llm-connect:
fixture smoke passed", "recorded_at": "2026-06-18T09:41:00Z"}``. FAIL: no record with that id,
one recorded on 2026-06-17 or before, or one whose subject and body lack the words. UNKNOWN:
the id is recorded twice (which one is the message cannot be told).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from auditor.evidence.checks.base import AfterDay, CheckContext, RecordArgs, day_after
from auditor.evidence.model import CheckResult

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "message"


class MessageArgs(RecordArgs):
    id: str = Field(min_length=1, description="The message id.")
    after: AfterDay | None = Field(default=None, description="Only a message recorded on a later (UTC) day counts; streak_end: after the block's streak.")
    contains: str | None = Field(default=None, min_length=1, description="Words its subject or body contains (case ignored).")


ARGS = MessageArgs


def sources(args: MessageArgs) -> tuple[SourceName, ...]:
    return ("state_hub.messages",)


def judge(args: MessageArgs, ctx: CheckContext) -> CheckResult:
    params: list[Any] = [args.id]
    where, wanted = "id = ?", f"message {args.id}"
    if args.after is not None:
        where, wanted = f"{where} AND recorded_at >= ?", f"{wanted} recorded after {args.after}"
        params.append(day_after(args.after))
    if args.contains is not None:
        where, wanted = f"{where} AND contains(lower(concat_ws(' ', subject, body)), lower(?))", f"{wanted} saying '{args.contains}'"
        params.append(args.contains)
    where, params, wanted = args.restrict(where, params, wanted)
    return ctx.found_records("state_hub.messages", "messages", where, params, wanted)
