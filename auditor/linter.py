"""Run the rules: per file (in worker processes) and across the workspace (once).

Rule hits become findings here, and only here: the configured severity is applied, disabled
rules are skipped, and inline ``<!-- auditor: disable ... -->`` directives are honoured.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import ModuleType

from auditor.config import Config
from auditor.model import Finding, Severity, Workplan, WorkplanSummary
from auditor.rules import rules_of_scope
from auditor.rules.base import Context, Hit, Workspace


def lint_workplan(workplan: Workplan, config: Config) -> list[Finding]:
    """Findings of the rules that look at one file at a time."""
    return list(run_rules(rules_of_scope("workplan"), workplan, config))


def lint_workspace(workplans: list[WorkplanSummary], config: Config) -> list[Finding]:
    """Findings of the rules that look across every workplan of the run."""
    workspace = Workspace(workplans=workplans)
    return list(run_rules(rules_of_scope("workspace"), workspace, config))


def run_rules(rules: Iterable[ModuleType], subject: object, config: Config) -> Iterator[Finding]:
    """The findings of ``rules`` about ``subject``, with the configured settings and directives."""
    ctx = Context(config=config)
    for rule in rules:
        settings = config.rule(rule.CODE)
        if not settings.enabled:
            continue
        for hit in rule.check(subject, ctx):
            if not is_suppressed(hit.workplan, rule.CODE, hit.line):
                yield to_finding(rule, hit, settings.severity)


def to_finding(rule: ModuleType, hit: Hit, configured_severity: Severity | None = None) -> Finding:
    workplan = hit.workplan
    return Finding(
        code=rule.CODE,
        severity=configured_severity or hit.severity or rule.SEVERITY,
        message=hit.message,
        path=workplan.path,
        line=hit.line,
        column=hit.column,
        workplan_id=workplan.id,
        task_id=hit.task_id,
    )


def is_suppressed(workplan: Workplan | WorkplanSummary, code: str, line: int) -> bool:
    return any(
        code in directive.codes and directive.applies_from <= line <= directive.applies_to
        for directive in workplan.directives
    )
