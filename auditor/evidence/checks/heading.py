"""``heading``: a repo Markdown file has a heading with a given text.

Example::

    heading:
      path: docs/runbook.md
      text: Rollback to null-sink mode

Any heading level; the text is compared whole, ignoring case and surrounding ``#`` and spaces.
Headings inside code blocks do not count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from auditor.evidence.checks.base import CheckContext, RepoPathArgs
from auditor.evidence.model import CheckResult, EvidenceRef

if TYPE_CHECKING:
    from auditor.evidence.sources.base import SourceName

KIND = "heading"


class HeadingArgs(RepoPathArgs):
    text: str = Field(min_length=1, description="The heading's text.")


ARGS = HeadingArgs


def sources(args: HeadingArgs) -> tuple[SourceName, ...]:
    return ("repo_files",)


def headings(markdown: str) -> list[tuple[int, str]]:
    """(line, text) of every heading, ATX or setext, outside code."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("zero").enable(["heading", "lheading", "fence", "code"])
    tokens = parser.parse(markdown)
    return [
        (token.map[0] + 1, tokens[index + 1].content.strip())
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.map is not None
    ]


def judge(args: HeadingArgs, ctx: CheckContext) -> CheckResult:
    wanted = f"heading '{args.text}' in {args.path}"
    content = ctx.repo_file(args.path)
    if content is None:
        return ctx.result("fail", f"{args.path} does not exist", missing=[wanted])
    target = args.text.strip().casefold()
    for line, text in headings(content):
        if text.casefold() == target:
            found = EvidenceRef(source="repo", reference=f"{args.path}:{line}", path=args.path, line=line)
            return ctx.result("pass", f"{args.path}:{line} has the heading", [found])
    return ctx.result("fail", f"{args.path} has no heading '{args.text}'", missing=[wanted])
