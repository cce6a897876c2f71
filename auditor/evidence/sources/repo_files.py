"""The repo files that file checks name, read from the repo checkout into ``repo_files``.

Not a bundle source: it reads the repo itself, and only the paths the evidence blocks name
(a glob names every file it matches), so that a snapshot holds everything a verdict was judged
on. A file that cannot be read as asked is a problem, which makes the file checks unknown.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.evidence import evidence_files
from auditor.evidence.repo_paths import is_glob, literal_prefix, matches, may_hold
from auditor.evidence.sources.base import LoadTarget, Problem, SourceReport
from auditor.evidence.store import insert_columns

if TYPE_CHECKING:
    import duckdb

NAME = "repo_files"
MAX_GLOB_FILES = 10_000
"""Files one glob may match: more is a walk over something that is not the repo's own."""


class RepoFilesSource:
    name = NAME

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        if target.repo_root is None:
            return SourceReport("not_configured", None, reason=f"the checkout of repo {target.repo} is not known")
        report = SourceReport("ok", str(target.repo_root))
        exact = {path for path in target.repo_paths if not is_glob(path)}
        for pattern in sorted(path for path in target.repo_paths if is_glob(path)):
            exact |= set(_expand(target.repo_root, pattern, report))
        columns: dict[str, list[Any]] = {"path": [], "present": [], "content": []}
        for relative in sorted(exact):
            path = target.repo_root / relative
            try:
                content = evidence_files.read_text(path, target.repo_root, target.limits.max_repo_file_bytes, errors="replace")
            except evidence_files.RefusedFile as exc:
                report.add(Problem(str(path), exc.line, str(exc)))
                continue
            except OSError as exc:
                report.add(Problem(str(path), 1, f"cannot read: {exc.strerror or exc}"))
                continue
            for name, value in (("path", relative), ("present", content is not None), ("content", content)):
                columns[name].append(value)
        report.records = insert_columns(db, "repo_files", target.repo, columns)
        return report


def _expand(root: Path, pattern: str, report: SourceReport) -> list[str]:
    """The regular files under ``root`` that ``pattern`` matches. A symlink or another kind of
    file that it matches, or a symlinked directory that could hold a match, is a problem: what
    it holds is not the checkout's own, and skipping it could hide a line a check looks for."""
    found: list[str] = []
    for relative, kind in _walk(root, pattern, report):
        if kind == "symlinked directory":
            report.add(Problem(str(root / relative), 1, f"a symlinked directory that {pattern} could match in; not followed"))
        elif kind != "file":
            report.add(Problem(str(root / relative), 1, f"{kind}, matched by {pattern}; not read"))
        else:
            found.append(relative)
            if len(found) > MAX_GLOB_FILES:
                report.add(Problem(str(root), 1, f"{pattern} matches more than {MAX_GLOB_FILES} files"))
                return []
    return found


def _walk(root: Path, pattern: str, report: SourceReport) -> Iterator[tuple[str, str]]:
    """(repo-relative path, kind) of every entry that ``pattern`` matches, and of every symlinked
    directory that could hold a match; only directories that could hold one are entered."""
    start = literal_prefix(pattern)
    top = root / start if start else root
    if start and top.exists() and top.resolve() != root.resolve() / start:
        yield start, "symlinked directory"
        return
    if not top.is_dir():
        return

    def failed(exc: OSError) -> None:
        report.add(Problem(str(exc.filename or top), 1, f"cannot list: {exc.strerror or exc}"))

    for directory, subdirectories, files in os.walk(top, onerror=failed):
        here = Path(directory).relative_to(root).as_posix()
        prefix = "" if here == "." else here + "/"
        for name in list(subdirectories):
            if not may_hold(pattern, prefix + name):
                subdirectories.remove(name)
            elif os.path.islink(os.path.join(directory, name)):
                subdirectories.remove(name)
                yield prefix + name, "symlinked directory"
        for name in files:
            if matches(pattern, prefix + name):
                yield prefix + name, _kind(os.lstat(os.path.join(directory, name)).st_mode)


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    return "a symlink" if stat.S_ISLNK(mode) else "not a regular file"


SOURCE = RepoFilesSource()
