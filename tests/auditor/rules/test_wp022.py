"""WP022: a done task has no dated completion note in its section (info)."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, COMPLETION_NOTE, WAIT_REASON, assert_clean, assert_defect, variant


@pytest.mark.parametrize(
    "note",
    [
        "",
        "2026-06-05 update: started building.\n",
        "Completed by building the thing.\n",
        "```text\n2026-06-05: Completed (inside code)\n```\n",
    ],
    ids=["no-note", "not-about-completion", "undated", "in-code"],
)
def test_a_done_task_without_completion_note_is_reported_at_its_status(note):
    fragment = "task is 'done' but has no dated completion note"
    text = variant(CLEAN, COMPLETION_NOTE, note)
    assert_defect(text, "WP022", line="status: done", fragment=fragment, severity=Severity.info, task_id="DEMO-WP-0001-T01")


def test_a_note_in_another_section_does_not_count():
    text = variant(CLEAN, COMPLETION_NOTE, "")
    text = variant(text, WAIT_REASON, WAIT_REASON + COMPLETION_NOTE)
    assert_defect(text, "WP022", line="status: done", fragment="no dated completion note", severity=Severity.info)


@pytest.mark.parametrize(
    "note",
    [
        COMPLETION_NOTE,
        "2026-06-05 done: shipped the thing.\n",
        "- 2026-06-05: Closed on evidence.\n",
        "2026-06-05 update: resolved by the vendor.\n",
    ],
    ids=["completed", "done-label", "bulleted-closed", "resolved"],
)
def test_a_dated_completion_note_is_accepted(note):
    assert_clean(variant(CLEAN, COMPLETION_NOTE, note), "WP022")
