"""Plan the closing of ``ready`` tasks, follow what their closing releases, and carry it out.

:func:`plan_closing` decides (which tasks close, why, what each closing rests on, which tasks
still wait); :func:`apply_closing` turns that into line edits, file by file, and hands each
edited file to a ``write`` function: :mod:`auditor.commands.close` shows the edits as a diff
or writes them.

Closing a task, in its own file:

- its ``status:`` value becomes ``done`` (quoting and anything after the value kept);
- one dated note goes after the last line of its section:
  ``YYYY-MM-DD: Closed on evidence — <what proved it>``;
- the frontmatter ``updated`` value becomes that date (unless it is already later);
- the workplan status rolls up: every task done or cancelled → ``done``; a ``blocked``
  workplan with no task left in ``wait`` or ``blocked`` → ``active``.

A closed task's ``unblocks`` are then re-judged, in any workplan of the run: a released task in
``wait`` closes too when its own evidence is ready, or, with no evidence block, when nothing
else it ``depends_on`` is still open; otherwise the plan says what it still waits for.
A released task is written only after the closings it rests on were: one refused file
releases nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
import unicodedata
from dataclasses import dataclass, field

from auditor.act.edits import EditConflict, LineEdit, SourceText, apply_edits
from auditor.act.files import NotWritten
from auditor.config import CLOSED_TASK_STATUSES
from auditor.evidence.model import CheckResult, RunsResult, Verdict
from auditor.model import Task, TaskSummary, WorkplanSummary
from auditor.parse.values import as_date
from auditor.parse.workplan import parse_workplan

NOTE_PREFIX = "Closed on evidence — "


@dataclass(frozen=True)
class Closure:
    task_id: str
    reason: str
    path: str = ""
    """The display path of the task's workplan."""
    rests_on: tuple[str, ...] = ()
    """The closings this one follows from (its releaser, its closing dependencies)."""


@dataclass
class FilePlan:
    """The edits for one file, planned on exactly ``original``."""

    display: str
    original: bytes
    closures: list[Closure] = field(default_factory=list)
    edits: list[LineEdit] = field(default_factory=list)

    def edited(self) -> bytes:
        return apply_edits(self.original, self.edits)


@dataclass
class ClosingPlan:
    closures: list[Closure] = field(default_factory=list)
    """Every task to close, each after the closings it rests on."""
    waiting: dict[str, str] = field(default_factory=dict)
    """Released tasks that stay open, with what they still wait for."""


@dataclass
class ClosingResult:
    files: list[FilePlan] = field(default_factory=list)
    """Every edit written (or shown), in order; a file can be written once per round."""
    edited: dict[str, bytes] = field(default_factory=dict)
    """What each edited file holds in the end."""
    refused: dict[str, str] = field(default_factory=dict)
    """Files that could not be edited or written, with the reason."""
    waiting: dict[str, str] = field(default_factory=dict)
    """Tasks that stay open, with why."""


Write = Callable[[str, bytes, bytes], None]
"""``write(display, original, edited)``: put one file's edit in place, or raise."""


def plan_closing(workplans: list[WorkplanSummary], verdicts: list[Verdict]) -> ClosingPlan:
    """Decide every closing the verdicts call for."""
    tasks = {task.id: (workplan, task) for workplan in workplans for task in workplan.tasks if task.id}
    verdict_of = {verdict.task_id: verdict for verdict in verdicts}
    plan = ClosingPlan()
    closing: dict[str, Closure] = {}
    queue = [verdict.task_id for verdict in verdicts if verdict.verdict == "ready" and verdict.task_id in tasks]
    for task_id in queue:
        closing[task_id] = Closure(task_id, closing_reason(verdict_of[task_id]), tasks[task_id][0].path)
    while queue:
        released_by = queue.pop(0)
        for released in verdict_of[released_by].unblocks if released_by in verdict_of else []:
            if released in closing or released not in tasks:
                if released not in tasks:
                    plan.waiting[released] = f"released by {released_by}, but no such task is in this run"
                continue
            outcome = _release(released, released_by, tasks, verdict_of, closing)
            if outcome is None:
                continue
            closes, reason = outcome
            if closes:
                dependencies = [dependency for dependency in tasks[released][1].depends_on or [] if dependency in closing]
                rests_on = tuple(dict.fromkeys([released_by, *dependencies]))
                closing[released] = Closure(released, reason, tasks[released][0].path, rests_on)
                plan.waiting.pop(released, None)
                queue.append(released)
            else:
                plan.waiting[released] = reason
    plan.closures = list(closing.values())
    return plan


