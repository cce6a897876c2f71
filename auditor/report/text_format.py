"""``--format text``: findings grouped by file, then verdicts, then a summary line.

Each finding line reads ``path:line:col CODE severity message`` so editors and terminals can
jump to it. Colour comes from the console: on a TTY it is rich, piped it is plain.
"""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.markup import escape

from auditor.model import Finding, Severity
from auditor.report.model import CheckReport

SEVERITY_STYLES = {Severity.error: "bold red", Severity.warning: "yellow", Severity.info: "cyan"}
VERDICT_STYLES = {"ready": "bold green", "holds": "green", "not_ready": "yellow", "unknown": "magenta", "violated": "bold red"}


# A control character in a file name or a quoted value would split a line or drive the
# terminal: each is shown as its escape (\n, \t, \x1b).
_ESCAPES = {code: ascii(chr(code))[1:-1] for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}


def printable(text: str) -> str:
    """``text`` on one line, every control character escaped."""
    return text.translate(_ESCAPES)


def write(report: CheckReport, console: Console) -> None:
    for path, findings in groupby(report.findings, key=lambda finding: finding.path):
        console.print(f"[bold]{escape(printable(path))}[/]", highlight=False)
        for finding in findings:
            console.print("  " + finding_line(finding), highlight=False, soft_wrap=True)
    if report.verdicts:
        _write_verdicts(report, console)
    console.print(summary_line(report), highlight=False, soft_wrap=True)


def finding_line(finding: Finding) -> str:
    style = SEVERITY_STYLES[finding.severity]
    where = f"{printable(finding.path)}:{finding.line}:{finding.column}"
    return f"{escape(where)} [bold]{finding.code}[/] [{style}]{finding.severity.name}[/] {escape(printable(finding.message))}"


def _write_verdicts(report: CheckReport, console: Console) -> None:
    from auditor.evidence.render import verdict_lines

    console.print("[bold]Evidence[/]", highlight=False)
    for verdict in report.verdicts:
        style = VERDICT_STYLES.get(verdict.verdict, "")
        console.print(f"  {escape(printable(verdict.task_id))} ({printable(str(verdict.task_status))}): [{style}]{verdict.verdict}[/]", highlight=False)
        for line in verdict_lines(verdict.model_dump(mode="json")):
            console.print("    " + escape(printable(line)), highlight=False, soft_wrap=True)


def summary_line(report: CheckReport) -> str:
    counts = report.summary
    found = ", ".join(f"{number} {name}{'s' if number != 1 and name != 'info' else ''}" for name, number in counts.findings.items())
    line = f"{counts.workplans} workplans, {counts.tasks} tasks: {found}"
    if counts.verdicts:
        line += "; verdicts: " + ", ".join(f"{number} {name}" for name, number in sorted(counts.verdicts.items()))
    return line
