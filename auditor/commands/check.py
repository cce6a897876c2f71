"""``auditor check``: read, lint, judge evidence, report, and return the exit code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from auditor.cache import Cache
from auditor.config import Config
from auditor.linter import lint_workspace
from auditor.evidence.model import Verdict
from auditor.model import Finding, Severity, Workplan, WorkplanSummary
from auditor.report import FORMATS
from auditor.report.model import CheckReport, RunInfo, build_report
from auditor.workspace import Target, load, paused_gc, resolve_targets, shown_path

FAIL_ON = {"error": Severity.error, "warning": Severity.warning, "info": Severity.info, "never": None}


@dataclass
class EvidenceOptions:
    evidence_dir: Path | None = None
    today: dt.date | None = None
    snapshot: Path | None = None
    from_snapshot: Path | None = None
    strict: bool = False


@dataclass
class Checked:
    """Everything one run read and decided, for the commands that act on it."""

    targets: list[Target]
    workplans: list[WorkplanSummary]
    findings: list[Finding]
    with_evidence: list[Workplan]
    """The workplans that hold evidence blocks, in full."""
    verdicts: list[Verdict] = field(default_factory=list)


def read(targets: list[str], config: Config, cache_dir: Path | None = None, status: Console | None = None) -> Checked:
    """Resolve targets, then read and lint every workplan (reusing what ``cache_dir`` holds
    for unchanged files; the rules that look across files always run)."""
    from auditor.progress import reading_progress

    resolved = resolve_targets(targets, config)
    files = [item for target in resolved for item in target.files]
    cache = Cache.open(cache_dir, config) if cache_dir is not None else None
    with paused_gc(), reading_progress(status, len(files)) as progress:
        loaded = load(files, config, cache, progress)
        findings = loaded.findings + lint_workspace(loaded.summaries, config)
    if cache is not None:
        cache.save()
    return Checked(resolved, loaded.summaries, findings, loaded.with_evidence)


def collect(
    targets: list[str], config: Config, evidence: EvidenceOptions, status: Console | None = None, cache_dir: Path | None = None
) -> Checked:
    """Read and lint every workplan, then judge the evidence blocks."""
    checked = read(targets, config, cache_dir, status)
    if checked.with_evidence or evidence.from_snapshot:
        _judge_evidence(checked, evidence, config, status)
    return checked


def evidence_dirs(targets: list[Target], workplans: list[WorkplanSummary], override: Path | None) -> dict[str, Path | None]:
    """Each repo's evidence directory: ``--evidence`` wins, then the target's own."""
    repo_of_path = {workplan.path: workplan.repo for workplan in workplans}
    dirs: dict[str, Path | None] = {}
    for target in targets:
        for item in target.files:
            repo = repo_of_path.get(item.display) or target.repo_name
            if repo and dirs.get(repo) is None:
                dirs[repo] = shown_path(override or target.evidence_dir)
    return dirs


def _judge_evidence(checked: Checked, options: EvidenceOptions, config: Config, status: Console | None) -> None:
    from auditor.evidence import audit
    from auditor.progress import evidence_progress

    with evidence_progress(status) as progress:
        result = audit(
            checked.with_evidence,
            evidence_dirs=evidence_dirs(checked.targets, checked.workplans, options.evidence_dir),
            today=options.today or dt.date.today(),
            snapshot=options.snapshot,
            from_snapshot=options.from_snapshot,
            strict=options.strict,
            progress=progress,
            config=config,
            workspace=checked.workplans,
        )
    checked.findings += result.findings
    checked.verdicts = result.verdicts


def run(
    targets: list[str],
    *,
    config: Config,
    output_format: str,
    fail_on: str,
    console: Console,
    status: Console | None = None,
    evidence: EvidenceOptions | None = None,
    cache_dir: Path | None = None,
) -> int:
    checked = collect(targets, config, evidence or EvidenceOptions(), status, cache_dir)
    report = build_report(checked.workplans, checked.findings, checked.verdicts)
    today = (evidence.today if evidence else None) or dt.date.today()
    report.run = RunInfo(targets=targets, today=today, fail_on=fail_on, generated_at=dt.datetime.now(dt.UTC))
    FORMATS[output_format](report, console)
    return exit_code(report, FAIL_ON[fail_on])


def exit_code(report: CheckReport, threshold: Severity | None) -> int:
    if threshold is None:
        return 0
    return 1 if any(finding.severity >= threshold for finding in report.findings) else 0
