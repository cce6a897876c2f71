"""Output formats, by name. Adding one is writing a module with ``write(report, console)``
and naming it here, one line per format."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console

from auditor.report import github_format
from auditor.report import gitlab_format
from auditor.report import html_format
from auditor.report import json_format
from auditor.report import junit_format
from auditor.report import markdown_format
from auditor.report import sarif_format
from auditor.report import text_format
from auditor.report.model import CheckReport

FORMATS: dict[str, Callable[[CheckReport, Console], None]] = {
    "text": text_format.write,
    "json": json_format.write,
    "github": github_format.write,
    "sarif": sarif_format.write,
    "junit": junit_format.write,
    "gitlab": gitlab_format.write,
    "markdown": markdown_format.write,
    "html": html_format.write,
}
