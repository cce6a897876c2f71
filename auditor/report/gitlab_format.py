"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues: ``description``, ``check_name`` (the rule code), ``fingerprint``
(stable across runs, see :mod:`auditor.report.fingerprints`), ``severity`` and
``location`` (``path`` relative to the working directory, ``lines.begin``). Severity
``error`` is ``major``, ``warning`` ``minor``, ``info`` ``info``.
"""

from __future__ import annotations

import json

from rich.console import Console

from auditor.model import Severity
from auditor.report.fingerprints import fingerprints
from auditor.report.model import CheckReport

SEVERITIES = {Severity.error: "major", Severity.warning: "minor", Severity.info: "info"}


def write(report: CheckReport, console: Console) -> None:
    issues = [
        {
            "type": "issue",
            "description": f"{finding.code}: {finding.message}",
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": finding.path, "lines": {"begin": finding.line}},
        }
        for finding, fingerprint in zip(report.findings, fingerprints(report.findings))
    ]
    console.file.write(json.dumps(issues, indent=2, ensure_ascii=False) + "\n")
