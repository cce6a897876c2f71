"""WP012: a workplan or task id used twice anywhere in the workspace."""

from __future__ import annotations

from auditor.model import Severity
from tests.auditor.helpers import CLEAN, CLEAN_NAME, assert_clean, assert_defect, line_of, lint_texts, of_code, variant

SECOND_NAME = "DEMO-WP-0001-copy.md"


def renumbered(text: str, number: str) -> str:
    """The same workplan under another id, with its own State Hub ids."""
    return text.replace("DEMO-WP-0001", f"DEMO-WP-{number}").replace("0b0e5c1e", f"0b0e{number}")


def test_a_task_id_used_twice_in_a_file_is_reported_at_the_second():
    text = variant(CLEAN, "id: DEMO-WP-0001-T02\n", "id: DEMO-WP-0001-T01\n")
    first, second = line_of(text, "id: DEMO-WP-0001-T01"), line_of(text, "id: DEMO-WP-0001-T01", 2)
    fragment = f"id 'DEMO-WP-0001-T01' is already used at {CLEAN_NAME}:{first}"
    assert_defect(text, "WP012", line=second, fragment=fragment, severity=Severity.error, task_id="DEMO-WP-0001-T01")


def test_a_workplan_id_used_in_two_files_is_reported_in_the_later_file():
    other = "---\nid: DEMO-WP-0001\ntype: workplan\n---\n"
    findings = of_code(lint_texts({CLEAN_NAME: CLEAN, SECOND_NAME: other}), "WP012")
    assert [(f.path, f.line, f.message) for f in findings] == [
        (SECOND_NAME, 2, f"id 'DEMO-WP-0001' is already used at {CLEAN_NAME}:2")
    ]


def test_a_task_id_used_in_two_files_is_reported_in_the_later_file():
    other = renumbered(CLEAN, "0002").replace("id: DEMO-WP-0002-T02", "id: DEMO-WP-0001-T02")
    findings = of_code(lint_texts({CLEAN_NAME: CLEAN, "DEMO-WP-0002-x.md": other}), "WP012")
    assert [(f.path, f.line, f.task_id) for f in findings] == [
        ("DEMO-WP-0002-x.md", line_of(other, "id: DEMO-WP-0001-T02"), "DEMO-WP-0001-T02")
    ]


def test_distinct_ids_across_files_are_not_reported():
    assert of_code(lint_texts({CLEAN_NAME: CLEAN, "DEMO-WP-0002-x.md": renumbered(CLEAN, "0002")}), "WP012") == []
    assert_clean(CLEAN, "WP012")
