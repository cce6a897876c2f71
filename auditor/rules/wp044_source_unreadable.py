"""WP044 — an evidence source file is malformed: a line that is not a JSON object, a record
missing a field or with a bad timestamp, a JSON object naming a key twice, two records with one
natural key and different content, a history or note that cannot be read. The finding
names the evidence file and line; checks that need the source become unknown (WP043). A
warning, like the unknown verdicts it causes.

The subject is a :class:`~auditor.evidence.model.SourceProblem`.

PASS::

    {"id": "f1", "kind": "calibration", "recorded_at": "2026-06-11T09:00:00+00:00"}

FAIL::

    {"id": "f1", "kind": "calibration", "recorded_at": "yesterday"}
    {"id": "f2", "kind": "calibration"
    {"id": "f3", "kind": "calibration", "kind": "other", "recorded_at": "2026-06-11T09:00:00Z"}
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
    yield from hits(problem, "malformed")


def hits(problem: SourceProblem, kind: str) -> Iterator[Hit]:
    """The finding about ``problem`` when it is of ``kind`` (WP044, WP045 and WP046 each report one kind)."""
    if problem.kind == kind:
        # A finding is located in a file; here the file is the evidence file, not a workplan.
        yield Hit(Workplan(path=problem.path), f"{problem.source} (repo {problem.repo}): {problem.message}", problem.line)
