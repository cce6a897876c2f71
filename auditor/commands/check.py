"""``auditor check``: read, lint, judge evidence, report, and return the exit code."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from auditor.cache import Cache
from common.files import replace_file
from common.redact import redact
from auditor.config import Config, ConfigError
from auditor.linter import lint_workspace
from auditor.evidence.model import Verdict
from auditor.model import Finding, Severity, Workplan, WorkplanSummary
from auditor.report import FORMATS
from auditor.report.model import CheckReport, RunInfo, build_report
from auditor.workspace import Target, load, paused_gc, resolve_targets, shown_path

FAIL_ON = {"error": Severity.error, "warning": Severity.warning, "info": Severity.info, "never": None}


@dataclass(frozen=True)
class Destination:
    """Where one format goes: a file, or stdout (``path`` None)."""

    format: str
    path: Path | None = None


def destinations(specs: list[str], output: Path | None) -> list[Destination]:
    """``--format`` values (``NAME`` or ``NAME=FILE``) and ``--output`` as destinations.

    A format without a file goes to ``--output``, else stdout; ``FILE`` ``-`` is stdout. At
    most one format may go to each place. Anything else is a :class:`ConfigError` (exit 2).
    """
    chosen: list[Destination] = []
    for spec in specs or ["text"]:
        name, has_file, file = spec.partition("=")
        if name not in FORMATS:
            raise ConfigError(f"--format {spec}: unknown format '{name}' (known: {', '.join(FORMATS)})")
        if has_file and not file:
            raise ConfigError(f"--format {spec}: no file after '=' (use {name}=FILE, or {name} for stdout)")
        path = None if not has_file or file == "-" else Path(file)
        chosen.append(Destination(name, path if has_file else output))
    places: dict[Path | None, str] = {}
    for destination in chosen:
        place = destination.path.resolve() if destination.path else None
        if place in places:
            shown = destination.path or "stdout"
            raise ConfigError(f"--format: {places[place]} and {destination.format} would both write {shown}; give each its own FILE")
        places[place] = destination.format
    if output is not None and all(Path(output).resolve() != place for place in places):
        raise ConfigError(f"--output {output}: every --format names its own file; drop --output or a '=FILE'")
    return chosen


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
    sources: dict[str, bytes] = field(default_factory=dict)
    """The bytes each workplan was read from, when kept (``close`` edits exactly those)."""


def read(targets: list[str], config: Config, cache_dir: Path | None = None, status: Console | None = None) -> Checked:
    """Resolve targets, then read and lint every workplan."""
    return _read_resolved(resolve_targets(targets, config), config, keep_sources=False, cache_dir=cache_dir, status=status)


def _read_resolved(
    resolved: list[Target], config: Config, *, keep_sources: bool, cache_dir: Path | None = None, status: Console | None = None
) -> Checked:
    """Read and lint every workplan, reusing what ``cache_dir`` holds for unchanged files (the
    rules that look across files always run); a bar on ``status`` when there are many files."""
    from auditor.progress import reading_progress

    files = [item for target in resolved for item in target.files]
    cache = Cache.open(cache_dir, config) if cache_dir is not None else None
    with paused_gc(), reading_progress(status, len(files)) as progress:
        loaded = load(files, config, cache, progress, keep_sources=keep_sources)
        findings = loaded.findings + lint_workspace(loaded.summaries, config)
    if cache is not None:
        cache.save()
    return Checked(resolved, loaded.summaries, findings, loaded.with_evidence, sources=loaded.sources)


def collect(
    resolved: list[Target],
    config: Config,
    evidence: EvidenceOptions,
    status: Console | None = None,
    *,
    keep_sources: bool = False,
    cache_dir: Path | None = None,
) -> Checked:
    """Read and lint every workplan of resolved targets, then judge the evidence blocks."""
    checked = _read_resolved(resolved, config, keep_sources=keep_sources, cache_dir=cache_dir, status=status)
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
    outputs: list[Destination],
    fail_on: str,
    console: Console,
    status: Console | None = None,
    evidence: EvidenceOptions | None = None,
    cache_dir: Path | None = None,
) -> int:
    """Check, write every output, and return the exit code; an output that cannot be written
    is a :class:`ConfigError` naming it, after the others were written."""
    checked = collect(resolve_targets(targets, config), config, evidence or EvidenceOptions(), status, cache_dir=cache_dir)
    report = build_report(checked.workplans, checked.findings, checked.verdicts, FAIL_ON[fail_on])
    today = (evidence.today if evidence else None) or dt.date.today()
    report.run = RunInfo(targets=targets, today=today, generated_at=dt.datetime.now(dt.UTC))
    inputs = {Path(workplan.path).resolve() for workplan in checked.workplans}
    for destination in outputs:
        if destination.path is not None and destination.path.resolve() in inputs:
            raise ConfigError(f"--format {destination.format}={destination.path}: that is a workplan being checked; not overwritten")
    failures = [problem for destination in outputs if (problem := write_output(report, destination, console))]
    if failures:
        raise ConfigError("; ".join(failures))
    return exit_code(report, FAIL_ON[fail_on])


def write_output(report: CheckReport, destination: Destination, stdout: Console) -> str | None:
    """Render one format to stdout, or to its file (plain text, directories created, the file
    replaced whole once complete); the problem in one line when the file cannot be written."""
    if destination.path is None:
        FORMATS[destination.format](report, stdout)
        return None
    buffer = io.StringIO()
    FORMATS[destination.format](report, Console(file=buffer, soft_wrap=True, emoji=False, no_color=True, force_terminal=False, width=10_000))
    data = redact(buffer.getvalue()).encode("utf-8")  # a file bypasses the redacting stdout
    try:
        if destination.path.exists() and not destination.path.is_file():  # a FIFO or a device: no file to replace
            with destination.path.open("wb") as stream:
                stream.write(data)
        else:
            destination.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(destination.path, data)  # a reader never sees half a report
    except OSError as exc:
        return f"cannot write {destination.path}: {exc.strerror or exc}"
    return None


def exit_code(report: CheckReport, threshold: Severity | None) -> int:
    if threshold is None:
        return 0
    return 1 if any(finding.severity >= threshold for finding in report.findings) else 0
