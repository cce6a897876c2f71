"""``file_not_contains``: no repo file that a path or glob names has a line holding a text, or
matching a regular expression.

Example::

    file_not_contains:
      path: src/**/*.py
      pattern: '["'']review_required["'']'     # or  text: review_required

PASS: files match ``src/**/*.py`` and none has such a line. FAIL: ``src/activity_core/sinks.py``
line 41 has one (every such line is listed), or no file matches the path at all: a claim about
files that are not there is not shown to hold. A file the glob matches that cannot be read (a
symlink, over the size limit) makes it unknown, never a pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from auditor.evidence.checks.base import CheckContext
from auditor.evidence.checks.file_contains import FileContainsArgs
from auditor.evidence.model import CheckResult, EvidenceRef

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "file_not_contains"
MAX_LISTED = 20


class FileNotContainsArgs(FileContainsArgs):
    pass


ARGS = FileNotContainsArgs


def sources(args: FileNotContainsArgs) -> tuple[SourceName, ...]:
    return ("repo_files",)


def judge(args: FileNotContainsArgs, ctx: CheckContext) -> CheckResult:
    files = ctx.repo_files(args.path)
    if not files:
        return args.no_files(ctx, f"files {args.path} without {args.wanted}")
    hits = list(args.hits(files))
    if hits:
        listed = [hit.reference for hit in hits[:MAX_LISTED]]  # path:line, never the line's text
        return ctx.result("fail", f"{hits[0].path}:{hits[0].line} holds {args.wanted} ({len(hits)} lines)", hits[:MAX_LISTED], [
            f"no line with {args.wanted} in {args.path}", *listed
        ])
    checked = [EvidenceRef(source="repo", reference=path, path=path) for path, _ in files]
    count = f"{len(files)} file{'s' if len(files) != 1 else ''}"
    return ctx.result("pass", f"{count} matching {args.path}, none holds {args.wanted}", checked)
