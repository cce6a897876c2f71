"""WP001 — frontmatter missing or not valid YAML.

The file must start with a ``---`` line, hold a YAML mapping, and close it with ``---``.
Alias bombs, recursive aliases and keys given twice are reported here too.

PASS::

    ---
    id: ACTIVITY-WP-0009
    type: workplan
    ---

FAIL::

    # ACTIVITY-WP-0009 - Intent gap closure     (no frontmatter)

    ---
    id: [ACTIVITY-WP-0009                       (unclosed flow sequence)
    ---
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP001"
SEVERITY = Severity.error
SCOPE = "workplan"
SUMMARY = "frontmatter missing or not valid YAML"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    for problem in workplan.problems:
        if problem.kind == "frontmatter":
            yield Hit(workplan, problem.message, problem.line, problem.column)
