"""The check report as data: what every output format renders.

The JSON format is this model dumped as it is; its ``schema`` names the version. Adding a
key is a compatible change; removing or renaming one needs a new schema version.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny

from auditor.evidence.model import Verdict
from auditor.model import Finding, Severity, WorkplanSummary

SCHEMA = "auditor.check/v1"


class Counts(BaseModel):
    workplans: int
    tasks: int
    findings: dict[str, int]
    verdicts: dict[str, int] = Field(default_factory=dict)


class RunInfo(BaseModel):
    """When and on what a check ran: what the HTML summary shows."""

    targets: list[str]
    today: dt.date
    generated_at: dt.datetime


class CheckReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    schema_: str = Field(default=SCHEMA, alias="schema")
    workplans: list[WorkplanSummary]
    findings: list[Finding]
    verdicts: list[SerializeAsAny[Verdict]] = Field(default_factory=list)
    """Evidence verdicts (see docs/evidence.md)."""
    summary: Counts
    run: RunInfo | None = Field(default=None, exclude=True)
    """Not part of the JSON schema (``auditor.check/v1`` is unchanged)."""
    fail_on: Severity | None = Field(default=Severity.error, exclude=True)
    """The lowest severity that fails the run (``--fail-on``; None for ``never``); formats
    that mark findings as failures read it."""

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, by_alias=True)


def build_report(
    workplans: list[WorkplanSummary], findings: list[Finding], verdicts: list[Verdict], fail_on: Severity | None = Severity.error
) -> CheckReport:
    ordered = sorted(findings, key=Finding.sort_key)
    severities = {severity.name: 0 for severity in sorted(Severity, reverse=True)}
    for finding in ordered:
        severities[finding.severity.name] += 1
    verdict_counts: dict[str, int] = {}
    for verdict in verdicts:
        verdict_counts[verdict.verdict] = verdict_counts.get(verdict.verdict, 0) + 1
    return CheckReport(
        workplans=workplans,
        findings=ordered,
        verdicts=verdicts,
        summary=Counts(
            workplans=len(workplans),
            tasks=sum(len(workplan.tasks) for workplan in workplans),
            findings=severities,
            verdicts=verdict_counts,
        ),
        fail_on=fail_on,
    )