def apply_closing(plan: ClosingPlan, sources: Mapping[str, bytes], today: dt.date, write: Write) -> ClosingResult:
    """Edit and write the plan's closings in rounds, starting from ``sources`` (the bytes each
    workplan was read and judged from).

    A closing that rests on one in another file goes in a later round than it, so it is written
    only once that file was; closings in one file that rest on each other share one write.
    A closing whose file is refused stays open, and so does everything resting on it.
    """
    result = ClosingResult(waiting=dict(plan.waiting))
    by_id = {closure.task_id: closure for closure in plan.closures}
    round_of: dict[str, int] = {}
    for closure in plan.closures:  # each closure comes after what it rests on
        round_of[closure.task_id] = max(
            (round_of[other] + (by_id[other].path != closure.path) for other in closure.rests_on), default=0
        )
    current = dict(sources)
    not_closed: set[str] = set()
    for number in sorted(set(round_of.values())):
        batch: dict[str, list[Closure]] = {}
        for closure in plan.closures:
            if round_of[closure.task_id] != number:
                continue
            lost = [other for other in closure.rests_on if other in not_closed]
            if lost or closure.path in result.refused:
                not_closed.add(closure.task_id)
                result.waiting[closure.task_id] = (
                    f"{', '.join(lost)} was not closed" if lost else f"{closure.path} was refused"
                )
                continue
            batch.setdefault(closure.path, []).append(closure)
        for display, closures in sorted(batch.items()):
            try:
                file_plan = _plan_file(display, current[display], closures, today)
                edited = file_plan.edited()
                write(display, file_plan.original, edited)
            except (EditConflict, UnicodeDecodeError, NotWritten, OSError) as exc:
                result.refused[display] = str(exc)
                not_closed.update(closure.task_id for closure in closures)
                continue
            current[display] = result.edited[display] = edited
            result.files.append(file_plan)
    return result


def _release(
    task_id: str,
    released_by: str,
    tasks: dict[str, tuple[WorkplanSummary, TaskSummary]],
    verdict_of: dict[str, Verdict],
    closing: dict[str, Closure],
) -> tuple[bool, str] | None:
    """Whether ``task_id`` closes now that ``released_by`` does, and why (or what it still
    waits for); None when it is not waiting at all."""
    task = tasks[task_id][1]
    if task.status != "wait":
        return None
    verdict = verdict_of.get(task_id)
    if verdict is not None:
        if verdict.verdict == "ready":
            return True, closing_reason(verdict)
        missing = [item for check in verdict.checks for item in _missing(check)]
        return False, f"still waits for its own evidence ({verdict.verdict}): " + "; ".join(missing or ["see `auditor explain`"])
    open_dependencies = [
        dependency
        for dependency in task.depends_on or []
        if dependency not in closing and dependency in tasks and tasks[dependency][1].status not in CLOSED_TASK_STATUSES
    ]
    if open_dependencies:
        return False, "still waits for " + ", ".join(open_dependencies)
    return True, f"released by {released_by}"


def _missing(check: CheckResult) -> list[str]:
    nested = [item for inner in getattr(check, "checks", []) for item in _missing(inner)]
    return [*check.missing, *nested]


def closing_reason(verdict: Verdict) -> str:
    """One line of plain text: what proved the verdict, from the verdict data ``auditor explain``
    shows (the slots of the streak that passed, the records that proved the other checks)."""
    parts = [_check_summary(check) for check in verdict.checks if check.result == "pass"]
    return _capped("; ".join(part for part in parts if part) or "every evidence check passed", MAX_NOTE)


MAX_NOTE = 600
"""Characters of evidence one closing note holds."""
MAX_VALUE = 80
"""Characters of one value taken from evidence."""
LISTED_RECORDS = 3
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@/+-]*")
_NOT_PLAIN = re.compile(r"[`<>\\|*\[\]]+")


