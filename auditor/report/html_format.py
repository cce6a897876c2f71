"""``--format html``: the report as one self-contained page (docs/output.md, "HTML").

A summary; per workplan its tasks with status, priority, verdict and what each still waits
for, and under each task its checks, every ``consecutive_runs`` check drawn as a calendar of
its slots with the streak that satisfies it (or comes closest) outlined and each slot's
provenance on focus, as ``auditor explain`` prints it; then the findings grouped by file.

The page is a pure function of the report (:func:`render`); the markup contract
(``data-task-id``, ``data-verdict``, ``data-date``, ``data-state``, ``data-code``,
``data-path``, ``data-line``) is an API, documented in docs/output.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from typing import Any, cast

from rich.console import Console

from auditor.evidence.render import reference, slot_provenance
from auditor.model import Severity, TaskSummary, WorkplanSummary
from auditor.report.model import CheckReport
from common.html_page import Cell, Page, State, esc

RULES_DOC = "docs/rules.md"
"""Where rule codes link to: the rule's section of the rules page, relative to the repo root."""
SLOT_STATES = (
    State("clean", "clean"),
    State("unclean", "unclean: a run or a required source is not sound"),
    State("missed", "missed: no scheduled run"),
    State("manual", "manual only: the slot's only runs were manual"),
    State("outside", "outside the window: no slot expected"),
)
STREAK = "outlined: the streak that satisfies the check, or comes closest"
VERDICT_SIGNS = {"ready": ("ok", "\u2713"), "holds": ("ok", "\u2713"), "not_ready": ("warn", "\u2026"),
                 "unknown": ("warn", "?"), "violated": ("bad", "\u2717")}
RESULT_SIGNS = {"pass": ("ok", "\u2713"), "fail": ("bad", "\u2717"), "unknown": ("warn", "?")}
SEVERITY_TONES = {Severity.error: "bad", Severity.warning: "warn", Severity.info: ""}
NO_VERDICT = "none"
"""``data-verdict`` of a task that has no evidence verdict."""


def write(report: CheckReport, console: Console) -> None:
    console.file.write(render(report))


def render(report: CheckReport) -> str:
    page = Page("Workplan audit", SLOT_STATES, outline_label=STREAK)
    verdicts = {(verdict.path, verdict.task_id): verdict.model_dump(mode="json") for verdict in report.verdicts}
    status_of = {task.id: task.status for workplan in report.workplans for task in workplan.tasks if task.id}
    workplans = "".join(_workplan(workplan, verdicts, status_of, page) for workplan in report.workplans)
    listed = {(workplan.path, task.id) for workplan in report.workplans for task in workplan.tasks}
    unlisted = "".join(  # never drop a verdict, even one whose task the summaries lack
        _task(path, TaskSummary(id=task_id, status=verdict["task_status"], priority=None, line=verdict["line"], id_line=0, depends_on_line=0),
              verdict, status_of, page)
        for (path, task_id), verdict in verdicts.items() if (path, task_id) not in listed
    )
    body = (
        "<h1>Workplan audit</h1>"
        + _summary(report)
        + "<h2>Workplans</h2>"
        + (workplans or "<p>No workplans were read.</p>")
        + (f"<h2>Verdicts of tasks not listed above</h2>{unlisted}" if unlisted else "")
        + "<h2>Findings</h2>"
        + _findings(report)
    )
    return page.render(body)


def _summary(report: CheckReport) -> str:
    counts = report.summary
    found = ", ".join(f"{number} {name}" for name, number in counts.findings.items())
    verdicts = ", ".join(f"{number} {name}" for name, number in sorted(counts.verdicts.items())) or "none"
    rows = [("workplans", str(counts.workplans)), ("tasks", str(counts.tasks)), ("findings", found), ("verdicts", verdicts)]
    run = report.run
    if run is None:
        rows.append(("ran", "not recorded"))
    else:
        threshold = report.fail_on
        failing = threshold is not None and any(finding.severity >= threshold for finding in report.findings)
        outcome = "fails (exit 1)" if failing else "passes (exit 0)"
        rows += [
            ("fail-on", f"{threshold.name if threshold is not None else 'never'}: {outcome}"),
            ("ran at", run.generated_at.astimezone(dt.UTC).isoformat(timespec="seconds")),
            ("judged for", run.today.isoformat()),
            ("targets", ", ".join(run.targets) or "(the configured repos)"),
        ]
    cells = "".join(f"<tr><th scope=\"row\">{esc(name)}</th><td>{esc(value)}</td></tr>" for name, value in rows)
    return f'<table class="summary" aria-label="Summary">{cells}</table>'


def _workplan(workplan: WorkplanSummary, verdicts: dict[tuple[str, str], dict[str, Any]], status_of: dict[str, str | None], page: Page) -> str:
    tasks = "".join(_task(workplan.path, task, verdicts.get((workplan.path, task.id or "")), status_of, page) for task in workplan.tasks)
    return (
        f'<section class="workplan" data-workplan-id="{esc(workplan.id or "")}" data-path="{esc(workplan.path)}">'
        f"<h3><code>{esc(workplan.id or '(no id)')}</code> <span class=\"muted\">{esc(workplan.status or 'no status')}</span></h3>"
        f'<p class="muted mono">{esc(workplan.path)}</p>{tasks or "<p>No tasks.</p>"}</section>'
    )


