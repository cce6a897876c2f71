"""Output formats, by name. Adding one is writing a module with ``write(report, console)``."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console

from auditor.report import json_format, text_format
from auditor.report.model import CheckReport

FORMATS: dict[str, Callable[[CheckReport, Console], None]] = {
    "text": text_format.write,
    "json": json_format.write,
}
