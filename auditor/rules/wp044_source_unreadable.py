"""WP044 — an evidence source file is malformed: a line that is not a JSON object, a record
missing a field or with a bad timestamp, a history or note that cannot be read. The finding
names the evidence file and line; checks that need the source become unknown (WP043). A
warning, like the unknown verdicts it causes.

The subject is a :class:`~auditor.evidence.model.SourceProblem`.

PASS::

    {"id": "f1", "kind": "calibration", "recorded_at": "2026-06-11T09:00:00+00:00"}

FAIL::

    {"id": "f1", "kind": "calibration", "recorded_at": "yesterday"}
    {"id": "f2", "kind": "calibration"
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.evidence.model import SourceProblem
from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP044"
SEVERITY = Severity.warning
SCOPE = "evidence"
SUMMARY = "evidence source unreadable: malformed line, record or file"


def check(problem: SourceProblem, ctx: Context) -> Iterator[Hit]:
    # A finding is located in a file; here the file is the evidence file, not a workplan.
    where = Workplan(path=problem.path)
    yield Hit(where, f"{problem.source} (repo {problem.repo}): {problem.message}", problem.line)
