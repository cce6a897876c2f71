"""From targets to parsed, linted workplans.

A target is a repo name from auditor.toml, a directory, or a file. With no auditor.toml, a bare
name is looked up as a bundled example workspace (``workplans/<name>/``). Reading and the
per-file rules run on every core when there are enough files to pay for the processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config import Config, ConfigError
from auditor.linter import lint_workplan
from auditor.model import Finding, Workplan, WorkplanSummary
from auditor.parse.workplan import read_workplan_source

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


def load(files: list[WorkplanFile], config: Config, *, keep_sources: bool = False) -> Loaded:
    """Parse and lint every file, in path order, on every core when worth it."""
    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_THRESHOLD or workers < 2:
        parts = [_read_and_lint(files, config, keep_sources)]
    else:
        chunk = max(16, min(256, len(files) // (workers * 4)))
        chunks = [files[start : start + chunk] for start in range(0, len(files), chunk)]
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            parts = list(pool.map(_read_and_lint, chunks, [config] * len(chunks), [keep_sources] * len(chunks)))
    loaded = Loaded([], [], [])
    for part in parts:
        loaded.summaries += part.summaries
        loaded.findings += part.findings
        loaded.with_evidence += part.with_evidence
        loaded.sources.update(part.sources)
    return loaded


def _read_and_lint(files: list[WorkplanFile], config: Config, keep_sources: bool = False) -> Loaded:
    """Read, lint and summarise ``files`` (in a worker process for large workspaces)."""
    loaded = Loaded([], [], [])
    for item in files:
        workplan, source = read_workplan_source(item.path, display_path=item.display, max_bytes=config.limits.max_file_bytes)
        if keep_sources and source is not None:
            loaded.sources[item.display] = source
        workplan.repo_name = item.repo_name
        workplan.repo_root = str(item.repo_root) if item.repo_root else None
        loaded.findings += lint_workplan(workplan, config)
        loaded.summaries.append(workplan.summary())
        if workplan.has_evidence():
            loaded.with_evidence.append(workplan)
    return loaded
