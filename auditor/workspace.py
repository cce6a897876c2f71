"""From targets to parsed, linted workplans.

A target is a repo name from auditor.toml, a directory, or a file. With no auditor.toml, a bare
name is looked up as a bundled example workspace (``workplans/<name>/``). Reading and the
per-file rules run on every core when there are enough files to pay for the processes.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import stat
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from auditor.cache import Cache, Uncacheable, checkout_view, entry_key, finding_of, finding_row, findings_of, summary_of, to_entry
from auditor.config import Config, ConfigError
from auditor.linter import lint_workplan, run_rules
from auditor.model import Finding, Workplan, WorkplanSummary
from auditor.parse.workplan import read_workplan_source
from auditor.progress import ProgressCallback
from auditor.rules import rules_of_scope

BUNDLED_WORKSPACES = Path(__file__).resolve().parent.parent / "workplans"
DEFAULT_WORKPLAN_DIR = "workplans"
"""Checked when no target is given and no repo is configured."""
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
        if config.repos:
            targets = list(config.repos)
        elif Path(DEFAULT_WORKPLAN_DIR).is_dir():
            targets = ["."]  # the checkout in the working directory, its workplans in ./workplans
        else:
            raise ConfigError(
                f"no target given and no [repos.NAME] in auditor.toml, nor a ./{DEFAULT_WORKPLAN_DIR} directory; name a repo, directory or file"
            )
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
        if entry.name.endswith(".md") and not entry.name.startswith(".") and entry.name.lower() != "readme.md" and _may_be_file(entry)
    ]


def _may_be_file(entry: os.DirEntry[str]) -> bool:
    """Whether a directory entry is a file to read. One that cannot even be looked at (a
    symlink loop, no permission) is kept: reading it reports why, as WP000."""
    try:
        return entry.is_file()
    except OSError:
        return True


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
    sources: dict[str, bytes] = field(default_factory=dict)
    """The bytes each file was parsed from, by display path, when asked to keep them."""


@dataclass
class _Read:
    """What is known about one file once read. ``entry`` is compact data (see
    :mod:`auditor.cache`), which is all that crosses back from a worker process for most files;
    ``hit`` says it came from the cache. A file that cannot be kept as an entry (it has
    evidence, or YAML values JSON would change) comes back as objects: ``summary``,
    ``findings`` and, with evidence, the whole ``workplan``."""

    key: str | None = None
    entry: dict[str, Any] | None = None
    hit: bool = False
    checkout_findings: list[list[Any]] = field(default_factory=list)
    """Rows (see :func:`auditor.cache.finding_row`) of the rules that run on every check."""
    summary: WorkplanSummary | None = None
    findings: list[Finding] = field(default_factory=list)
    workplan: Workplan | None = None
    source: bytes | None = None
    """The bytes the file was read from, when asked to keep them."""


def load(
    files: list[WorkplanFile],
    config: Config,
    cache: Cache | None = None,
    progress: ProgressCallback | None = None,
    *,
    keep_sources: bool = False,
) -> Loaded:
    """Parse and lint every file, in path order: files the cache holds here, the others on
    every core when there are enough of them to pay for the processes."""
    results: list[_Read | None] = [None] * len(files)
    if cache is not None:
        for index, item in enumerate(files):
            if item.path.name in cache.shard(item.path.parent).entries:
                results[index] = _from_cache(item, config, cache, keep_sources)
    pending = [index for index, result in enumerate(results) if result is None]
    done = len(files) - len(pending)
    workers = min(os.cpu_count() or 1, 8)
    with ExitStack() as stack:
        parts: Iterator[list[_Read]]
        if len(pending) < PARALLEL_THRESHOLD or workers < 2:
            parts = map(_read_and_lint, [[files[index] for index in pending]], [config], [keep_sources])
        else:
            size = max(16, min(256, len(pending) // (workers * 4)))
            chunks = [[files[index] for index in pending[start : start + size]] for start in range(0, len(pending), size)]
            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=context))
            parts = pool.map(_read_and_lint, chunks, [config] * len(chunks), [keep_sources] * len(chunks))
        read = iter(pending)
        for part in parts:
            for result in part:
                results[next(read)] = result
            done += len(part)
            if progress is not None:
                progress("reading workplans", done, len(files))
    return _assembled(files, [result for result in results if result is not None], cache)  # every file has one by now


def _assembled(files: list[WorkplanFile], results: list[_Read], cache: Cache | None) -> Loaded:
    """Models from the compact results, in path order; new entries go into the cache."""
    loaded = Loaded([], [], [])
    for item, result in zip(files, results, strict=True):
        if result.source is not None:
            loaded.sources[item.display] = result.source
        if result.entry is None:
            assert result.summary is not None, "a result without an entry carries its objects"
            loaded.summaries.append(result.summary)
            loaded.findings += result.findings
            if result.workplan is not None:
                loaded.with_evidence.append(result.workplan)
            continue
        if cache is not None and not result.hit:
            shard = cache.shard(item.path.parent)
            shard.entries[item.path.name] = [result.key, result.entry]
            shard.changed = True
        loaded.summaries.append(summary_of(result.entry))
        loaded.findings += findings_of(result.entry)
        loaded.findings += map(finding_of, result.checkout_findings)
    return loaded


@functools.cache
def _split_rules() -> tuple[list[ModuleType], list[ModuleType]]:
    """The per-file rules whose results may be cached, and those that run on every check."""
    rules = rules_of_scope("workplan")
    return [rule for rule in rules if getattr(rule, "CACHEABLE", True)], [rule for rule in rules if not getattr(rule, "CACHEABLE", True)]


def _from_cache(item: WorkplanFile, config: Config, cache: Cache, keep_sources: bool) -> _Read | None:
    """The cached result of ``item``, when the entry was made from these very bytes."""
    data = _regular_file_bytes(item.path, config.limits.max_file_bytes)
    if data is None:
        return None
    repo_root = str(item.repo_root) if item.repo_root else None
    key, entry = cache.shard(item.path.parent).entries[item.path.name]
    if key != entry_key(data, item.display, item.repo_name, repo_root):
        return None
    return _with_checkout_findings(_Read(key=key, entry=entry, hit=True, source=data if keep_sources else None), item, config)


def _with_checkout_findings(result: _Read, item: WorkplanFile, config: Config) -> _Read:
    """Run the rules that look beyond the file, on the entry: the same for cached and new ones."""
    repo_root = str(item.repo_root) if item.repo_root else None
    assert result.entry is not None, "only entries are looked at beyond the file"
    view = checkout_view(result.entry, item.repo_name, repo_root)
    result.checkout_findings = [finding_row(finding) for finding in run_rules(_split_rules()[1], view, config)]
    return result


def _read_and_lint(files: list[WorkplanFile], config: Config, keep_sources: bool = False) -> list[_Read]:
    """Read, lint and summarise ``files`` (in a worker process for large workspaces)."""
    cacheable_rules = _split_rules()[0]
    results = []
    for item in files:
        workplan, data = read_workplan_source(item.path, display_path=item.display, max_bytes=config.limits.max_file_bytes)
        source = data if keep_sources else None
        if data is None:  # unreadable: the workplan says why
            results.append(_as_objects(workplan, item, config, source))
            continue
        workplan.repo_name = item.repo_name
        workplan.repo_root = str(item.repo_root) if item.repo_root else None
        if workplan.has_evidence():
            results.append(_as_objects(workplan, item, config, source))
            continue
        try:
            entry = to_entry(workplan, list(run_rules(cacheable_rules, workplan, config)))
        except Uncacheable:
            results.append(_as_objects(workplan, item, config, source))
            continue
        key = entry_key(data, item.display, item.repo_name, workplan.repo_root)
        results.append(_with_checkout_findings(_Read(key=key, entry=entry, source=source), item, config))
    return results


def _as_objects(workplan: Workplan, item: WorkplanFile, config: Config, source: bytes | None) -> _Read:
    workplan.repo_name = item.repo_name
    workplan.repo_root = str(item.repo_root) if item.repo_root else None
    return _Read(
        summary=workplan.summary(),
        findings=lint_workplan(workplan, config),
        workplan=workplan if workplan.has_evidence() else None,
        source=source,
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
