"""From targets to parsed, linted workplans.

A target is a repo name from auditor.toml, a directory, or a file. With no auditor.toml, a bare
name is looked up as a bundled example workspace (``workplans/<name>/``). Reading and the
per-file rules run on every core when there are enough files to pay for the processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import stat
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from auditor.cache import Cache, Uncacheable, checkout_view, entry_key, finding_of, finding_row, findings_of, summary_of, to_entry
from auditor.config import Config, ConfigError
from auditor.linter import lint_workplan, run_rules
from auditor.model import Finding, Workplan, WorkplanSummary
from auditor.parse.workplan import parse_workplan, read_workplan
from auditor.progress import ProgressCallback
from auditor.rules import rules_of_scope

BUNDLED_WORKSPACES = Path(__file__).resolve().parent.parent / "workplans"
PARALLEL_THRESHOLD = 200
"""Below this many files, starting worker processes costs more than it saves."""


@dataclass(frozen=True)
class WorkplanFile:
    path: Path
    display: str
    repo_name: str | None = None
    repo_root: Path | None = None


@dataclass(frozen=True)
class Target:
    """What one command-line target stands for."""

    name: str
    files: list[WorkplanFile]
    repo_name: str | None = None
    evidence_dir: Path | None = None


def resolve_targets(targets: list[str], config: Config) -> list[Target]:
    """Expand targets; an unknown target is a :class:`ConfigError` (exit 2)."""
    if not targets:
        if not config.repos:
            raise ConfigError("no target given and no [repos.NAME] in auditor.toml; name a repo, directory or file")
        targets = list(config.repos)
    return [_resolve(target, config) for target in targets]


def _resolve(target: str, config: Config) -> Target:
    if target in config.repos:
        repo = config.repos[target]
        if not repo.workplan_dir.is_dir():
            raise ConfigError(f"repo '{target}': workplan directory {repo.workplan_dir} does not exist")
        return Target(target, _files_in(repo.workplan_dir, target, repo.path), target, repo.evidence)
    path = Path(target)
    if path.is_file():
        return Target(target, [WorkplanFile(path, _display(path), None, _checkout_root(path.parent))])
    if path.is_dir():
        if (path / "workplans").is_dir():
            return Target(target, _files_in(path / "workplans", None, path.resolve()))
        return Target(target, _files_in(path, None, _checkout_root(path)), evidence_dir=_bundled_evidence(path))
    bundled = BUNDLED_WORKSPACES / target
    if "/" not in target and bundled.is_dir():
        return Target(target, _files_in(bundled, target, None), target, _bundled_evidence(bundled))
    raise ConfigError(f"'{target}' is not a configured repo, a directory or a file")


def _files_in(directory: Path, repo_name: str | None, repo_root: Path | None) -> list[WorkplanFile]:
    """The workplan files of a directory: its ``*.md`` files, not its subdirectories."""
    shown = _display(directory)  # once: working out a relative path per file is slow
    return [
        WorkplanFile(directory / entry.name, os.path.join(shown, entry.name), repo_name, repo_root)
        for entry in sorted(os.scandir(directory), key=lambda entry: entry.name)
        if entry.name.endswith(".md") and not entry.name.startswith(".") and entry.name.lower() != "readme.md" and entry.is_file()
    ]


def _checkout_root(workplan_dir: Path) -> Path | None:
    """The repo root of a ``workplans/`` directory, when its parent is a git checkout."""
    workplan_dir = workplan_dir.resolve()
    if workplan_dir.name == "workplans" and (workplan_dir.parent / ".git").exists():
        return workplan_dir.parent
    return None


def _bundled_evidence(directory: Path) -> Path | None:
    evidence = directory / "evidence"
    return evidence if evidence.is_dir() else None


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def shown_path(path: Path | None) -> Path | None:
    """``path`` as reports show it: relative to the working directory, as workplan paths are."""
    return None if path is None else Path(_display(path))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a workspace is read.

    Reading builds hundreds of thousands of small acyclic objects. Each collection pass
    rescans the growing heap and finds nothing to free; on a large workspace those passes
    cost more than the parsing itself. Reference counting still frees everything as usual.
    What was read lives until the run ends, so it is frozen out of later collections too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


@dataclass
class Loaded:
    """A read workspace: every workplan summarised, the evidence-bearing ones in full."""

    summaries: list[WorkplanSummary]
    findings: list[Finding]
    with_evidence: list[Workplan]


@dataclass
class _Read:
    """What a worker sends back about one file. ``entry`` is compact data (see
    :mod:`auditor.cache`); ``None`` with ``hit`` set means the cached entry held. A file that
    cannot be kept as an entry (it has evidence, or YAML values JSON would change) comes back
    as objects: ``summary``, ``findings`` and, with evidence, the whole ``workplan``."""

    key: str | None = None
    entry: dict | None = None
    hit: bool = False
    checkout_findings: list[list] = field(default_factory=list)
    """Rows (see :func:`auditor.cache.finding_row`) of the rules that run on every check."""
    summary: WorkplanSummary | None = None
    findings: list[Finding] = field(default_factory=list)
    workplan: Workplan | None = None


_SHARD_ENTRIES: dict[Path, dict[str, list]] = {}
"""Cached entries by workplan directory, set before the worker processes fork."""


def load(files: list[WorkplanFile], config: Config, cache: Cache | None = None, progress: ProgressCallback | None = None) -> Loaded:
    """Parse and lint every file, in path order, on every core when worth it."""
    _SHARD_ENTRIES.clear()
    if cache is not None:
        for directory in {item.path.parent for item in files}:
            _SHARD_ENTRIES[directory] = cache.shard(directory).entries
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_THRESHOLD or workers < 2:
        chunks = [files]
        parts = map(_read_and_lint, chunks, [config])
        results = _gathered(parts, chunks, len(files), progress)
    else:
        chunk = max(16, min(256, len(files) // (workers * 4)))
        chunks = [files[start : start + chunk] for start in range(0, len(files), chunk)]
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = _gathered(pool.map(_read_and_lint, chunks, [config] * len(chunks)), chunks, len(files), progress)
    loaded = Loaded([], [], [])
    for item, result in zip(files, results):
        if result.key is None:
            loaded.summaries.append(result.summary)
            loaded.findings += result.findings
            if result.workplan is not None:
                loaded.with_evidence.append(result.workplan)
            continue
        entries = _SHARD_ENTRIES.get(item.path.parent)
        if result.hit and entries is not None:
            entry = entries[item.path.name][1]
        else:
            entry = result.entry
            if cache is not None:
                cache.shard(item.path.parent).entries[item.path.name] = [result.key, entry]
                cache.shard(item.path.parent).changed = True
        loaded.summaries.append(summary_of(entry))
        loaded.findings += findings_of(entry)
        loaded.findings += map(finding_of, result.checkout_findings)
    _SHARD_ENTRIES.clear()
    return loaded


def _gathered(parts, chunks: list[list[WorkplanFile]], total: int, progress: ProgressCallback | None) -> list[_Read]:
    results: list[_Read] = []
    for part in parts:
        results += part
        if progress is not None:
            progress("reading workplans", len(results), total)
    return results


def _read_and_lint(files: list[WorkplanFile], config: Config) -> list[_Read]:
    """Read, lint and summarise ``files`` (in a worker process for large workspaces)."""
    checkout_rules = [rule for rule in rules_of_scope("workplan") if not getattr(rule, "CACHEABLE", True)]
    cacheable_rules = [rule for rule in rules_of_scope("workplan") if getattr(rule, "CACHEABLE", True)]
    results = []
    for item in files:
        repo_root = str(item.repo_root) if item.repo_root else None
        data = _regular_file_bytes(item.path, config.limits.max_file_bytes)
        if data is None:  # unreadable, too big or not a regular file: the reader says which
            results.append(_as_objects(read_workplan(item.path, display_path=item.display, max_bytes=config.limits.max_file_bytes), item, config))
            continue
        key = entry_key(data, item.display, item.repo_name, repo_root)
        cached = _SHARD_ENTRIES.get(item.path.parent, {}).get(item.path.name)
        result = _Read(key=key, hit=cached is not None and cached[0] == key)
        entry = cached[1] if result.hit else None
        if entry is None:
            workplan = parse_workplan(data, item.display, max_bytes=config.limits.max_file_bytes)
            workplan.repo_name, workplan.repo_root = item.repo_name, repo_root
            if workplan.has_evidence():
                results.append(_as_objects(workplan, item, config))
                continue
            try:
                entry = result.entry = to_entry(workplan, list(run_rules(cacheable_rules, workplan, config)))
            except Uncacheable:
                results.append(_as_objects(workplan, item, config))
                continue
        result.checkout_findings = [
            finding_row(finding) for finding in run_rules(checkout_rules, checkout_view(entry, item.repo_name, repo_root), config)
        ]
        results.append(result)
    return results


def _as_objects(workplan: Workplan, item: WorkplanFile, config: Config) -> _Read:
    workplan.repo_name = item.repo_name
    workplan.repo_root = str(item.repo_root) if item.repo_root else None
    return _Read(
        summary=workplan.summary(),
        findings=lint_workplan(workplan, config),
        workplan=workplan if workplan.has_evidence() else None,
    )


def _regular_file_bytes(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of a regular file within the size limit, else None."""
    try:  # non-blocking, so that a FIFO put in place of a file cannot hang the run
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode) or status.st_size > max_bytes:
                return None
            data = handle.read(max_bytes + 1)
    except OSError:
        return None
    return data if len(data) <= max_bytes else None
