"""Output formats, by name. Adding one is writing a module with ``write(report, console)``."""

from __future__ import annotations

from typing import Callable

from rich.console import Console

from auditor.report import html_format, json_format, text_format
from auditor.report.model import CheckReport

FORMATS: dict[str, Callable[[CheckReport, Console], None]] = {
    "text": text_format.write,
    "json": json_format.write,
    "html": html_format.write,
}
