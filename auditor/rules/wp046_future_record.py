"""WP046 — an evidence record is dated after the audit's today (``--today``, default now): a
timestamp or day of a record, a history event or a note is later than the present the audit
judges. The record is left out of every verdict; the finding names where it is.

The subject is a :class:`~auditor.evidence.model.SourceProblem`.

PASS (``--today 2026-06-20``)::

    {"id": "f1", "kind": "calibration", "recorded_at": "2026-06-19T09:00:00Z"}

FAIL (``--today 2026-06-20``)::

    {"id": "f1", "kind": "calibration", "recorded_at": "2026-06-21T09:00:00Z"}
"""

from __future__ import annotations

from typing import Iterator

from auditor.evidence.model import SourceProblem
from auditor.model import Severity
from auditor.rules.base import Context, Hit
from auditor.rules.wp044_source_unreadable import hits

CODE = "WP046"
SEVERITY = Severity.warning
SCOPE = "evidence"
SUMMARY = "evidence record dated after today (left out)"


def check(problem: SourceProblem, ctx: Context) -> Iterator[Hit]:
    yield from hits(problem, "future")
