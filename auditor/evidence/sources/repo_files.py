"""The repo files that file checks name, read from the repo checkout into ``repo_files``.

Not a bundle source: it reads the repo itself, and only the paths the evidence blocks name,
so that a snapshot holds everything a verdict was judged on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.evidence import evidence_files
from auditor.evidence.sources.base import LoadTarget, Problem, SourceReport
from auditor.evidence.store import insert_columns

if TYPE_CHECKING:
    import duckdb

NAME = "repo_files"


class RepoFilesSource:
    name = NAME

    def load(self, db: duckdb.DuckDBPyConnection, target: LoadTarget) -> SourceReport:
        if target.repo_root is None:
            return SourceReport("not_configured", None, reason=f"the checkout of repo {target.repo} is not known")
        report = SourceReport("ok", str(target.repo_root))
        columns: dict[str, list[Any]] = {"path": [], "present": [], "content": []}
        for relative in sorted(target.repo_paths):
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


SOURCE = RepoFilesSource()
