"""``--format json``: the report envelope (schema ``auditor.check/v1``, see docs/output.md)."""

from __future__ import annotations

import json

from rich.console import Console

from auditor.report.model import CheckReport


def write(report: CheckReport, console: Console) -> None:
    console.file.write(json.dumps(report.to_json_data(), indent=2, ensure_ascii=False) + "\n")