def _check_summary(check: CheckResult) -> str:
    if isinstance(check, RunsResult):
        days = check.streak.satisfied_by
        return f"{len(days)} consecutive clean scheduled runs ({', '.join(plain(day) for day in days)})"
    nested = getattr(check, "checks", None)
    if nested:
        return "; ".join(summary for inner in nested if inner.result == "pass" and (summary := _check_summary(inner)))
    distinct = list(dict.fromkeys((ref.reference, ref.date) for ref in check.evidence))
    listed = [f"{identifier(reference)} ({plain(date)})" if date else identifier(reference) for reference, date in distinct[:LISTED_RECORDS]]
    more = f" and {len(distinct) - LISTED_RECORDS} more" if len(distinct) > LISTED_RECORDS else ""
    return f"{check.kind} {', '.join(listed)}{more}".strip()


def plain(text: str, limit: int = MAX_VALUE) -> str:
    """``text`` as one line of plain text for a workplan: no control or format characters (line
    breaks included), no Markdown or HTML markup characters, nothing that starts a heading,
    whitespace collapsed, at most ``limit`` characters."""
    visible = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in text)
    visible = _NOT_PLAIN.sub(" ", visible)
    return _capped(" ".join(visible.split()).lstrip("#").strip(), limit)


def identifier(text: str) -> str:
    """An id from evidence: as it is when it has an id's shape, else quoted plain text."""
    if len(text) <= MAX_VALUE and _ID.fullmatch(text):
        return text
    return '"' + plain(text).replace('"', "'") + '"'


def _capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- edits ------------------------------------------------------------------------------------

# The whole value, then nothing but blanks or a comment: ``status: {value: wait}`` is not
# ``status: <value>`` and must not become ``status: done wait}``.
_VALUE = r"^(?P<head>\s*{key}\s*:[ \t]*)(?P<quote>[\"']?)(?P<value>[^\"'#\s{{}}\[\],&*!|>%@`]*)(?P=quote)(?P<tail>[ \t]+#.*|[ \t]*)$"


def _plan_file(display: str, original: bytes, closures: list[Closure], today: dt.date) -> FilePlan:
    workplan = parse_workplan(original, display)
    source = SourceText.from_bytes(original)
    file_plan = FilePlan(display, original, closures)
    closed_ids = {closure.task_id for closure in closures}
    tasks = {task.id: task for task in workplan.tasks if task.id}
    for closure in closures:
        task = tasks.get(closure.task_id)
        if task is None or task.section is None:
            raise EditConflict(f"{closure.task_id} is no longer a task section in {display}")
        file_plan.edits.append(_set_value(source, task.line_of("status"), "status", "done"))
        file_plan.edits.append(
            LineEdit(_last_text_line(source, task), f"{today.isoformat()}: {NOTE_PREFIX}{closure.reason}", insert_after=True)
        )
    updated = as_date(workplan.frontmatter.get("updated"))
    if updated is None or updated < today:  # never move 'updated' back in time
        file_plan.edits.append(_set_value(source, workplan.line_of("updated"), "updated", today.isoformat()))
    statuses = ["done" if task.id in closed_ids else task.status for task in workplan.tasks]
    rolled_up = _rolled_up_status(workplan.status, statuses)
    if rolled_up:
        file_plan.edits.append(_set_value(source, workplan.line_of("status"), "status", rolled_up))
    return file_plan


def _rolled_up_status(status: str | None, task_statuses: list[str | None]) -> str | None:
    if task_statuses and all(value in CLOSED_TASK_STATUSES for value in task_statuses):
        return "done" if status != "done" else None
    if status == "blocked" and not any(value in ("wait", "blocked") for value in task_statuses):
        return "active"
    return None


def _set_value(source: SourceText, line: int, key: str, value: str) -> LineEdit:
    """Replace the value of ``key:`` on ``line``, keeping its quoting and whatever follows it."""
    text = source.text_of(line)
    match = re.match(_VALUE.format(key=re.escape(key)), text)
    if not match:
        raise EditConflict(f"line {line} does not read '{key}: <value>'; not editing it")
    edited = f"{match['head']}{match['quote']}{value}{match['quote']}{match['tail']}"
    return LineEdit(line, edited, reason=f"{key} -> {value}")


def _last_text_line(source: SourceText, task: Task) -> int:
    """The section's last line that is not blank: the note goes right after it."""
    assert task.section is not None, "every parsed task is in a section"
    line = min(task.section.end_line, len(source.lines))
    while line > task.line and not source.text_of(line).strip():
        line -= 1
    return line
