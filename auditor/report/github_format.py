"""``--format github``: GitHub Actions workflow commands, and the job summary.

One annotation per finding, on the file and line::

    ::warning file=workplans/X.md,line=42,col=1,endLine=42,title=WP041::task can close: ...

Severity ``error`` is an ``error`` annotation, ``warning`` a ``warning``, ``info`` a
``notice``. Values are escaped as the runner reads them (``%``, CR, LF; in properties also
``:`` and ``,``), so a message cannot end its line or start another command. Paths are as in
every report, relative to the working directory: run from the repository root.

When ``$GITHUB_STEP_SUMMARY`` names a file, the Markdown summary (``--format markdown``) is
appended to it: counts, findings, and the verdicts with what each task still waits for.
"""

from __future__ import annotations

import os

from rich.console import Console

from auditor.model import Severity
from auditor.report import markdown_format
from auditor.report.model import CheckReport

COMMANDS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}
SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"


def write(report: CheckReport, console: Console) -> None:
    for finding in report.findings:
        properties = {
            "file": finding.path,
            "line": finding.line,
            "col": finding.column,
            "endLine": finding.line,
            "title": finding.code,
        }
        shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
        console.file.write(f"::{COMMANDS[finding.severity]} {shown}::{escape_data(finding.message)}\n")
    summary_file = os.environ.get(SUMMARY_VARIABLE)
    if summary_file:
        try:
            with open(summary_file, "a", encoding="utf-8") as summary:
                summary.write(markdown_format.summary(report))
        except OSError as exc:
            console.file.write(f"::warning::{escape_data(f'cannot append the job summary to {summary_file}: {exc.strerror or exc}')}\n")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