def _task(path: str, task: TaskSummary, verdict: dict[str, Any] | None, status_of: dict[str, str | None], page: Page) -> str:
    name = verdict["verdict"] if verdict else NO_VERDICT
    tone, sign = VERDICT_SIGNS.get(name, ("", "\u2013"))
    waits = [f"{item} (status {status_of.get(item) or 'unknown'})" for item in task.depends_on or [] if status_of.get(item) != "done"]
    checks = ""
    if verdict:
        waits += [item for check in verdict["checks"] for item in _missing(check)]
        checks = "".join(_check(check, page) for check in verdict["checks"])
        if verdict["unblocks"]:
            checks += f'<p>Closing it unblocks {esc(", ".join(verdict["unblocks"]))}.</p>'
    waiting = "".join(f"<li>{esc(item)}</li>" for item in waits)
    return (
        f'<article class="task" data-task-id="{esc(task.id or "")}" data-verdict="{esc(name)}">'
        f"<header><code>{esc(task.id or '(no id)')}</code>"
        f"<span>status <strong>{esc(task.status or 'none')}</strong></span>"
        f"<span>priority <strong>{esc(task.priority or 'none')}</strong></span>"
        f'<span class="badge" data-tone="{tone}">{sign} {esc(name.replace("_", " ") if verdict else "no verdict")}</span>'
        f'<span class="muted mono">{esc(path)}:{task.line}</span></header>'
        + (f"<p>Waits for:</p><ul>{waiting}</ul>" if waiting else "")
        + checks
        + "</article>"
    )


def _missing(check: dict[str, Any]) -> list[str]:
    """What a check that does not pass lacks; a passing ``any`` lacks nothing, whatever its others say."""
    if check["result"] == "pass":
        return []
    if "checks" in check:
        return [item for child in check["checks"] for item in _missing(child)]
    return cast(list[str], check["missing"])


def _check(check: dict[str, Any], page: Page) -> str:
    tone, sign = RESULT_SIGNS.get(check["result"], ("", "?"))
    head = (
        f'<p><span class="badge" data-tone="{tone}">{sign} {esc(check["result"])}</span> '
        f'<strong>{esc(check["kind"])}</strong> <span class="muted">(line {esc(check["line"])})</span>: {esc(check["detail"])}</p>'
    )
    inner = ""
    if "checks" in check:
        inner = "".join(_check(child, page) for child in check["checks"])
    elif check["evidence"]:
        refs = "".join(f"<li>{esc(reference(ref))}</li>" for ref in check["evidence"])
        inner = f'<details><summary>evidence ({len(check["evidence"])})</summary><ul class="mono">{refs}</ul></details>'
    if "slots" in check:
        inner += _calendar(check, page)
    return f'<div class="check" data-kind="{esc(check["kind"])}" data-result="{esc(check["result"])}">{head}{inner}</div>'


def _calendar(check: dict[str, Any], page: Page) -> str:
    slots, streak = check["slots"], check["streak"]
    first, last = _streak_window(slots, streak["needed"])
    cells = [
        Cell(
            day=dt.date.fromisoformat(slot["date"]),
            state=slot["state"],
            detail=[f"slot start {slot['start']}", "sources: " + _sources(slot), *slot_provenance(slot)],
            outlined=first <= index < last,
        )
        for index, slot in enumerate(slots)
    ]
    caption = (
        f"{check['kind']} (line {check['line']}): {len(slots)} expected slots; "
        f"streak longest {streak['longest']}, current {streak['current']}, needed {streak['needed']}"
    )
    return page.calendar(caption, cells, empty="no expected slot yet")


def _sources(slot: dict[str, Any]) -> str:
    return ", ".join(f"{source} {state}" for source, state in slot["sources"].items()) or "none required"


@dataclass(eq=False)
class _SlotState:
    """What the judge's window search reads of a slot; compared by identity, to find it again."""

    state: str


def _streak_window(slots: list[dict[str, Any]], needed: int) -> tuple[int, int]:
    """The slots the judge reports on (the latest ``needed`` in a row with the most clean), found
    by the judge's own search, so the outline is the streak its verdict names."""
    from auditor.evidence.checks.consecutive_runs import _closest_window

    states = [_SlotState(slot["state"]) for slot in slots]
    window = cast("list[_SlotState]", _closest_window(states, needed))  # type: ignore[arg-type]  # it reads only .state
    if not window:
        return 0, 0
    start = states.index(window[0])
    return start, start + len(window)


def _findings(report: CheckReport) -> str:
    if not report.findings:
        return "<p>No findings.</p>"
    parts = []
    for path, findings in groupby(report.findings, key=lambda finding: finding.path):
        items = "".join(
            f'<li data-code="{esc(finding.code)}" data-path="{esc(finding.path)}" data-line="{finding.line}"'
            f' data-severity="{finding.severity.name}"><code>{esc(finding.path)}:{finding.line}:{finding.column}</code> '
            f'<a href="{RULES_DOC}#{esc(finding.code.lower())}">{esc(finding.code)}</a> '
            f'<span class="badge" data-tone="{SEVERITY_TONES[finding.severity]}">{finding.severity.name}</span> {esc(finding.message)}</li>'
            for finding in findings
        )
        parts.append(f'<section><h3><code>{esc(path)}</code></h3><ul class="findings">{items}</ul></section>')
    return "".join(parts)
