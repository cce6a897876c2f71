"""WP006: invalid dates (error), 'updated' before 'created' (error), a note after 'updated' (warning)."""

from __future__ import annotations

import pytest

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, COMPLETION_NOTE, assert_clean, assert_defect, variant

CREATED = 'created: "2026-06-01"'
UPDATED = 'updated: "2026-06-10"'


@pytest.mark.parametrize(
    "old, new, needle, fragment",
    [
        pytest.param(CREATED, 'created: "2026-02-30"', "created:", "'created' is not a valid ISO date: '2026-02-30'", id="quoted-invalid"),
        pytest.param(CREATED, "created: 2026-02-30", "created:", "'created' is not a valid ISO date: '2026-02-30'", id="unquoted-invalid"),
        pytest.param(UPDATED, 'updated: "June 10"', "updated:", "'updated' is not a valid ISO date: 'June 10'", id="prose-date"),
        pytest.param(CREATED, 'created: "2026-06-11"', "updated:", "'updated' 2026-06-10 is before 'created' 2026-06-11", id="updated-before-created"),
        pytest.param(COMPLETION_NOTE, "2026-13-05: Completed.\n", "2026-13-05", "'2026-13-05' is not a valid date", id="invalid-note-date"),
    ],
)
def test_date_errors_are_reported_at_their_line(old, new, needle, fragment):
    assert_defect(variant(CLEAN, old, new), "WP006", line=needle, fragment=fragment, severity=Severity.error)


@pytest.mark.parametrize("note", ["2026-06-11: Completed by building the thing.\n", "- 2026-07-01 follow-up: still works.\n"])
def test_a_note_dated_after_updated_is_a_warning_at_the_note(note):
    text = variant(CLEAN, COMPLETION_NOTE, note)
    fragment = f"note dated {note.strip('- ')[:10]} is later than 'updated' 2026-06-10"
    assert_defect(text, "WP006", line=note.strip(), fragment=fragment, severity=Severity.warning, task_id="DEMO-WP-0001-T01")


def test_a_late_note_outside_any_task_has_no_task_id():
    text = variant(CLEAN, "## Context\n", "## Context\n2026-06-12 update: scope grew.\n")
    finding = assert_defect(text, "WP006", line="2026-06-12", fragment="2026-06-12", severity=Severity.warning)
    assert finding.task_id is None


@pytest.mark.parametrize(
    "old, new",
    [
        (COMPLETION_NOTE, "2026-06-10: Completed on the day of the last update.\n"),
        (CREATED, 'created: "2026-06-10"'),
        (UPDATED, "updated: 2026-06-10 18:00:00"),
        ("## Context\n", "## Context\nThe 2026-07-01 review is planned: not a note.\n"),
    ],
    ids=["note-on-updated", "updated-equals-created", "datetime", "date-inside-a-sentence"],
)
def test_consistent_dates_are_not_reported(old, new):
    assert_clean(variant(CLEAN, old, new), "WP006")


def test_dates_inside_code_are_not_notes():
    fence = "```text\n2026-12-31: a log line, not a note\n```\n"
    assert_clean(variant(CLEAN, "## Context\n", f"## Context\n{fence}"), "WP006")
