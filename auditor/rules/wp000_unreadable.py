"""WP000 — the file cannot be read as a workplan.

Binary content, text that is not UTF-8, a file over ``[limits] max_file_bytes``, or a read error.
Nothing else is checked in such a file.

PASS::

    a UTF-8 Markdown file under the size limit

FAIL::

    a PNG renamed to .md                     (binary file)
    a 50 MB file                             (over the limit)
    a Latin-1 file with "Ã¼" bytes           (not UTF-8)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP000"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "file cannot be read as a workplan (binary, not UTF-8, too large, unreadable)"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    for problem in workplan.problems:
        if problem.kind == "file":
            yield Hit(workplan, problem.message, problem.line, problem.column)
