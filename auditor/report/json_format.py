"""``--format json``: the report envelope (schema ``auditor.check/v1``, see docs/output.md)."""

from __future__ import annotations

from rich.console import Console

from auditor.report.model import CheckReport


def write(report: CheckReport, console: Console) -> None:
    console.file.write(report.to_json() + "\n")
