"""``file_exists``: a file exists in the repo checkout.

Example::

    file_exists:
      path: docs/runbook.md

Paths are relative to the repo root; the repo root must be known (a repo from auditor.toml or
a checkout), otherwise the check is unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.evidence.checks.base import CheckContext, RepoPathArgs
from auditor.evidence.model import CheckResult, EvidenceRef

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "file_exists"


class FileExistsArgs(RepoPathArgs):
    pass


ARGS = FileExistsArgs


def sources(args: FileExistsArgs) -> tuple[SourceName, ...]:
    return ("repo_files",)


def judge(args: FileExistsArgs, ctx: CheckContext) -> CheckResult:
    if ctx.repo_file(args.path) is None:
        return ctx.result("fail", f"{args.path} does not exist", missing=[f"file {args.path}"])
    return ctx.result("pass", f"{args.path} exists", [EvidenceRef(source="repo", reference=args.path, path=args.path)])
