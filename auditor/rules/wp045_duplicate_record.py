"""WP045 — an evidence record is written twice, exactly: two lines with the same natural key
(activity_runs ``run_id``; spawn log ``run_id`` and ``spec_hash``; State Hub ``id``; issue-core
``ref``) and the same content. The repeat is counted once; the finding names it and the line it
repeats. A repeat with other content is malformed: WP044.

The subject is a :class:`~auditor.evidence.model.SourceProblem`.

PASS::

    {"run_id": "r1", "definition": "audit", "sink": "null", "spec_hash": "a1", "created_at": "2026-06-15T07:00:00Z"}
    {"run_id": "r1", "definition": "audit", "sink": "null", "spec_hash": "b2", "created_at": "2026-06-15T07:00:00Z"}

FAIL::

    {"run_id": "r1", "definition": "audit", "sink": "null", "spec_hash": "a1", "created_at": "2026-06-15T07:00:00Z"}
    {"run_id": "r1", "definition": "audit", "sink": "null", "spec_hash": "a1", "created_at": "2026-06-15T07:00:00Z"}
"""

from __future__ import annotations

from typing import Iterator

from auditor.evidence.model import SourceProblem
from auditor.model import Severity
from auditor.rules.base import Context, Hit
from auditor.rules.wp044_source_unreadable import hits

CODE = "WP045"
SEVERITY = Severity.info
SCOPE = "evidence"
SUMMARY = "evidence record written twice (counted once)"


def check(problem: SourceProblem, ctx: Context) -> Iterator[Hit]:
    yield from hits(problem, "duplicate")
