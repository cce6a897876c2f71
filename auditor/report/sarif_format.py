"""``--format sarif``: SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps).

One run whose ``tool.driver`` carries the version and every rule (id, name, short and full
description, default level, ``helpUri`` to its section of docs/rules.md); one result per
finding with its physical location (the path relative to ``%SRCROOT%``, the working
directory) and a ``partialFingerprints`` entry that survives lines moving. The evidence
verdicts ride along in the run's ``properties.verdicts``: task, status, verdict and what the
task still waits for.
"""

from __future__ import annotations

import inspect
import json
from typing import Any
from urllib.parse import quote

from rich.console import Console

from common import version
from auditor.model import Severity
from auditor.report.fingerprints import fingerprints
from auditor.report.markdown_format import waits_for
from auditor.report.model import CheckReport
from auditor.rules import RULES

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
RULES_DOC = "docs/rules.md"
"""Where each rule is described; ``helpUri`` is this with the rule's anchor."""
FINGERPRINT = "workplanFinding/v1"
LEVELS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


def write(report: CheckReport, console: Console) -> None:
    console.file.write(json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n")


def sarif_log(report: CheckReport) -> dict[str, Any]:
    codes = sorted(RULES)
    index = {code: number for number, code in enumerate(codes)}
    results = [
        {
            "ruleId": finding.code,
            **({"ruleIndex": index[finding.code]} if finding.code in index else {}),
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(finding.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }
            }],
            "partialFingerprints": {FINGERPRINT: fingerprint},
            "properties": {"workplanId": finding.workplan_id, "taskId": finding.task_id},
        }
        for finding, fingerprint in zip(report.findings, fingerprints(report.findings), strict=False)
    ]
    verdicts = [
        {
            "taskId": verdict.task_id,
            "taskStatus": verdict.task_status,
            "verdict": verdict.verdict,
            "waitsFor": waits_for(verdict.model_dump(mode="json")),
            "path": verdict.path,
            "line": verdict.line,
        }
        for verdict in report.verdicts
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "workplan-auditor",
                "version": version(),
                "rules": [_rule(code) for code in codes],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"summary": report.summary.model_dump(mode="json"), "verdicts": verdicts},
        }],
    }


def _rule(code: str) -> dict[str, Any]:
    rule = RULES[code]
    doc = inspect.cleandoc(rule.__doc__ or "")
    title, _, body = doc.partition("\n")
    return {
        "id": code,
        "name": "".join(part.capitalize() for part in rule.__name__.rsplit(".", 1)[-1].split("_")[1:]),
        "shortDescription": {"text": rule.SUMMARY},
        "fullDescription": {"text": title.split("—", 1)[-1].strip()},
        "help": {"text": body.strip() or rule.SUMMARY},
        "helpUri": f"{RULES_DOC}#{code.lower()}",
        "defaultConfiguration": {"level": LEVELS[rule.SEVERITY]},
    }


def artifact_uri(path: str) -> str:
    """A report path as a relative URI reference: ``/`` separators, the rest percent-encoded."""
    return quote(path.replace("\\", "/"), safe="/")
