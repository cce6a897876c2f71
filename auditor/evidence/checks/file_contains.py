"""``file_contains``: a repo file holds a text, or a line matching a regular expression.

Example::

    file_contains:
      path: docs/runbook.md             # or a glob: src/**/*.py
      text: ISSUE_SINK_TYPE=null        # or  pattern: 'rollback.*null'

``pattern`` is a Python regular expression searched line by line. With a glob, some matching
file must hold it. PASS: ``docs/runbook.md`` line 7 reads ``Set ISSUE_SINK_TYPE=null.``. FAIL:
no line holds it, or no file matches the path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from auditor.evidence.checks.base import CheckContext, RepoPathArgs
from auditor.evidence.model import CheckResult, EvidenceRef
from auditor.evidence.repo_paths import is_glob

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "file_contains"


class FileContainsArgs(RepoPathArgs):
    globs = True
    one_of = (("text", "pattern"),)
    text: str | None = Field(default=None, min_length=1, description="Text a line holds.")
    pattern: str | None = Field(default=None, min_length=1, description="Regular expression a line matches.")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return pattern

    @property
    def wanted(self) -> str:
        return f"'{self.text}'" if self.text is not None else f"a line matching /{self.pattern}/"

    def hits(self, files: list[tuple[str, str]]) -> Iterator[EvidenceRef]:
        """Every line of ``files`` that holds the text or matches, as evidence."""
        matcher = re.compile(re.escape(self.text) if self.text is not None else self.pattern or "")
        for path, content in files:
            for number, line in enumerate(content.splitlines(), start=1):
                if matcher.search(line):
                    # A proof names the place, never the text: a file may hold what must not be shown.
                    yield EvidenceRef(source="repo", reference=f"{path}:{number}", path=path, line=number)

    def no_files(self, ctx: CheckContext, wanted: str) -> CheckResult:
        detail = f"no file matches {self.path}" if is_glob(self.path) else f"{self.path} does not exist"
        return ctx.result("fail", detail, missing=[wanted])


ARGS = FileContainsArgs


def sources(args: FileContainsArgs) -> tuple[SourceName, ...]:
    return ("repo_files",)


def judge(args: FileContainsArgs, ctx: CheckContext) -> CheckResult:
    files = ctx.repo_files(args.path)
    if not files:
        return args.no_files(ctx, f"file {args.path} with {args.wanted}")
    found = next(args.hits(files), None)
    if found is None:
        return ctx.result("fail", f"{args.path} does not hold {args.wanted}", missing=[f"{args.wanted} in {args.path}"])
    return ctx.result("pass", f"{found.path}:{found.line} holds {args.wanted}", [found])
