"""``note``: a working-memory note exists, by name glob or by name template.

Example::

    note:
      name: daily-triage-{date}     # a template: {date} stands for a YYYY-MM-DD day
      after: 2026-06-07             # optional

    note:
      name: rollback-*              # a glob over note names (file stems)

With a template, ``after`` compares the day in the name; with a glob, the note's own date
(frontmatter ``date`` or ``created``, else the first date in its name).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import Field

from auditor.evidence.checks.base import AfterDay, CheckArgs, CheckContext
from auditor.evidence.model import CheckResult

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "note"
DATE_PLACEHOLDER = "{date}"


class NoteArgs(CheckArgs):
    name: str = Field(min_length=1, description="Note name glob (daily-triage-*) or template (daily-triage-{date}).")
    after: AfterDay | None = Field(default=None, description="Only notes dated later than this count; streak_end: after the block's streak.")


ARGS = NoteArgs


def sources(args: NoteArgs) -> tuple[SourceName, ...]:
    return ("notes",)


def template_pattern(template: str) -> str:
    """A regular expression matching names made from ``template``; group 1 is the day."""
    literal_parts = (re.escape(part) for part in template.split(DATE_PLACEHOLDER))
    return "^" + r"(\d{4}-\d{2}-\d{2})".join(literal_parts) + "$"


def judge(args: NoteArgs, ctx: CheckContext) -> CheckResult:
    params: list[object]
    if DATE_PLACEHOLDER in args.name:
        where, params = "regexp_matches(name, ?)", [template_pattern(args.name)]
        day = "try_cast(regexp_extract(name, ?, 1) AS DATE)"
        day_params = params
    else:
        where, params, day, day_params = "name GLOB ?", [args.name], "note_date", []
    wanted = f"note {args.name}"
    if args.after is not None:
        where = f"{where} AND {day} > ?"
        params = [*params, *day_params, args.after]
        wanted = f"{wanted} dated after {args.after}"
    return ctx.found(ctx.refs("notes", "notes", where, params, reference="name"), wanted)
