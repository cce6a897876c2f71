"""``file_contains``: a repo file holds a text, or a line matching a regular expression.

Example::

    file_contains:
      path: docs/runbook.md
      text: ISSUE_SINK_TYPE=null        # or  pattern: 'rollback.*null'

``pattern`` is a Python regular expression searched line by line.
"""

from __future__ import annotations

import re
from pydantic import Field, field_validator

from auditor.evidence.checks.base import CheckContext, RepoPathArgs
from auditor.evidence.model import CheckResult, EvidenceRef

KIND = "file_contains"


class FileContainsArgs(RepoPathArgs):
    one_of = (("text", "pattern"),)
    text: str | None = Field(default=None, min_length=1, description="Text the file holds.")
    pattern: str | None = Field(default=None, min_length=1, description="Regular expression a line of the file matches.")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return pattern


ARGS = FileContainsArgs


def sources(args: FileContainsArgs) -> tuple[str, ...]:
    return ("repo_files",)


def judge(args: FileContainsArgs, ctx: CheckContext) -> CheckResult:
    wanted = f"'{args.text}'" if args.text is not None else f"a line matching /{args.pattern}/"
    content = ctx.repo_file(args.path)
    if content is None:
        return ctx.result("fail", f"{args.path} does not exist", missing=[f"file {args.path} with {wanted}"])
    matcher = re.compile(re.escape(args.text) if args.text is not None else args.pattern)
    for number, line in enumerate(content.splitlines(), start=1):
        if matcher.search(line):
            # A proof names the place, never the text: a file may hold what must not be shown.
            found = EvidenceRef(source="repo", reference=f"{args.path}:{number}", path=args.path, line=number)
            return ctx.result("pass", f"{args.path}:{number} holds {wanted}", [found])
    return ctx.result("fail", f"{args.path} does not hold {wanted}", missing=[f"{wanted} in {args.path}"])
