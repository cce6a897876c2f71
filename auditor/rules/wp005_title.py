"""WP005 — the H1 heading does not read ``<id> - <title>``.

PASS::

    title: "Intent gap closure"
    # ACTIVITY-WP-0009 - Intent gap closure

FAIL::

    # Intent gap closure                        (id missing)
    # ACTIVITY-WP-0009 - Intent gaps            (title differs)
    (no H1 at all)
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.model import Severity, Workplan
from auditor.rules.base import Context, Hit

CODE = "WP005"
SEVERITY = Severity.warning
SCOPE = "workplan"
SUMMARY = "H1 heading does not match '<id> - <title>'"


def check(workplan: Workplan, ctx: Context) -> Iterator[Hit]:
    workplan_id, title = workplan.id, workplan.text_field("title")
    if not workplan_id or title is None:
        return
    expected = f"{workplan_id} - {title.strip()}"
    if workplan.title_line is None:
        yield Hit(workplan, f"no H1 heading; expected '# {expected}'", workplan.line_of("title"))
    elif " ".join((workplan.title_text or "").split()) != " ".join(expected.split()):
        yield Hit(workplan, f"H1 '{workplan.title_text}' does not match '{expected}'", workplan.title_line)
