"""``--format markdown``: the run as a Markdown summary, for a pull-request comment.

The same text is GitHub's job summary (``--format github``). Counts first, then a table of
findings, then a table of verdicts saying what each task still waits for. Every cell is
escaped: a message quoting ``|``, ``<script>`` or a newline from a workplan stays in its cell.
"""

from __future__ import annotations

import html
from typing import Any

from rich.console import Console

from auditor.report.model import CheckReport
from auditor.report.text_format import summary_line

MAX_FINDING_ROWS = 200
"""Rows of the findings table; the rest are counted. GitHub caps a job summary at 1 MiB."""
MAX_WAITS = 3
"""Items of "still waits for" per task; the rest are counted."""
ICONS = {"error": "❌ error", "warning": "⚠️ warning", "info": "ℹ️ info"}


def write(report: CheckReport, console: Console) -> None:
    console.file.write(summary(report))


def summary(report: CheckReport) -> str:
    lines = ["## Workplan audit", "", cell(summary_line(report)), ""]
    if report.findings:
        lines += ["| severity | code | location | message |", "| --- | --- | --- | --- |"]
        for finding in report.findings[:MAX_FINDING_ROWS]:
            where = f"{finding.path}:{finding.line}:{finding.column}"
            lines.append(f"| {ICONS[finding.severity.name]} | {finding.code} | {cell(where)} | {cell(finding.message)} |")
        if len(report.findings) > MAX_FINDING_ROWS:
            lines.append(f"\n… and {len(report.findings) - MAX_FINDING_ROWS} more findings (see the full report).")
        lines.append("")
    if report.verdicts:
        lines += ["| task | status | verdict | still waits for |", "| --- | --- | --- | --- |"]
        for verdict in report.verdicts:
            waits = waits_for(verdict.model_dump(mode="json"))
            shown = "; ".join(waits[:MAX_WAITS]) + (f"; and {len(waits) - MAX_WAITS} more" if len(waits) > MAX_WAITS else "")
            lines.append(f"| {cell(verdict.task_id)} | {cell(verdict.task_status or '?')} | **{verdict.verdict}** | {cell(shown or '—')} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def waits_for(verdict: dict[str, Any]) -> list[str]:
    """What the checks that did not pass are missing (or, when they do not say, their detail)."""
    found: list[str] = []
    for check in verdict["checks"]:
        found += _missing(check)
    return found


def _missing(check: dict[str, Any]) -> list[str]:
    if check["result"] == "pass":
        return []
    if "checks" in check:
        return [item for child in check["checks"] for item in _missing(child)]
    return list(check["missing"]) or [f"{check['kind']}: {check['detail']}"]


def cell(text: str) -> str:
    """``text`` as one table cell: HTML escaped, pipes escaped, on one line."""
    escaped = html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return " ".join(escaped.split())
